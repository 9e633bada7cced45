package dev.weft.bench;

import dev.weft.lock.LockSet;
import dev.weft.lock.OrderedLock;
import dev.weft.stm.Checkout;
import dev.weft.stm.CommitMode;
import dev.weft.stm.Store;
import dev.weft.stm.StoreOptions;
import java.util.concurrent.Phaser;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Issue 19's bank: optimistic against pessimistic concurrency on the same workload. One operation = one transfer
 * between two accounts picked at random ({@link ThreadLocalRandom}, {@code from != to}) of a random amount of 1 to
 * {@value #MAX_AMOUNT}, refused (nothing written, still one operation) when {@code from} holds less than that. Every
 * account opens with {@value #OPENING}, so refusals are rare. Three implementations, each written as a user would:
 *
 * <ul>
 *   <li>{@link #stm}: Weft's {@link Store}, one key per account ({@code "a0".."a999"}, strings made once) holding a
 *       {@code Long}; a transfer is {@code store.atomically(tx -> ...)} reading both keys, refusing an overdraft, and
 *       setting both (a capturing lambda and two boxed {@code Long}s per attempt, retried on a conflict with the
 *       store's default {@code Retry}). Both {@link CommitMode}s ({@code @Param mode}).</li>
 *   <li>{@link #lockSet}: Weft's {@link LockSet}, one {@link OrderedLock} per account guarding a {@code long[]}
 *       slot; a transfer builds {@code LockSet.of(lockFrom, lockTo)} (which sorts them: there are a million possible
 *       pairs, so nobody precomputes them) and holds it, {@code try (var _ = set.acquire())}, for the update.</li>
 *   <li>{@link #globalLock}: one {@link ReentrantLock} (non-fair) around every balance: the baseline that any
 *       scheme with finer grain has to beat under contention.</li>
 * </ul>
 *
 * <p><b>Threads.</b> {@code @Param threads}: 2 (low contention with 1,000 accounts; the machine this was written on
 * has two cores) and 100 (many more threads than cores, so a lock holder or a committer being descheduled shows).
 * They are the bank's own platform threads ({@link Crowd}), not JMH's: the one JMH thread runs rounds of
 * {@value #ROUND} transfers shared among them and counts the round's wall time, so the score is the bank's real
 * throughput. JMH's own {@code @Threads(100)} sums each thread's rate over that thread's own timing window, which on
 * two cores overstated the throughput of 100 threads up to 12 times against the transfers actually made per second
 * of wall time (BENCHMARKS.md, section 14); at 2 threads both agreed. Run it with one JMH thread (no {@code -t}).
 *
 * <p><b>Contention and work.</b> {@code @Param accounts}: 1,000 (transfers rarely collide) and 10 (high contention).
 * {@code @Param work}: CPU spent inside the transaction or critical section ({@link Blackhole#consumeCPU} tokens,
 * default 0), which a global lock serialises and the others do not.
 *
 * <p><b>Checked.</b> The accounts live in a {@code Scope.Benchmark} state made afresh per trial; its trial tear-down
 * checks that the money is all still there (the sum of the balances, read under the locks or in one snapshot, equals
 * {@code accounts × OPENING}) and throws if not, so a broken store or lock cannot pass as a fast one. The STM's
 * tear-down also prints the store's commits and conflicts over the trial (warm-up included): how often a transfer
 * ran again.
 *
 * <p>Throughput, all threads together, in transfers per microsecond. {@code ./weft bench BankTransfer} runs every
 * combination (16 trials, about 10 minutes); a smoke run: {@code ./weft bench BankTransfer -f 1 -wi 1 -i 2 -w 1 -r 1
 * -p accounts=1000}. With {@code -prof gc}, {@code gc.alloc.rate.norm} is the allocation per transfer (JMH divides by
 * the operations per invocation).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--enable-preview"})
public class BankTransferBenchmark {
    /** Every account's opening balance. */
    static final long OPENING = 1_000;
    /** Transfers move 1 to this much. */
    static final int MAX_AMOUNT = 100;
    /** Transfers per round, the benchmark's invocation: all threads together. */
    static final int ROUND = 500_000;
    /** Transfers a thread takes at a time from the round's tickets. */
    static final int BATCH = 64;

    /**
     * The guarded part of a transfer for the two lock-based banks, the same code under either lock: refuses an
     * overdraft, else thinks and moves the amount.
     */
    static boolean move(long[] balances, int from, int to, long amount, int work) {
        if (balances[from] < amount) {
            return false;
        }
        think(work);
        balances[from] -= amount;
        balances[to] += amount;
        return true;
    }

    /** Spends {@code tokens} of CPU where a transfer would do its real work; nothing at 0. */
    static void think(int tokens) {
        if (tokens > 0) {
            Blackhole.consumeCPU(tokens);
        }
    }

    /** The accounts, whatever guards them, and the trial's check that no money was made or lost. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark) // JMH takes @Param only in a @State class
    public abstract static class Bank {
        /** How many accounts: 1,000 for low contention, 10 for high. */
        @Param({"1000", "10"})
        public int accounts;

        /**
         * Work inside the transaction or critical section, in {@link Blackhole#consumeCPU} tokens (0: none, the
         * default): a global lock runs it one thread at a time, the STM and per-account locks in parallel.
         */
        @Param({"0"})
        public int work;

        /** How many threads transfer at once: the bank's own platform threads, driven by one JMH thread. */
        @Param({"2", "100"})
        public int threads;

        private Crowd crowd;

        /** Sets every account to {@link #OPENING}. */
        abstract void open() throws InterruptedException;

        /** One transfer, as a user writes it; false if refused for want of money. */
        abstract boolean transfer(int from, int to, long amount) throws InterruptedException;

        /** The sum of the balances, read consistently. */
        abstract long total() throws InterruptedException;

        /** {@code "Stm"}, {@code "LockSets"}, {@code "GlobalLock"}: JMH runs a generated subclass of each. */
        final String kind() {
            Class<?> c = getClass();
            while (c.getEnclosingClass() != BankTransferBenchmark.class) {
                c = c.getSuperclass();
            }
            return c.getSimpleName();
        }

        /** A transfer between two distinct random accounts of a random amount. */
        final boolean transferAtRandom() throws InterruptedException {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            int from = r.nextInt(accounts);
            int to = r.nextInt(accounts - 1);
            if (to >= from) {
                to++; // uniform over the other accounts
            }
            return transfer(from, to, 1 + r.nextInt(MAX_AMOUNT));
        }

        /** Opens the accounts afresh for each trial. */
        @Setup(Level.Trial)
        public void setUp() throws InterruptedException {
            if (accounts < 2) {
                throw new IllegalArgumentException("a bank transfer needs at least 2 accounts, got " + accounts);
            }
            open();
            crowd = new Crowd(this, threads);
        }

        /** Has the bank's threads make {@link #ROUND} transfers between them; returns when all are done. */
        final void round() {
            crowd.round();
        }

        /** Stops the bank's threads; JMH may run this before or after {@link #checkTotal}: both see idle threads. */
        @TearDown(Level.Trial)
        public void stopThreads() throws InterruptedException {
            crowd.stop();
        }

        /** Throws if the balances no longer add up to what was opened. */
        @TearDown(Level.Trial)
        public void checkTotal() throws InterruptedException {
            long expected = accounts * OPENING;
            long total = total();
            if (total != expected) {
                throw new IllegalStateException(kind() + " lost money: " + accounts
                        + " accounts opened with " + OPENING + " each hold " + total + " in all, not " + expected);
            }
        }
    }

    /**
     * A bank's {@code threads} platform threads, started per trial, that make the transfers of each round: the JMH
     * thread sets {@link #ROUND} tickets and releases them; each takes {@link #BATCH} tickets at a time from one
     * counter (one atomic add per 64 transfers) until none are left; the round ends when every thread has stopped.
     * Threads that finish first park, so the last batches get the cores. A transfer that throws ends the round early
     * and fails the benchmark with it.
     */
    static final class Crowd {
        private final Bank bank;
        /** The workers and the JMH thread: a round starts and ends with an advance of this phaser. */
        private final Phaser phaser;
        private final Thread[] workers;
        private final AtomicLong tickets = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicBoolean driving = new AtomicBoolean();
        private volatile boolean stopping;

        Crowd(Bank bank, int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("a bank needs at least 1 thread, got " + threads);
            }
            this.bank = bank;
            this.phaser = new Phaser(threads + 1);
            this.workers = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                // daemon: a trial that fails before its tear-down must not keep the forked JVM alive
                workers[i] = Thread.ofPlatform().name("bank-" + i).daemon().start(this::work);
            }
        }

        private void work() {
            while (true) {
                phaser.arriveAndAwaitAdvance(); // a round starts, or the bank closes
                if (stopping) {
                    phaser.arriveAndDeregister();
                    return;
                }
                try {
                    for (long left; (left = tickets.getAndAdd(-BATCH)) > 0; ) {
                        for (long i = Math.min(BATCH, left); i > 0; i--) {
                            bank.transferAtRandom();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    tickets.set(0); // the others stop at their next batch
                }
                phaser.arriveAndAwaitAdvance(); // the round ends when every worker got here
            }
        }

        void round() {
            if (!driving.compareAndSet(false, true)) {
                throw new IllegalStateException("run BankTransferBenchmark with one JMH thread (no -t): each bank "
                        + "starts its own " + workers.length + " threads");
            }
            try {
                tickets.set(ROUND);
                phaser.arriveAndAwaitAdvance(); // releases the workers
                phaser.arriveAndAwaitAdvance(); // until the last one is done
                Throwable f = failure.get();
                if (f != null) {
                    throw new IllegalStateException("a transfer failed on " + bank.kind()
                            + " with " + workers.length + " threads: " + f, f);
                }
            } finally {
                driving.set(false);
            }
        }

        void stop() throws InterruptedException {
            stopping = true;
            phaser.arriveAndDeregister(); // the workers wake at a round's start, see stopping, and leave
            for (Thread t : workers) {
                t.join();
            }
        }
    }

    /** Weft's STM store, one {@code Long} key per account. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Stm extends Bank {
        /** How the store makes commits atomic. */
        @Param({"LOCK", "CAS"})
        public CommitMode mode;

        Store store;
        /** The account keys, made once so a transfer builds no string. */
        String[] keys;

        @Override
        void open() throws InterruptedException {
            store = Store.create(StoreOptions.named("bank").withCommitMode(mode));
            keys = new String[accounts];
            for (int i = 0; i < accounts; i++) {
                keys[i] = "a" + i;
            }
            store.atomically(tx -> {
                for (String k : keys) {
                    tx.set(k, OPENING);
                }
                return null;
            });
        }

        @Override
        boolean transfer(int from, int to, long amount) throws InterruptedException {
            String f = keys[from];
            String t = keys[to];
            return store.atomically(tx -> {
                long a = tx.get(f, Long.class);
                if (a < amount) {
                    return false;
                }
                long b = tx.get(t, Long.class);
                think(work);
                tx.set(f, a - amount).set(t, b + amount);
                return true;
            });
        }

        @Override
        long total() {
            Checkout all = store.checkout(keys); // one snapshot of every account
            long sum = 0;
            for (String k : keys) {
                sum += all.get(k, Long.class);
            }
            return sum;
        }

        /** Prints the trial's commits and conflicts (warm-up included): how often a transfer ran again. */
        @TearDown(Level.Trial)
        public void report() {
            long commits = store.commits();
            long conflicts = store.conflicts();
            System.out.printf("%n%s: %,d commits, %,d conflicts (%.4f per commit)%n", store, commits, conflicts,
                    commits == 0 ? 0.0 : (double) conflicts / commits);
        }
    }

    /** One {@link OrderedLock} per account, taken two at a time through {@link LockSet}. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class LockSets extends Bank {
        OrderedLock[] locks;
        long[] balances;

        @Override
        void open() {
            locks = new OrderedLock[accounts];
            balances = new long[accounts];
            for (int i = 0; i < accounts; i++) {
                locks[i] = new OrderedLock("a" + i);
                balances[i] = OPENING;
            }
        }

        @Override
        boolean transfer(int from, int to, long amount) throws InterruptedException {
            try (var _ = LockSet.of(locks[from], locks[to]).acquire()) {
                return move(balances, from, to, amount, work);
            }
        }

        @Override
        long total() throws InterruptedException {
            try (var _ = LockSet.of(locks).acquire()) { // every account at once
                long sum = 0;
                for (long b : balances) {
                    sum += b;
                }
                return sum;
            }
        }
    }

    /** One lock around every balance. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class GlobalLock extends Bank {
        final ReentrantLock lock = new ReentrantLock();
        long[] balances;

        @Override
        void open() {
            balances = new long[accounts];
            java.util.Arrays.fill(balances, OPENING);
        }

        @Override
        boolean transfer(int from, int to, long amount) {
            lock.lock();
            try {
                return move(balances, from, to, amount, work);
            } finally {
                lock.unlock();
            }
        }

        @Override
        long total() {
            lock.lock();
            try {
                long sum = 0;
                for (long b : balances) {
                    sum += b;
                }
                return sum;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Weft's STM: {@code threads} threads make {@link #ROUND} transfers. */
    @Benchmark
    @OperationsPerInvocation(ROUND)
    public void stm(Stm bank) {
        bank.round();
    }

    /** Per-account ordered locks through a LockSet: {@code threads} threads make {@link #ROUND} transfers. */
    @Benchmark
    @OperationsPerInvocation(ROUND)
    public void lockSet(LockSets bank) {
        bank.round();
    }

    /** One global ReentrantLock: {@code threads} threads make {@link #ROUND} transfers. */
    @Benchmark
    @OperationsPerInvocation(ROUND)
    public void globalLock(GlobalLock bank) {
        bank.round();
    }
}
