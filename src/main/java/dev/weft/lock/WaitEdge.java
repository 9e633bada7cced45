package dev.weft.lock;

/**
 * One wait in progress, seen by the {@linkplain Deadlocks deadlock detector}: an edge of the wait-for graph from the
 * {@linkplain #waiter() waiting thread} to the one {@linkplain #holder() thread} that alone can end the wait (the
 * holder of the lock it waits for; the thread of the component whose full inbox it waits to send into).
 *
 * <p>This is the detector's service-provider interface: Weft's lock package reports its own waits, and higher layers
 * (the component package for blocked sends) contribute theirs through a {@link WaitSource} added with
 * {@link Deadlocks#addSource(WaitSource)}; the lock package imports none of them.
 *
 * <p>Contract for implementations: an edge describes one wait, not one thread: when its thread ends that wait and
 * begins another, the new wait is a new edge. {@code equals} and {@code hashCode} say whether two edges describe the
 * same wait (so that a detector reports a deadlock once, however many rounds see it). Every method may be called by
 * any thread, concurrently with the waiter: implementations must be thread safe, quick, and must not block (taking a
 * component's lock, which no one holds for long, is fine).
 */
public interface WaitEdge {

    /** The waiting thread. */
    Thread waiter();

    /** Where the waiter is: its Weft scope path, or its component's path; empty if unknown. */
    String waiterPath();

    /** What it waits for, as a phrase, for example {@code lock 'b' (rank 2)}. */
    String waitsFor();

    /** The one thread that can end the wait (by releasing the lock, by taking from the inbox). */
    Thread holder();

    /** Where the holder is: its Weft scope path, or its component's path; empty or {@code null} if unknown. */
    String holderPath();

    /** When the wait began, by {@link System#nanoTime()}. */
    long sinceNanos();

    /**
     * Whether this very wait is still in progress and still blocked by the same holder (the lock still held by it, the
     * inbox still full). Read by the detector twice after finding a cycle, to confirm that the cycle existed at one
     * instant and not only in a racy snapshot.
     */
    boolean isCurrent();

    /**
     * Ends this wait by making it throw {@code cause}, if it is still in progress: the waiting thread wakes and its
     * blocking call (an acquisition, a send) throws {@code cause} having taken nothing. Returns {@code false}, doing
     * nothing, if the wait had already ended (or was already failed).
     */
    boolean fail(DeadlockException cause);

    /** How the holder stands to the wait, before its name in {@link #describe()}: {@code held by} unless overridden. */
    default String holderRole() {
        return "held by";
    }

    /**
     * The edge as one line, for example
     * {@code 'worker-1' [app/a] waits for lock 'b' (rank 2), held by 'worker-2' [app/b], for 12 ms}.
     */
    default String describe() {
        return Deadlocks.describe(this);
    }
}
