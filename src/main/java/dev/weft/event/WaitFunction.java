package dev.weft.event;

import java.util.Objects;

/**
 * One cell of caffe2's wait matrix: how work on a <em>waiter</em> device waits for an event of some device. For
 * (CPU, CPU) it blocks the calling thread until the event is finished; a GPU backend may instead make the waiter's
 * stream wait, and return at once. Registered per (waiter device, event device) pair in an {@link EventRegistry}.
 *
 * <p>Implementations must be safe to call from many threads at once.
 */
@FunctionalInterface
public interface WaitFunction {
    /**
     * Makes the waiter wait for {@code event}.
     *
     * @param waiter the event on the waiting device whose context (for CUDA: the stream it was recorded on) the wait
     *               applies to, or {@code null} when plain code of the waiter device waits
     *               ({@link Event#wait(DeviceType, Event)})
     * @param event  the event waited for
     * @throws InterruptedException if the calling thread was interrupted while blocked
     */
    void await(Event waiter, Event event) throws InterruptedException;

    /**
     * A cell of the wait matrix.
     *
     * @param waiter the device that waits
     * @param event  the device of the event waited for
     */
    record Pair(DeviceType waiter, DeviceType event) {
        /** Checks that both are non-null. */
        public Pair {
            Objects.requireNonNull(waiter, "waiter device");
            Objects.requireNonNull(event, "event device");
        }
    }
}
