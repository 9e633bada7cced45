package dev.weft.adapt;

/**
 * What a run optimises for when it chooses how much goes on at once. Every goal stays within the run's {@link Limits}
 * (a memory budget, a CPU share, a ceiling of work in flight); the goal says how the limit moves inside them.
 *
 * <ul>
 *   <li>{@link #SPEED}: as fast as the work allows. The limit grows while throughput grows and backs off when latency
 *       rises (a latency-gradient control law); memory is watched only against the budget, when one is given.</li>
 *   <li>{@link #MEMORY}: as little memory as the budget asks. The limit is what the budget holds: admitted work's
 *       measured or declared memory is kept under the budget, work that does not fit now waits in the queue (it does
 *       not fail), work that can never fit fails at once.</li>
 *   <li>{@link #BALANCED}: both at once: the lower of the speed limit and the memory limit.</li>
 * </ul>
 */
public enum Goal {
    /** Throughput first: grow while it pays, back off when latency rises. */
    SPEED,
    /** Memory first: keep what the run holds under the budget, queueing work rather than failing it. */
    MEMORY,
    /** The lower of the two. */
    BALANCED
}
