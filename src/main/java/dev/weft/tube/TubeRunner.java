package dev.weft.tube;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a {@link Tube}: noob's runner API. Made by {@link Runners}; opening (the first call) makes the nodes and
 * runner-scoped assets and calls their {@code init}; {@link #close()} calls {@code deinit} and closes the assets.
 *
 * <ul>
 *   <li>{@link #process()} runs one root epoch and returns the return node's value ({@code null} when the tube has
 *       no return node or it got nothing this epoch);</li>
 *   <li>{@link #run(int)} runs {@code n} epochs and returns the values the return node got, in epoch order;</li>
 *   <li>{@link #iter(int)} yields {@code n} return values, running as many epochs as that takes (a gather may need
 *       several per value), failing after {@link Runners.Options#maxIterLoops()} epochs without one;</li>
 *   <li>{@link #run()} free-runs in the background until {@link #stop()}, a failure, or a source's end
 *       ({@link #join()} waits for that).</li>
 * </ul>
 *
 * <p>Failures: the first node failure ends its epoch, cancels what still runs of it, and is thrown by the call that
 * waits for that epoch as {@link NodeFailedException} naming the node and epoch. A source that runs out ends the
 * run: {@code run(n)} and {@code iter(n)} return what came before it; {@code process()} throws
 * {@link java.util.NoSuchElementException} naming the source.
 *
 * <p>Backpressure: at most {@link Runners.Options#maxEpochsInFlight()} root epochs are started and not yet
 * consumed; free-run and {@code iter} wait for room before starting another, so a slow node or a slow consumer holds
 * the sources back instead of growing memory.
 *
 * <p>Thread safety: one caller drives a runner (process, run, iter); {@link #stop()}, {@link #addCallback} and the
 * store may be used from any thread.
 */
public interface TubeRunner extends AutoCloseable {
    /** Runs one root epoch with no process-scoped input. */
    default Object process() {
        return process(Map.of());
    }

    /** Runs one root epoch with these process-scoped inputs. */
    Object process(Map<String, Object> input);

    /** Runs {@code n} root epochs and returns the return values that came, in epoch order. */
    List<Object> run(int n);

    /** An iterator over the next {@code n} return values. */
    Iterator<Object> iter(int n);

    /** Starts free-running in the background; returns at once. */
    void run();

    /** Stops a free run: no new epochs start; waits for those in flight; rethrows a failure that ended the run. */
    void stop();

    /** Waits until a free run ends by itself (a source ran out, or a failure, which it rethrows) or is stopped. */
    void join() throws InterruptedException;

    /** Adds a callback that sees every event and meta event (on the emitting thread; must be thread safe). */
    void addCallback(Consumer<? super TubeEvent> callback);

    /** Enables a node (calls its {@code init}); only between epochs. */
    void enable(String nodeId);

    /** Disables a node (calls its {@code deinit}); it and what requires it do not run; only between epochs. */
    void disable(String nodeId);

    /** The event store. */
    EventStore store();

    /** The tube. */
    Tube tube();

    /** Closes: stops a free run, deinits nodes and closes runner-scoped assets. */
    @Override
    void close();
}
