package dev.weft.tube;

/**
 * A node's behaviour: called once per epoch its inputs are ready in, with those inputs as {@link Args}. What it
 * returns is emitted: on its one signal (by default {@code value}), or, for a node with several signals, as a
 * {@link Signals} naming each. Returning {@link #NO_EVENT} emits nothing and <em>expires</em> the signal, so nodes
 * that require it do not run in that epoch; {@code null} is an ordinary value.
 *
 * <p>Most nodes need not implement this: {@link NodeType} makes nodes from functions, objects with a
 * {@code process} method, and iterators. Implement it for a class node with lifecycle: {@link #init()} runs when
 * the runner opens (or the node is enabled), {@link #deinit()} when it closes (or the node is disabled).
 *
 * <p>A stateful node's runs never overlap and come in epoch order; a stateless node may be called from several
 * threads at once in the concurrent runner and must be thread safe.
 */
@FunctionalInterface
public interface Node {
    /** Returned by a node to emit nothing in this epoch (its dependants do not run). */
    Object NO_EVENT = NoEvent.NO_EVENT;

    /**
     * Runs the node once.
     *
     * @param args the node's inputs: its slots, its params (for function nodes) and the current {@link Epoch}
     * @return the value to emit, a {@link Signals}, or {@link #NO_EVENT}
     * @throws Exception any failure: it ends the epoch and reaches the caller naming this node and the epoch
     */
    Object process(Args args) throws Exception;

    /** Called when the runner opens, before any epoch. */
    default void init() throws Exception {
    }

    /** Called when the runner closes. */
    default void deinit() throws Exception {
    }

    /** The type of {@link #NO_EVENT}: one value, so it cannot be mistaken for a node's own value. */
    enum NoEvent {
        /** The one value. */
        NO_EVENT;

        @Override
        public String toString() {
            return "NO_EVENT";
        }
    }
}
