package dev.weft.scope;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A scope's concurrency limit ({@link ScopeOptions#maxConcurrency()}): the owner takes a slot before each fork,
 * parking while all are taken; each task's end gives one back. Woken by events only (a slot freed, or
 * {@link #wakeAll()} on cancellation), never by a poll. Parks on a {@code ReentrantLock} condition, so a virtual
 * owner never pins its carrier.
 */
final class Limiter {
    private final int max;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition slotFreed = lock.newCondition();
    private int inFlight; // guarded by lock

    Limiter(int max) {
        this.max = max;
    }

    /**
     * Parks until a slot is free, then takes it; returns false without a slot once {@code cancelled} says so.
     *
     * @throws InterruptedException if the owner is interrupted while parked
     */
    boolean acquire(BooleanSupplier cancelled) throws InterruptedException {
        lock.lock();
        try {
            while (inFlight >= max && !cancelled.getAsBoolean()) {
                slotFreed.await();
            }
            if (cancelled.getAsBoolean()) {
                return false;
            }
            inFlight++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back the slot of a task that ended. */
    void release() {
        lock.lock();
        try {
            inFlight--;
            slotFreed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a parked owner so that it sees a cancellation. */
    void wakeAll() {
        lock.lock();
        try {
            slotFreed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
