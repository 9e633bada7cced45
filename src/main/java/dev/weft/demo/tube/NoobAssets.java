package dev.weft.demo.tube;

import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The asset objects of noob's testing assets ({@code noob/testing/assets.py}), which the counter nodes
 * ({@code fast_forward}, {@code jump}, {@code increment}, …) step through: {@link Counter} ({@code counter}),
 * {@link LifecycleCounter} ({@code counter_cm}, a context manager in noob: here {@link AutoCloseable}, which a runner
 * closes when the asset's scope ends) and {@link Initializer}.
 */
public final class NoobAssets {
    private NoobAssets() {
    }

    /**
     * noob's {@code counter}: an endless iterator of integers from {@code start}; {@link #next()} returns the current
     * value and steps on. Thread safe (nodes of several threads may share one asset).
     */
    public static class Counter implements Iterator<Long> {
        private final long start;
        private final AtomicLong current;

        /** A counter at {@code start}. */
        public Counter(long start) {
            this.start = start;
            this.current = new AtomicLong(start);
        }

        /** Always: the counter never ends. */
        @Override
        public boolean hasNext() {
            return true;
        }

        /** The current value; the counter steps on by one. */
        @Override
        public Long next() {
            return current.getAndIncrement();
        }

        /** The value {@link #next()} returns next. */
        public long current() {
            return current.get();
        }

        /** Where it started. */
        public long start() {
            return start;
        }

        /**
         * A counter at this one's current value, independent of it: what a runner hands on where noob deep-copies
         * the asset (a runner-scoped asset whose {@code depends} node mutates it later in the epoch).
         */
        public Counter copy() {
            Counter c = new Counter(start);
            c.current.set(current());
            return c;
        }

        @Override
        public String toString() {
            return "counter(start=" + start + ", current=" + current() + ")";
        }
    }

    /**
     * noob's {@code counter_cm}: a counter made by a context manager. Entering (here: making it) counts
     * {@link #entered()} and steps the counter once; exiting ({@link #close()}) steps it once more and counts
     * {@link #exited()}, so the values nodes see show when the asset was opened and closed.
     */
    public static final class LifecycleCounter extends Counter implements AutoCloseable {
        private final AtomicLong entered = new AtomicLong();
        private final AtomicLong exited = new AtomicLong();

        /** Made and entered: counts one entry, steps once. */
        public LifecycleCounter(long start) {
            super(start);
            entered.incrementAndGet();
            next();
        }

        /** How many times it was entered (1). */
        public long entered() {
            return entered.get();
        }

        /** How many times it was exited (closed). */
        public long exited() {
            return exited.get();
        }

        /** Exits: steps once more and counts the exit. */
        @Override
        public void close() {
            next();
            exited.incrementAndGet();
        }

        @Override
        public String toString() {
            return "counter_cm(current=" + current() + ", entered=" + entered() + ", exited=" + exited() + ")";
        }
    }

    /**
     * noob's {@code Initializer}: true while its scope is open (from being made until {@link #close()}), false
     * after; shows which nodes' runs an asset was open for.
     */
    public static final class Initializer implements AutoCloseable {
        private volatile boolean initialized = true;

        /** Made: initialized. */
        public Initializer() {
        }

        /** Whether the asset is open. */
        public boolean initialized() {
            return initialized;
        }

        @Override
        public void close() {
            initialized = false;
        }

        @Override
        public String toString() {
            return "Initializer(" + initialized + ")";
        }
    }
}
