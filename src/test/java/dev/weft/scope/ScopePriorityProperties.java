package dev.weft.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;
import org.quicktheories.impl.Constraint;

/**
 * Admission by priority over random runs: a scope with {@code maxConcurrency} 1-4 and {@code maxWaitingForks} 1-6,
 * and a random sequence of operations: forks (plain, or LOW, NORMAL or HIGH) made by the scope's owner, and releases
 * of a random running task (each task's body waits on a latch of its own, so the test decides how long each runs and
 * when each slot is handed over). While the owner is parked in a fork, a fork operation lets a task end instead.
 * After every operation the test waits until the run is quiet (the owner's fork
 * returned or the owner parks in the admission queue; every slot held by a started body, or no fork left waiting),
 * then looks at the bodies that started meanwhile.
 *
 * <p>Property: whenever a body starts, no fork that was already waiting (forked at an earlier quiet point and not
 * started) <em>beats</em> it: has a higher priority, or the same priority and an earlier fork. A plain fork counts as
 * NORMAL. Also: never more than {@code maxConcurrency} bodies run; a slot freed while forks wait is always handed over
 * (the run stays live); every task ends SUCCEEDED, each body ran once. Seen failing against FIFO-only admission (see
 * docs/notes/16-prio-scope.md).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ScopePriorityProperties {
    static final int EXAMPLES = 200;
    static final int PLAIN = -1;
    private static final Duration QUIET_WITHIN = Duration.ofSeconds(10);

    sealed interface Op permits Fork, Release {
    }

    /** A fork at {@code level}, or a plain fork ({@link #PLAIN}). */
    record Fork(int level) implements Op {
        @Override
        public String toString() {
            return level == PLAIN ? "plain" : Priority.of(level).toString();
        }
    }

    /** Lets the {@code pick}-th running task (modulo how many run) end. */
    record Release(int pick) implements Op {
        @Override
        public String toString() {
            return "end#" + pick;
        }
    }

    record Plan(int maxConcurrency, int maxWaiting, List<Op> ops) {
        @Override
        public String toString() {
            return "max=" + maxConcurrency + " waiting=" + maxWaiting + " "
                    + ops.stream().map(Op::toString).collect(Collectors.joining(",", "[", "]"));
        }
    }

    private static final int[] LEVELS = {PLAIN, Priority.LOW.level(), Priority.NORMAL.level(), Priority.HIGH.level()};

    static final Gen<Plan> PLANS = in -> {
        int max = (int) in.next(Constraint.between(1, 4));
        int waiting = (int) in.next(Constraint.between(1, 6));
        int n = (int) in.next(Constraint.between(1, 24));
        List<Op> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (in.next(Constraint.between(0, 2)) < 2) { // two forks for one release, so that forks wait
                ops.add(new Fork(LEVELS[(int) in.next(Constraint.between(0, 3))]));
            } else {
                ops.add(new Release((int) in.next(Constraint.between(0, 7))));
            }
        }
        return new Plan(max, waiting, List.copyOf(ops));
    };

    /** One run of a plan: the owner forks on command, the test thread drives and checks. */
    static final class Run {
        private static final Object JOIN = new Object();

        final Plan plan;
        final BlockingQueue<Object> commands = new LinkedBlockingQueue<>();
        final List<CountDownLatch> latches = new CopyOnWriteArrayList<>();
        final List<Integer> levels = new ArrayList<>(); // per fork id: its level (plain as NORMAL)
        final List<Task<Integer>> tasks = new CopyOnWriteArrayList<>();
        /** Fork ids in the order their bodies started. */
        final List<Integer> admissions = new CopyOnWriteArrayList<>();
        final AtomicInteger returned = new AtomicInteger();
        final AtomicReference<Throwable> ownerFailure = new AtomicReference<>();
        final CountDownLatch ownerDone = new CountDownLatch(1);
        final Thread owner;
        final Set<Integer> released = new HashSet<>();
        /** What the driver did, for messages: {@code f3:LOW} forks f3, {@code end:f1} lets f1 end. */
        final List<String> trace = new ArrayList<>();
        int issued;
        int checked;

        Run(Plan plan) {
            this.plan = plan;
            this.owner = Thread.ofVirtual().name("prio-owner").start(this::own);
        }

        private void own() {
            try (var scope = Scope.<Integer>settle(ScopeOptions.named("prio")
                    .withMaxConcurrency(plan.maxConcurrency()).withMaxWaitingForks(plan.maxWaiting()))) {
                while (true) {
                    Object c = commands.take();
                    if (c == JOIN) {
                        scope.join();
                        return;
                    }
                    int id = (Integer) c;
                    CountDownLatch latch = latches.get(id);
                    Callable<Integer> body = () -> {
                        admissions.add(id);
                        latch.await();
                        return id;
                    };
                    int level = levels.get(id);
                    tasks.add(level == PLAIN ? scope.fork("f" + id, body)
                            : scope.fork("f" + id, Priority.of(level), body));
                    returned.incrementAndGet();
                }
            } catch (Throwable e) {
                ownerFailure.set(e);
            } finally {
                ownerDone.countDown();
            }
        }

        private int levelOf(int id) {
            int l = levels.get(id);
            return l == PLAIN ? Priority.NORMAL.level() : l;
        }

        /** Whether waiting fork {@code y} must be admitted before {@code x}. */
        private boolean beats(int y, int x) {
            return levelOf(y) > levelOf(x) || (levelOf(y) == levelOf(x) && y < x);
        }

        private List<Integer> running() {
            List<Integer> r = new ArrayList<>();
            for (int id : admissions) {
                if (!released.contains(id)) {
                    r.add(id);
                }
            }
            return r;
        }

        void execute() throws InterruptedException {
            for (Op op : plan.ops()) {
                boolean ownerBusy = returned.get() < issued; // parked in fork: it takes no command now
                if (op instanceof Fork f && !ownerBusy) {
                    fork(f.level());
                } else {
                    release(op instanceof Release r ? r.pick() : 0);
                }
            }
            while (admissions.size() < issued || !running().isEmpty()) {
                release(0);
            }
            commands.put(JOIN);
            assertThat(ownerDone.await(QUIET_WITHIN.toMillis(), TimeUnit.MILLISECONDS)).as("owner done").isTrue();
            assertThat(ownerFailure.get()).as("the owner's failure").isNull();
            assertThat(tasks).hasSize(issued).allMatch(t -> t.state() == Task.State.SUCCEEDED);
            assertThat(admissions).hasSize(issued).doesNotHaveDuplicates();
        }

        private void fork(int level) throws InterruptedException {
            int waitingBefore = issued;
            latches.add(new CountDownLatch(1));
            levels.add(level);
            issued++;
            trace.add("f" + waitingBefore + ":" + new Fork(level));
            commands.put(waitingBefore); // the new fork's id
            quiet(waitingBefore);
        }

        private void release(int pick) {
            int waitingBefore = issued;
            List<Integer> r = running();
            if (!r.isEmpty()) {
                int id = r.get(pick % r.size());
                released.add(id);
                trace.add("end:f" + id);
                latches.get(id).countDown();
            }
            quiet(waitingBefore);
        }

        /**
         * Waits until the run is quiet, then checks every body started since the last check against the forks that
         * were waiting before this operation (ids below {@code known}, all in the admission queue by then).
         */
        private void quiet(int known) {
            long deadline = System.nanoTime() + QUIET_WITHIN.toNanos();
            while (true) {
                boolean ownerSettled = returned.get() == issued || LockSupport.getBlocker(owner) instanceof Limiter;
                int started = admissions.size();
                int running = started - released.size();
                assertThat(running).as("bodies running at once").isLessThanOrEqualTo(plan.maxConcurrency());
                if (ownerSettled && (running == plan.maxConcurrency() || started == issued)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no progress: " + running + " running, " + (issued - started)
                            + " waiting, owner " + (ownerSettled ? "settled" : "busy") + "; admitted " + admissions
                            + " after " + trace);
                }
                Thread.onSpinWait();
                Thread.yield();
            }
            List<Integer> order = List.copyOf(admissions);
            for (; checked < order.size(); checked++) {
                int x = order.get(checked);
                Set<Integer> before = new HashSet<>(order.subList(0, checked));
                for (int y = 0; y < known; y++) {
                    if (y != x && !before.contains(y) && beats(y, x)) {
                        throw new AssertionError("f" + x + " (level " + levelOf(x) + ") admitted while f" + y
                                + " (level " + levelOf(y) + ") waited; admission order " + order + " after " + trace);
                    }
                    if (y < x && !before.contains(y)) {
                        OVERTAKINGS.incrementAndGet(); // x, forked later, went first: priority at work
                    }
                }
                if (x < known) {
                    HANDOVERS.incrementAndGet(); // x had been waiting
                }
            }
        }

        /** Lets everything end, whatever went wrong, so that no thread outlives the example. */
        void cleanUp() throws InterruptedException {
            latches.forEach(CountDownLatch::countDown);
            commands.put(JOIN);
            ownerDone.await(QUIET_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Coverage: admissions of forks that had waited, and of forks admitted before an earlier waiting one. */
    static final AtomicInteger HANDOVERS = new AtomicInteger(), OVERTAKINGS = new AtomicInteger();

    @Test
    void noSlotPassesAWaitingForkThatShouldComeFirst() {
        qt().withExamples(EXAMPLES).withShrinkCycles(200).forAll(PLANS).checkAssert(plan -> {
            Run run = new Run(plan);
            try {
                run.execute();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                try {
                    run.cleanUp();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        // the runs did exercise the queue: forks waited, and later ones of higher priority went first
        assertThat(HANDOVERS.get()).as("admissions after waiting").isGreaterThan(EXAMPLES);
        assertThat(OVERTAKINGS.get()).as("admissions ahead of an earlier fork").isGreaterThan(EXAMPLES / 10);
    }
}
