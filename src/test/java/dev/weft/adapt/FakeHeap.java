package dev.weft.adapt;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A heap a test drives: what is in use now, what the last collection left, the allocation counter, and collections
 * fired on the test's thread ({@link #collect}). Thread safe.
 */
final class FakeHeap implements Heap {
    static final long MIB = 1024 * 1024;

    volatile long used;
    volatile long afterCollection = -1;
    volatile long allocated;
    volatile boolean closed;
    private final List<Collected> callbacks = new CopyOnWriteArrayList<>();

    FakeHeap(long used) {
        this.used = used;
    }

    @Override
    public long usedNow() {
        return used;
    }

    @Override
    public long lastAfterCollection() {
        return afterCollection;
    }

    @Override
    public long allocatedBytes() {
        return allocated;
    }

    @Override
    public void onCollection(Collected afterCollection) {
        callbacks.add(afterCollection);
    }

    /**
     * A collection of the whole heap that left {@code heapAfter} bytes in use: calls back as the JVM's notification
     * thread would.
     */
    void collect(long heapAfter) {
        collect(heapAfter, true);
    }

    /** A young collection: what it leaves still counts old garbage, so an adaptive limit does not use it. */
    void collectYoung(long heapAfter) {
        collect(heapAfter, false);
    }

    private void collect(long heapAfter, boolean wholeHeap) {
        afterCollection = heapAfter;
        used = heapAfter;
        for (Collected c : callbacks) {
            c.collected(heapAfter, wholeHeap);
        }
    }

    int callbacks() {
        return callbacks.size();
    }

    @Override
    public void close() {
        closed = true;
    }
}
