package dev.weft.scope;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ConcurrencyLimit} the test sets by hand: {@link #set} moves it, telling the listeners (as an adaptive limit
 * does when it rises) or not (then the scope sees the new value only at its next fork or task end). Records every
 * {@link #onTaskEnd} report. Thread safe.
 */
final class FakeLimit implements ConcurrencyLimit {
    /** One {@link #onTaskEnd} call. */
    record End(long runNanos, int inFlight, int queued, boolean failed) {
    }

    private final AtomicInteger value;
    final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    final Queue<End> ends = new ConcurrentLinkedQueue<>();

    FakeLimit(int initial) {
        value = new AtomicInteger(initial);
    }

    /** Moves the limit to {@code v}; with {@code tell}, runs the listeners on this thread, as a rise would. */
    void set(int v, boolean tell) {
        value.set(v);
        if (tell) {
            listeners.forEach(Runnable::run);
        }
    }

    @Override
    public int current() {
        return value.get();
    }

    @Override
    public void onTaskEnd(long runNanos, int inFlight, int queued, boolean failed) {
        ends.add(new End(runNanos, inFlight, queued, failed));
    }

    @Override
    public void addListener(Runnable raised) {
        listeners.add(raised);
    }

    @Override
    public void removeListener(Runnable raised) {
        listeners.remove(raised);
    }
}
