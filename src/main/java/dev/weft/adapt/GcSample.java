package dev.weft.adapt;

import java.util.Objects;

/**
 * One garbage collection, as {@link HeapWatch} saw it: which collector ran, why, and the heap before and after.
 * Sizes are bytes, summed over the heap's memory pools (non-heap pools such as Metaspace and the code cache are left
 * out).
 *
 * <p>What "after" means depends on the collection. After a <em>young</em> collection, {@link #heapAfter()} still
 * counts the old generation whole, garbage included (old garbage is freed only by an old or mixed collection), so it
 * over-estimates what is live, by a lot under G1 with a large heap; {@link #youngLiveAfter()} (the survivors) is
 * live, young data. After a <em>full</em> collection ({@code System.gc()}, or a full GC under pressure)
 * {@link #heapAfter()} is close to the live set.
 *
 * <p>A value: immutable and thread safe.
 *
 * @param collector      the collector's name, as its {@link java.lang.management.GarbageCollectorMXBean} names it
 *                       (e.g. {@code "G1 Young Generation"}, {@code "G1 Old Generation"}, {@code "G1 Concurrent GC"})
 * @param cause          why it ran, as the JVM says (e.g. {@code "G1 Evacuation Pause"}, {@code "System.gc()"})
 * @param heapAfter      heap in use after the collection (all heap pools)
 * @param heapBefore     heap in use before it
 * @param oldGenAfter    the old generation's use after it (pools named {@code Old} or {@code Tenured}); 0 for a
 *                       collector without such a pool (Shenandoah, single-generation ZGC)
 * @param youngLiveAfter the survivor spaces' use after it: young objects that survived; 0 where there is no
 *                       survivor pool (ZGC, Shenandoah, or a full collection that emptied them)
 * @param nanoTime       {@link System#nanoTime()} when the watch received the notification (shortly after the
 *                       collection ended)
 */
public record GcSample(String collector, String cause, long heapAfter, long heapBefore, long oldGenAfter,
                       long youngLiveAfter, long nanoTime) {

    /**
     * A sample; the watch makes them, and tests may make their own.
     *
     * @throws NullPointerException if {@code collector} or {@code cause} is null
     */
    public GcSample {
        Objects.requireNonNull(collector, "collector");
        Objects.requireNonNull(cause, "cause");
    }
}
