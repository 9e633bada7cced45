package dev.weft.stm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * The store's semantics as properties over random sizes and schedules, on virtual threads, in both
 * {@link CommitMode}s.
 *
 * <p>(a) <i>Bank</i>: 2-50 accounts with random balances; 2-64 writer threads each make random transfers of random
 * amounts through {@link Store#atomically}, refusing an overdraft; 1-4 readers meanwhile take snapshots of every
 * account, alternately by one {@link Store#checkout(java.util.Collection)} and by a read-only transaction reading the
 * keys late. Every snapshot sums to the initial total and shows no negative balance; at the end every account holds
 * its initial balance plus the effects of the transfers its writers saw succeed (none lost, none invented), and the
 * store counted exactly one commit per successful transfer.
 *
 * <p>(b) <i>Stale reads never commit</i>. (b1) One checkout reads random keys; another thread then commits to
 * random keys (read first or written blindly); the checkout may read one more key late and changes some keys. Its late
 * read throws {@link ConcurrentUpdateException} naming the key exactly when that key changed; its commit throws
 * exactly when a key it read changed, naming exactly those keys, and then writes nothing; otherwise it commits.
 * (b2) 2-64 threads increment 1-5 counters by {@link Checkout#commit()} (no retry): each attempt reads a random set of
 * counters (up front or late) and increments a random part of it. Failures are {@link ConcurrentUpdateException}s
 * naming only keys the attempt read. Ordered by the versions the successful commits returned, the commits writing a
 * counter read it as 0, 1, 2, ... (no update lost), its final value is their number, and every counter a commit only
 * read had, at the commit's version, the value it read (nothing committed on a stale read).
 *
 * <p>(c) Each property is seen failing against the {@link BrokenCommitters} that break it, from a fixed seed; the
 * reports are in docs/property-failures.md ("STM").
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StoreProperties {
    static final int BANK_EXAMPLES = Integer.getInteger("weft.test.storeBankExamples", 800);
    static final int STALE_EXAMPLES = Integer.getInteger("weft.test.storeStaleExamples", 2000);
    static final int COUNTER_EXAMPLES = Integer.getInteger("weft.test.storeCounterExamples", 800);
    /** Examples a broken committer gets to fail; it fails within the first few from these seeds. */
    static final int BROKEN_EXAMPLES = 40;
    static final long BROKEN_SEED = 19_002L;
    static final Duration RUN_LIMIT = Duration.ofSeconds(20);
    /** Bounded so that a livelock would end the run instead of the test; giving up counts as "not transferred". */
    static final Retry RETRY = Retry.attempts(10_000);
    static final int MAX_AMOUNT = 300;
    static final long READER_GAP_NANOS = 20_000;

    static int between(RandomnessSource in, int lo, int hi) {
        return (int) in.next(Constraint.between(lo, hi));
    }

    static CommitMode mode(RandomnessSource in) {
        return between(in, 0, 1) == 0 ? CommitMode.LOCK : CommitMode.CAS;
    }

    /**
     * Yields the thread with probability {@code pace}/4. Virtual threads are not preempted: without yields each would
     * run its transactions to the end before another got its carrier, and transactions would seldom overlap. The
     * random yields (their odds part of the plan) make the schedules random; nothing waits for anything through them.
     */
    static void pause(SplittableRandom r, int pace) {
        if (pace > 0 && r.nextInt(4) < pace) {
            Thread.yield();
        }
    }

    static String[] keys(String prefix, int n) {
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = prefix + i;
        }
        return keys;
    }

    static Store honest(CommitMode mode, String name) {
        return Store.create(StoreOptions.named(name).withCommitMode(mode));
    }

    /** Problems found in one run; the property holds when there are none. Thread safe. */
    static final class Problems {
        private final ConcurrentLinkedQueue<String> found = new ConcurrentLinkedQueue<>();

        void add(String problem) {
            found.add(problem);
        }

        /** At most the first ten, and how many more: failure reports stay readable. */
        List<String> few() {
            List<String> all = new ArrayList<>(found);
            if (all.size() <= 10) {
                return all;
            }
            List<String> out = new ArrayList<>(all.subList(0, 10));
            out.add("... and " + (all.size() - 10) + " more");
            return out;
        }
    }

    /** A body run on a virtual thread; what it throws is a problem. */
    interface Body {
        void run() throws Exception;
    }

    static Thread start(String name, CountDownLatch go, Problems problems, Body body) {
        return Thread.ofVirtual().name(name).start(() -> {
            try {
                go.await();
                body.run();
            } catch (Throwable t) {
                problems.add(name + " threw " + t);
            }
        });
    }

    /**
     * Joins every thread by the run's limit; a thread still running then is a problem, reported with where it is (and
     * interrupted, which ends a thread parked in a back-off).
     */
    static void joinAll(List<Thread> threads, long deadline, Problems problems) throws InterruptedException {
        for (Thread t : threads) {
            long left = Math.max(deadline - System.nanoTime(), 1_000_000);
            if (!t.join(Duration.ofNanos(left))) {
                StackTraceElement[] at = t.getStackTrace();
                problems.add(t.getName() + " still running after " + RUN_LIMIT.toSeconds() + " s, at "
                        + Arrays.toString(Arrays.copyOf(at, Math.min(at.length, 4))));
                t.interrupt();
            }
        }
    }

    /** One example's run: the problems it found, none when the property held. */
    interface Check<T> {
        List<String> run(T example) throws Exception;
    }

    /** Asserts that {@code check} finds no problem in {@code examples} examples of {@code gen}. */
    static <T> void holds(int examples, Gen<T> gen, Check<T> check) {
        qt().withExamples(examples).withShrinkCycles(20).forAll(gen).checkAssert(example -> {
            try {
                assertThat(check.run(example)).as("problems with %s", example).isEmpty();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    /** QuickTheories' report of {@code check} failing from the fixed seed (shrunk a little), or null if it held. */
    static <T> String failureOf(Gen<T> gen, Check<T> check) {
        try {
            qt().withFixedSeed(BROKEN_SEED).withExamples(BROKEN_EXAMPLES).withShrinkCycles(5).forAll(gen)
                    .checkAssert(example -> {
                        try {
                            assertThat(check.run(example)).as("problems with %s", example).isEmpty();
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    });
        } catch (AssertionError e) {
            return e.getMessage();
        }
        return null;
    }

    /** Asserts that {@code check} fails on some example of {@code gen}, with a report matching {@code expected}. */
    static <T> void assertFails(String what, Gen<T> gen, Check<T> check, String expected) {
        String report = failureOf(gen, check);
        assertThat(report).as("%s never failed in %d examples", what, BROKEN_EXAMPLES).isNotNull();
        report = report.replaceAll("(?m)^\\s+at .*\\R", ""); // the cause's stack: the same for every report
        System.out.println(what + ", as QuickTheories reports it:\n" + report);
        assertThat(report).containsPattern(expected);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // (a) Bank transfers: totals never change in any snapshot, no transfer is lost

    /**
     * A bank run: the accounts' balances, writers times transfers each (accounts and amounts drawn from the seed),
     * readers, and the odds in four of a yield between steps ({@link #pause}).
     */
    record Bank(CommitMode mode, List<Long> balances, int writers, int transfers, int readers, int pace, long seed) {
        @Override
        public String toString() {
            return mode + ": " + balances.size() + " accounts " + balances + ", " + writers + " writers x " + transfers
                    + " transfers, " + readers + " readers, pace " + pace + ", seed " + seed;
        }
    }

    static final Gen<Bank> BANKS = in -> {
        CommitMode mode = mode(in);
        int accounts = between(in, 2, 50);
        List<Long> balances = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            balances.add((long) between(in, 0, 1000));
        }
        return new Bank(mode, balances, between(in, 2, 64), between(in, 1, 40), between(in, 1, 4), between(in, 0, 4),
                between(in, 0, Integer.MAX_VALUE));
    };

    /** What the bank runs exercised, printed so that a reader sees the contention happen. */
    static final long[] BANK_STATS = new long[6]; // runs, transfers, refused, gave up, conflicts, snapshots

    static List<String> bank(Bank plan, Store store) throws InterruptedException {
        int n = plan.balances().size();
        String[] keys = keys("acct", n);
        Checkout init = store.checkout();
        long total = 0;
        for (int i = 0; i < n; i++) {
            init.set(keys[i], plan.balances().get(i));
            total += plan.balances().get(i);
        }
        init.commit();
        long expectedTotal = total;
        Problems problems = new Problems();
        CountDownLatch go = new CountDownLatch(1);
        long[][] deltas = new long[plan.writers()][n];
        long[] applied = new long[plan.writers()];
        long[] refused = new long[plan.writers()];
        long[] gaveUp = new long[plan.writers()];
        long[] snapshots = new long[plan.readers()];
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < plan.writers(); w++) {
            int me = w;
            writers.add(start("writer-" + w, go, problems, () -> {
                SplittableRandom r = new SplittableRandom(plan.seed() * 131 + me);
                for (int t = 0; t < plan.transfers(); t++) {
                    int from = r.nextInt(n);
                    int to = (from + 1 + r.nextInt(n - 1)) % n;
                    long amount = 1 + r.nextInt(MAX_AMOUNT);
                    try {
                        boolean done = store.atomically(RETRY, tx -> {
                            long f = tx.get(keys[from], Long.class);
                            if (f < amount) {
                                return false; // no overdraft
                            }
                            pause(r, plan.pace());
                            tx.set(keys[from], f - amount).set(keys[to], tx.get(keys[to], Long.class) + amount);
                            pause(r, plan.pace());
                            return true;
                        });
                        if (done) {
                            deltas[me][from] -= amount;
                            deltas[me][to] += amount;
                            applied[me]++;
                        } else {
                            refused[me]++;
                        }
                    } catch (ConcurrentUpdateException e) {
                        gaveUp[me]++; // nothing written: the transfer did not happen
                    }
                }
            }));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> torn = new ConcurrentLinkedQueue<>(); // snapshots with a wrong total
        List<Thread> readers = new ArrayList<>();
        for (int q = 0; q < plan.readers(); q++) {
            int me = q;
            readers.add(start("reader-" + q, go, problems, () -> {
                SplittableRandom r = new SplittableRandom(plan.seed() * 137 + me);
                do {
                    // Spaces the snapshots out; nothing waits on it. A reader never blocks, and virtual threads are
                    // not preempted: a reader looping on Thread.yield() instead was seen to keep a writer parked in
                    // atomically's back-off from ever waking (two yielding loops on the two carriers starve every
                    // timed park, JDK 25), so the run never ended. Parking frees the carrier.
                    LockSupport.parkNanos(READER_GAP_NANOS);
                    long[] seen = new long[n];
                    if (snapshots[me] % 2 == 0) {
                        Checkout c = store.checkout(keys);
                        pause(r, plan.pace());
                        for (int i = 0; i < n; i++) {
                            seen[i] = c.get(keys[i], Long.class);
                        }
                    } else {
                        int from = (int) (snapshots[me] % n);
                        try {
                            store.atomically(RETRY, tx -> {
                                for (int k = 0; k < n; k++) { // late reads, starting anywhere
                                    int i = (from + k) % n;
                                    seen[i] = tx.get(keys[i], Long.class);
                                    if (k % 8 == 0) {
                                        pause(r, plan.pace());
                                    }
                                }
                                return null;
                            });
                        } catch (ConcurrentUpdateException starved) {
                            continue; // writers kept changing what it read: no snapshot this time
                        }
                    }
                    snapshots[me]++;
                    long sum = Arrays.stream(seen).sum();
                    if (sum != expectedTotal || Arrays.stream(seen).anyMatch(b -> b < 0)) {
                        torn.add("reader-" + me + "'s snapshot " + snapshots[me] + " sums to " + sum + ", not "
                                + expectedTotal + (Arrays.stream(seen).anyMatch(b -> b < 0)
                                ? ", with a negative balance" : "") + ": " + Arrays.toString(seen));
                    }
                } while (writing.get());
            }));
        }
        long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
        go.countDown();
        joinAll(writers, deadline, problems);
        writing.set(false);
        joinAll(readers, deadline, problems);

        long transfers = 0;
        for (int i = 0; i < n; i++) {
            long expected = plan.balances().get(i);
            for (long[] d : deltas) {
                expected += d[i];
            }
            long actual = store.get(keys[i], Long.class).orElseThrow();
            if (actual != expected) {
                problems.add("final balance of " + keys[i] + " is " + actual + ", but its initial "
                        + plan.balances().get(i) + " plus the successful transfers make " + expected);
            }
        }
        for (long a : applied) {
            transfers += a;
        }
        if (store.commits() != transfers + 1) {
            problems.add("the store counted " + store.commits() + " commits, for " + transfers
                    + " successful transfers and the initial one");
        }
        if (!torn.isEmpty()) { // after the final balances, which would drown in a flood of them
            torn.stream().limit(3).forEach(problems::add);
            if (torn.size() > 3) {
                problems.add("... and " + (torn.size() - 3) + " more snapshots with a wrong total");
            }
        }
        synchronized (BANK_STATS) {
            BANK_STATS[0]++;
            BANK_STATS[1] += transfers;
            BANK_STATS[2] += Arrays.stream(refused).sum();
            BANK_STATS[3] += Arrays.stream(gaveUp).sum();
            BANK_STATS[4] += store.conflicts();
            BANK_STATS[5] += Arrays.stream(snapshots).sum();
        }
        return problems.few();
    }

    @Test
    void transfersKeepEverySnapshotsTotalAndLoseNothing() {
        Arrays.fill(BANK_STATS, 0);
        holds(BANK_EXAMPLES, BANKS, plan -> bank(plan, honest(plan.mode(), "bank")));
        System.out.printf("bank property: %d runs, %d transfers committed, %d refused (overdraft), %d gave up, "
                        + "%d conflicts, %d snapshots%n", BANK_STATS[0], BANK_STATS[1], BANK_STATS[2], BANK_STATS[3],
                BANK_STATS[4], BANK_STATS[5]);
        assertThat(BANK_STATS[0]).isGreaterThanOrEqualTo(BANK_EXAMPLES * 9 / 10);
        assertThat(BANK_STATS[4]).as("conflicts: the runs contended").isPositive();
    }

    @Test
    void aCommitterThatDoesNotValidateLosesTransfers() {
        assertFails("bank on the unvalidated committer", BANKS,
                plan -> bank(plan, BrokenCommitters.Kind.UNVALIDATED.store()), "final balance of");
    }

    @Test
    void aClockAdvancedBeforePublishingTearsSnapshots() {
        assertFails("bank on the clock-first (LOCK) committer", BANKS,
                plan -> bank(plan, BrokenCommitters.Kind.CLOCK_FIRST.store()), "snapshot");
    }

    @Test
    void aVersionTakenBeforeClaimingTearsSnapshots() {
        assertFails("bank on the version-first (CAS) committer", BANKS,
                plan -> bank(plan, BrokenCommitters.Kind.CAS_VERSION_FIRST.store()), "snapshot");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // (b1) A checkout whose reads went stale never commits, and its refusal names exactly the stale keys

    /**
     * One stale checkout: it reads {@code read} up front; another thread then commits to {@code changed} (reading
     * them first, or blindly); the checkout reads {@code late} late (-1: none) and sets {@code written}.
     */
    record Stale(CommitMode mode, int keys, Set<Integer> read, Set<Integer> changed, boolean blind, int late,
            Set<Integer> written) {
    }

    static Set<Integer> subset(RandomnessSource in, int n, int least) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            if (between(in, 0, 2) == 0) {
                s.add(i);
            }
        }
        while (s.size() < least) {
            s.add(between(in, 0, n - 1));
        }
        return s;
    }

    static final Gen<Stale> STALES = in -> {
        CommitMode mode = mode(in);
        int n = between(in, 1, 8);
        return new Stale(mode, n, subset(in, n, 0), subset(in, n, 0), between(in, 0, 1) == 1,
                between(in, -1, n - 1), subset(in, n, 1));
    };

    static List<String> stale(Stale s, Store store) throws InterruptedException {
        Problems problems = new Problems();
        String[] keys = keys("k", s.keys());
        Checkout init = store.checkout();
        for (String k : keys) {
            init.set(k, "initial");
        }
        init.commit();
        Checkout t = store.checkout(s.read().stream().map(i -> keys[i]).toList());
        Thread other = Thread.ofVirtual().name("interferer").start(() -> {
            Checkout x = s.blind() ? store.checkout() : store.checkout(s.changed().stream().map(i -> keys[i]).toList());
            s.changed().forEach(i -> x.set(keys[i], "changed"));
            x.commit();
        });
        if (!other.join(RUN_LIMIT)) {
            return List.of("the interfering commit did not end");
        }
        TreeSet<String> stale = new TreeSet<>();
        for (int i : s.read()) {
            if (s.changed().contains(i)) {
                stale.add(keys[i]);
            }
        }
        if (s.late() >= 0 && !s.read().contains(s.late())) {
            String late = keys[s.late()];
            try {
                Object v = t.find(late).orElseThrow();
                if (s.changed().contains(s.late())) {
                    problems.add("late read of changed " + late + " returned " + v + " instead of throwing");
                }
            } catch (ConcurrentUpdateException e) {
                if (!s.changed().contains(s.late())) {
                    problems.add("late read of unchanged " + late + " threw " + e);
                } else if (!e.keys().equals(Set.of(late))) {
                    problems.add("late read of " + late + " threw naming " + e.keys());
                }
            }
        }
        s.written().forEach(i -> t.set(keys[i], "mine"));
        long before = store.version();
        try {
            long v = t.commit();
            if (!stale.isEmpty()) {
                problems.add("committed at version " + v + " although it read " + stale + " before they changed");
            }
            for (int i = 0; i < keys.length; i++) {
                String expected = s.written().contains(i) ? "mine" : s.changed().contains(i) ? "changed" : "initial";
                Object actual = store.get(keys[i]).orElseThrow();
                if (!expected.equals(actual)) {
                    problems.add("after the commit " + keys[i] + " holds " + actual + ", not " + expected);
                }
            }
            if (v <= before) {
                problems.add("the commit returned version " + v + ", not above " + before);
            }
        } catch (ConcurrentUpdateException e) {
            if (stale.isEmpty()) {
                problems.add("refused although nothing it read changed: " + e.getMessage());
            } else if (!e.keys().equals(stale)) {
                problems.add("refused naming " + e.keys() + ", not the stale keys " + stale);
            } else if (!e.store().equals(store.name()) || !e.getMessage().contains("store '" + store.name() + "'")
                    || !e.getMessage().contains("nothing was written")) {
                problems.add("refusal does not say which store and that nothing was written: " + e.getMessage());
            }
            for (int i = 0; i < keys.length; i++) {
                String expected = s.changed().contains(i) ? "changed" : "initial";
                Object actual = store.get(keys[i]).orElseThrow();
                if (!expected.equals(actual)) {
                    problems.add("after the refusal " + keys[i] + " holds " + actual + ", not " + expected);
                }
            }
        }
        if (!t.isSpent()) {
            problems.add("the checkout is not spent after commit");
        }
        return problems.few();
    }

    @Test
    void aCheckoutThatReadStaleDataNeverCommitsAndNamesTheStaleKeys() {
        holds(STALE_EXAMPLES, STALES, s -> stale(s, honest(s.mode(), "stale")));
    }

    @Test
    void aCommitterThatDoesNotValidateCommitsStaleCheckouts() {
        assertFails("stale checkouts on the unvalidated committer", STALES,
                s -> stale(s, BrokenCommitters.Kind.UNVALIDATED.store()), "committed at version");
    }

    @Test
    void aCommitterThatValidatesOnlyWrittenKeysCommitsStaleCheckouts() {
        assertFails("stale checkouts on the writes-only-validated committer", STALES,
                s -> stale(s, BrokenCommitters.Kind.WRITES_ONLY_VALIDATED.store()),
                "committed at version|refused naming \\[.*\\], not the stale keys");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // (b2) Counters under contention: every successful commit's reads were current at its version

    /** Threads times attempts; what each attempt reads and writes, and whether it reads late, drawn from the seed. */
    record Counting(CommitMode mode, int counters, int threads, int attempts, int pace, long seed) {
    }

    static final Gen<Counting> COUNTINGS = in -> new Counting(mode(in), between(in, 1, 5), between(in, 2, 64),
            between(in, 1, 50), between(in, 0, 4), between(in, 0, Integer.MAX_VALUE));

    /** A successful commit: its version, what it read of each counter (-1: not read), which it incremented. */
    record Success(long version, long[] read, int writes) {
    }

    static final long[] COUNTER_STATS = new long[3]; // runs, commits, refusals

    static List<String> counting(Counting plan, Store store) throws InterruptedException {
        int n = plan.counters();
        String[] keys = keys("c", n);
        Checkout init = store.checkout();
        for (String k : keys) {
            init.set(k, 0L);
        }
        init.commit();
        Problems problems = new Problems();
        ConcurrentLinkedQueue<Success> successes = new ConcurrentLinkedQueue<>();
        long[] refusals = new long[plan.threads()];
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < plan.threads(); w++) {
            int me = w;
            threads.add(start("counter-" + w, go, problems, () -> {
                SplittableRandom r = new SplittableRandom(plan.seed() * 131 + me);
                for (int a = 0; a < plan.attempts(); a++) {
                    int reads = 1 + r.nextInt((1 << n) - 1);     // a non-empty set of counters
                    int writes = reads & (1 + r.nextInt((1 << n) - 1));
                    if (writes == 0) {
                        writes = Integer.lowestOneBit(reads);    // and a non-empty part of it
                    }
                    boolean late = r.nextBoolean();
                    long[] read = new long[n];
                    Arrays.fill(read, -1);
                    try {
                        Checkout c;
                        if (late) {
                            c = store.checkout();
                        } else {
                            List<String> up = new ArrayList<>();
                            for (int i = 0; i < n; i++) {
                                if ((reads & 1 << i) != 0) {
                                    up.add(keys[i]);
                                }
                            }
                            c = store.checkout(up);
                        }
                        pause(r, plan.pace());
                        for (int i = 0; i < n; i++) {
                            if ((reads & 1 << i) != 0) {
                                read[i] = c.get(keys[i], Long.class);
                            }
                        }
                        pause(r, plan.pace());
                        for (int i = 0; i < n; i++) {
                            if ((writes & 1 << i) != 0) {
                                c.set(keys[i], read[i] + 1);
                            }
                        }
                        successes.add(new Success(c.commit(), read, writes));
                    } catch (ConcurrentUpdateException e) {
                        refusals[me]++;
                        for (String k : e.keys()) {
                            int i = Integer.parseInt(k.substring(1));
                            if ((reads & 1 << i) == 0) {
                                problems.add("a refusal names " + k + ", which the attempt did not read: "
                                        + e.getMessage());
                            }
                        }
                        if (e.keys().isEmpty() || !e.store().equals(store.name())) {
                            problems.add("a refusal names no key or the wrong store: " + e.getMessage());
                        }
                    }
                }
            }));
        }
        go.countDown();
        joinAll(threads, System.nanoTime() + RUN_LIMIT.toNanos(), problems);

        List<Success> byVersion = new ArrayList<>(successes);
        byVersion.sort(Comparator.comparingLong(Success::version));
        for (int k = 1; k < byVersion.size(); k++) {
            if (byVersion.get(k).version() == byVersion.get(k - 1).version()) {
                problems.add("two commits returned version " + byVersion.get(k).version());
            }
        }
        long[] count = new long[n];       // commits so far (in version order) that incremented each counter
        long[] lastWriter = new long[n];  // the version of the last of them
        for (Success s : byVersion) {
            for (int i = 0; i < n; i++) {
                if (s.read()[i] >= 0 && s.read()[i] != count[i]) {
                    boolean wrote = (s.writes() & 1 << i) != 0;
                    problems.add("the commit at version " + s.version() + " read " + keys[i] + " = " + s.read()[i]
                            + ", but " + keys[i] + " was " + count[i] + " at that version (last written at version "
                            + lastWriter[i] + "): " + (wrote ? "an update was lost" : "it committed on a stale read"));
                }
            }
            for (int i = 0; i < n; i++) {
                if ((s.writes() & 1 << i) != 0) {
                    count[i]++;
                    lastWriter[i] = s.version();
                }
            }
        }
        for (int i = 0; i < n; i++) {
            long actual = store.get(keys[i], Long.class).orElseThrow();
            if (actual != count[i]) {
                problems.add(keys[i] + " ends at " + actual + ", but " + count[i] + " commits incremented it");
            }
        }
        if (store.commits() != byVersion.size() + 1) {
            problems.add("the store counted " + store.commits() + " commits, the threads saw " + byVersion.size()
                    + " and the initial one");
        }
        synchronized (COUNTER_STATS) {
            COUNTER_STATS[0]++;
            COUNTER_STATS[1] += byVersion.size();
            COUNTER_STATS[2] += Arrays.stream(refusals).sum();
        }
        return problems.few();
    }

    @Test
    void everySuccessfulCommitReadCurrentValues() {
        Arrays.fill(COUNTER_STATS, 0);
        holds(COUNTER_EXAMPLES, COUNTINGS, plan -> counting(plan, honest(plan.mode(), "counters")));
        System.out.printf("counter property: %d runs, %d commits, %d refused%n", COUNTER_STATS[0], COUNTER_STATS[1],
                COUNTER_STATS[2]);
        assertThat(COUNTER_STATS[0]).isGreaterThanOrEqualTo(COUNTER_EXAMPLES * 9 / 10);
        assertThat(COUNTER_STATS[2]).as("refusals: the runs contended").isPositive();
    }

    @Test
    void aCommitterThatDoesNotValidateLosesIncrements() {
        assertFails("counters on the unvalidated committer", COUNTINGS,
                plan -> counting(plan, BrokenCommitters.Kind.UNVALIDATED.store()), "an update was lost");
    }

    @Test
    void aCommitterThatValidatesOnlyWrittenKeysCommitsOnStaleReads() {
        assertFails("counters on the writes-only-validated committer", COUNTINGS,
                plan -> counting(plan, BrokenCommitters.Kind.WRITES_ONLY_VALIDATED.store()),
                "it committed on a stale read");
    }

    /** Keeps the generic helpers honest: a check that never fails is reported as never failing. */
    @Test
    void anHonestStoreDoesNotFailTheBrokenVariantsCheck() {
        assertThat(failureOf(STALES, s -> stale(s, honest(s.mode(), "stale")))).isNull();
    }
}
