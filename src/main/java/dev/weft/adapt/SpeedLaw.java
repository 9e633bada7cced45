package dev.weft.adapt;

/**
 * The control law a {@link Goal#SPEED} (or {@link Goal#BALANCED}) limit follows.
 *
 * <ul>
 *   <li>{@link #THROUGHPUT}: Weft's climb on measured throughput: double the limit each round trip while throughput
 *       grows by at least 5 %, go back to the best limit seen when it stops growing, step down while a lower limit
 *       keeps the throughput (latency falls), and probe up again now and then. The default.</li>
 *   <li>{@link #GRADIENT2}: Netflix concurrency-limits' {@code Gradient2Limit}, a latency gradient (long-term over
 *       short-term round-trip time), as servers use it to shed load. It needs concurrency-limits-core on the class
 *       path.</li>
 *   <li>{@link #VEGAS}: Netflix's {@code VegasLimit}, TCP Vegas's queue estimate from the shortest round trip seen;
 *       likewise on the class path.</li>
 * </ul>
 *
 * <p>Why the default is not Netflix's: on the downloader (BENCHMARKS.md, issue 17) throughput kept growing well past
 * the point where round trips started to lengthen (the HTTP client's and server's selector threads batch more events
 * at once), so a latency law stops early or, tracking the drift of its own average, never stops; neither is what a
 * speed goal means. {@link #GRADIENT2} stays available, and measured side by side.
 */
public enum SpeedLaw {
    /** Weft's throughput climb. */
    THROUGHPUT,
    /** Netflix's Gradient2 latency law. */
    GRADIENT2,
    /** Netflix's Vegas latency law. */
    VEGAS
}
