package dev.weft.adapt;

import java.util.function.LongConsumer;

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

    /** Calls {@code afterCollection} with the heap used after each collection from now on, until closed. */
    void onCollection(LongConsumer afterCollection);

    /** Stops calling back. */
    @Override
    void close();

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
            public void onCollection(LongConsumer afterCollection) {
                watch.addListener(sample -> afterCollection.accept(sample.heapAfter()));
            }

            @Override
            public void close() {
                watch.close();
            }
        };
    }
}
