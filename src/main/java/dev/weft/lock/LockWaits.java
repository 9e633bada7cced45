package dev.weft.lock;

import java.util.function.Consumer;

/**
 * The lock package's own {@link WaitSource}: every thread waiting in {@link LockSet#acquire(java.time.Duration)} for an
 * {@link OrderedLock} that another thread holds, read from the {@link Registry} without stopping anyone. Stateless and
 * thread safe.
 */
final class LockWaits implements WaitSource {
    static final LockWaits INSTANCE = new LockWaits();

    private LockWaits() {
    }

    @Override
    public void collect(Consumer<? super WaitEdge> out) {
        for (Registry.Seen seen : Registry.threads()) {
            Registry.Holds holds = seen.holds();
            long w = holds.waitWord();
            if ((w & Registry.PHASE) != Registry.WAITING) {
                continue; // not waiting, or already failed by a detector (its thread is about to throw)
            }
            OrderedLock lock = holds.waitingFor();
            String path = holds.waitPath();
            long since = holds.waitSinceNanos();
            if (lock == null || holds.waitWord() != w) {
                continue; // the wait ended or another began while we read: what we read may be mixed
            }
            Thread holder = lock.holder();
            if (holder == null) {
                continue; // released: the waiter is about to take it
            }
            out.accept(new Edge(seen.thread(), holds, w, lock, path, since, holder, Registry.pathOf(holder, lock)));
        }
    }

    /** One thread waiting for one lock: the wait is identified by its thread's record and the wait's word. */
    static final class Edge implements WaitEdge {
        private final Thread waiter;
        private final Registry.Holds holds;
        private final long word;
        final OrderedLock lock;
        private final String path;
        private final long since;
        private final Thread holder;
        private final String holderPath;

        Edge(Thread waiter, Registry.Holds holds, long word, OrderedLock lock, String path, long since, Thread holder,
             String holderPath) {
            this.waiter = waiter;
            this.holds = holds;
            this.word = word;
            this.lock = lock;
            this.path = path == null ? "" : path;
            this.since = since;
            this.holder = holder;
            this.holderPath = holderPath;
        }

        @Override
        public Thread waiter() {
            return waiter;
        }

        @Override
        public String waiterPath() {
            return path;
        }

        @Override
        public String waitsFor() {
            return "lock " + lock;
        }

        @Override
        public Thread holder() {
            return holder;
        }

        @Override
        public String holderPath() {
            return holderPath;
        }

        @Override
        public long sinceNanos() {
            return since;
        }

        @Override
        public boolean isCurrent() {
            return holds.waitWord() == word && lock.holder() == holder;
        }

        @Override
        public boolean fail(DeadlockException cause) {
            return holds.breakWait(word, waiter, cause);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Edge e && e.holds == holds && e.word == word;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(holds) * 31 + Long.hashCode(word);
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
