package dev.weft.adapt;


/**
 * What an adaptive limit reads of the heap: the JVM's ({@link #jvm()}, through {@link HeapWatch}) or a test's fake.
 * Implementations are thread safe.
 */
interface Heap extends AutoCloseable {
    /** Heap used now, garbage included. */
    long usedNow();

    /** Heap used after the latest collection, or -1 before any. */
    long lastAfterCollection();

    /** The JVM's total of bytes allocated so far, or -1 if it does not count. */
    long allocatedBytes();

    /** What a collection left: heap in use after it, and whether it collected the whole heap (old generation too). */
    @FunctionalInterface
    interface Collected {
        void collected(long heapAfter, boolean wholeHeap);
    }

    /** Calls {@code afterCollection} after each collection from now on, until closed. */
    void onCollection(Collected afterCollection);

    /** Stops calling back. */
    @Override
    void close();

    /**
     * Whether a collection took the whole heap: a full collection (G1's "G1 Old Generation", the serial and parallel
     * collectors' old-generation ones) or a major cycle (ZGC's, Shenandoah's), or one a program asked for. Only after
     * those does heap in use say what is live; after a young collection it still holds old garbage.
     */
    static boolean wholeHeap(GcSample sample) {
        String c = sample.collector();
        return c.contains("Old") || c.contains("MarkSweep") || c.contains("Major")
                || (c.contains("Cycles") && !c.contains("Minor")) || sample.cause().equals("System.gc()");
    }

    /** This JVM's heap. */
    static Heap jvm() {
        HeapWatch watch = HeapWatch.start();
        return new Heap() {
            @Override
            public long usedNow() {
                return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            }

            @Override
            public long lastAfterCollection() {
                return watch.lastHeapAfterGc().orElse(-1);
            }

            @Override
            public long allocatedBytes() {
                return watch.allocatedBytes();
            }

            @Override
            public void onCollection(Collected afterCollection) {
                watch.addListener(sample -> afterCollection.collected(sample.heapAfter(), wholeHeap(sample)));
            }

            @Override
            public void close() {
                watch.close();
            }
        };
    }
}
