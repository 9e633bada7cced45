package dev.weft.component;

/**
 * A hook that watches the components of a system: attached with
 * {@link Components.Options#withObserver(ComponentObserver)}, asked once per system for a {@link Probe}, which then
 * hears of every message sent, delivered, received and dropped in that system and of every component's start and end.
 * The core knows nothing of what an observer does with it; {@code dev.weft.metrics.Metrics} is one, which records
 * Micrometer meters, and reaches components only through this interface.
 *
 * <p>Threads: {@link #systemOpened} is called by the thread that opens the system. A probe's methods are called
 * concurrently by the components' threads and by whatever thread sends or {@linkplain Component#deliver delivers}:
 * {@link Probe#sent}, {@link Probe#received} and {@link Probe#ended} by the component's own thread,
 * {@link Probe#delivered} and {@link Probe#dropped} at an inbox by the sending thread while it holds the receiving
 * component's lock, {@link Probe#started} by the thread that starts the component (the system's owner, or its
 * parent's thread) while it holds the component's lock, followed there by what reached its inboxes before (a
 * component can be sent to before it starts: each delivery and drop is reported exactly once). Implementations must
 * be thread safe, quick, and must neither block, throw nor call back into the component (its lock may be held). A
 * system with no observer pays one null check per event.
 */
@FunctionalInterface
public interface ComponentObserver {

    /**
     * A system opened; called by its owner before its first component starts.
     *
     * @param systemName the system's name ({@link ComponentSystem#name()})
     * @return what watches this system's components, or {@code null} to watch nothing of it
     */
    Probe systemOpened(String systemName);

    /** Why a message was dropped; see {@link Probe#dropped}. */
    enum Drop {
        /** The destination inbox was full and the linkage says {@link Delivery#DROP}. */
        FULL,
        /** The destination component had ended (its inboxes are closed). */
        ENDED,
        /** The outbox it was sent on is not linked (a non-strict system drops and counts such sends). */
        UNLINKED
    }

    /**
     * What one system reports, for all its components (children included); see {@link ComponentObserver} for the
     * threads that call it. Box names are the components' own, so a probe can tell boxes apart cheaply.
     */
    interface Probe {
        /** {@code component} was attached to the system and is about to run on its own thread. */
        void started(Component component);

        /** {@code component} sent a message on {@code outbox} into a linkage (it may still be dropped further on). */
        void sent(Component component, String outbox);

        /**
         * A message was put into {@code component}'s {@code inbox}, which now holds {@code depth} messages (moves
         * along a new pass-through count again at the inbox they move to).
         */
        void delivered(Component component, String inbox, int depth);

        /** {@code component} took a message from {@code inbox}, which now holds {@code depth} messages. */
        void received(Component component, String inbox, int depth);

        /**
         * A message was dropped at {@code component}'s {@code box}: an inbox for {@link Drop#FULL} and
         * {@link Drop#ENDED}, the sender's outbox for {@link Drop#UNLINKED}.
         */
        void dropped(Component component, String box, Drop reason);

        /** {@code component} ended (its main returned or threw, and its children ended) in {@code state}. */
        void ended(Component component, Component.State state);
    }
}
