package dev.weft.adapt;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

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
    private final List<LongConsumer> callbacks = new CopyOnWriteArrayList<>();

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
    public void onCollection(LongConsumer afterCollection) {
        callbacks.add(afterCollection);
    }

    /** A collection that left {@code heapAfter} bytes in use: calls back as the JVM's notification thread would. */
    void collect(long heapAfter) {
        afterCollection = heapAfter;
        used = heapAfter;
        for (LongConsumer c : callbacks) {
            c.accept(heapAfter);
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
