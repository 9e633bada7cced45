package dev.weft.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * Properties of {@link Scope} over random task trees. A tree's inner nodes are tasks that open a nested scope with a
 * random policy (open, race, settle or quorum(n)), optionally with a short timeout, fork their children, join, and
 * return a value built from the results; its leaves succeed with a unique value, fail with a unique exception, or hang
 * until interrupted (only below a node with a timeout, so every tree ends). The root node is the outermost scope,
 * owned by the test thread.
 *
 * <p>Leaves sleep 0-3 ms before they end: that is <em>simulated work</em> that varies the completion order, not
 * synchronisation; no property relies on it for correctness. Timeouts are banded by depth (30-40 ms at depth 2,
 * 70-80 ms at depth 1, 110-120 ms at the root) so a nested timeout always fires well before an enclosing one, and far
 * after every non-hanging subtree below it has ended.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ScopeProperties {

    static final int EXAMPLES = 200;
    static final int MAX_DEPTH = 2; // inner nodes at depth 0..2, leaves down to depth 3
    static final int MAX_FAN_OUT = 5;

    // ---------------------------------------------------------------------------------------------------------------
    // Trees

    enum Pol { OPEN, RACE, SETTLE, QUORUM }

    enum Kind { OK, FAIL, HANG }

    sealed interface Node permits Leaf, Inner {
    }

    record Leaf(int id, Kind kind, int delayMs) implements Node {
        @Override
        public String toString() {
            return switch (kind) {
                case OK -> "ok" + id + "@" + delayMs;
                case FAIL -> "fail" + id + "@" + delayMs;
                case HANG -> "hang" + id;
            };
        }
    }

    /** @param timeoutMs 0 for none; @param quorum n for QUORUM, else 0 */
    record Inner(int id, Pol policy, int quorum, int timeoutMs, List<Node> children) implements Node {
        @Override
        public String toString() {
            String p = policy == Pol.QUORUM ? "quorum(" + quorum + ")" : policy.name().toLowerCase();
            return p + (timeoutMs > 0 ? "{t=" + timeoutMs + "ms}" : "")
                    + children.stream().map(Node::toString).collect(Collectors.joining(", ", "[", "]"));
        }
    }

    static final Gen<Inner> TREES = in -> inner(in, 0, false, new int[1]);

    private static Inner inner(RandomnessSource in, int depth, boolean hangAllowed, int[] ids) {
        int id = ids[0]++;
        Pol policy = Pol.values()[(int) in.next(Constraint.between(0, 3))];
        boolean timed = in.next(Constraint.between(0, 3)) == 3; // shrinks towards no timeout
        int timeoutMs = timed ? 110 - 40 * depth + (int) in.next(Constraint.between(0, 10)) : 0;
        boolean hangs = hangAllowed || timed;
        int n = (int) in.next(Constraint.between(1, MAX_FAN_OUT));
        List<Node> children = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (depth < MAX_DEPTH && in.next(Constraint.between(0, 3)) == 3) {
                children.add(inner(in, depth + 1, hangs, ids));
            } else {
                Kind kind = Kind.values()[(int) in.next(Constraint.between(0, hangs ? 2 : 1))];
                children.add(new Leaf(ids[0]++, kind, (int) in.next(Constraint.between(0, 3))));
            }
        }
        int quorum = policy == Pol.QUORUM ? (int) in.next(Constraint.between(1, n)) : 0;
        return new Inner(id, policy, quorum, timeoutMs, List.copyOf(children));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Running a tree

    /** A leaf's failure, unique per leaf. */
    static final class LeafFailure extends RuntimeException {
        final int id;

        LeafFailure(int id) {
            super("leaf " + id + " failed", null, false, false);
            this.id = id;
        }
    }

    /** One forked task; {@code task} is set by the forking owner right after fork. */
    static final class TaskRec {
        final ScopeRec scope;
        volatile Task<Object> task;

        TaskRec(ScopeRec scope) {
            this.scope = scope;
        }
    }

    /** One scope opened by an inner node; {@code parent} is the task running the node, null for the root. */
    static final class ScopeRec {
        final Inner node;
        final TaskRec parent;
        volatile boolean returned; // join returned normally

        ScopeRec(Inner node, TaskRec parent) {
            this.node = node;
            this.parent = parent;
        }
    }

    /** Everything one run of a tree observed. */
    static final class Run {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger ended = new AtomicInteger();
        final Queue<Thread> threads = new ConcurrentLinkedQueue<>();
        final Queue<TaskRec> tasks = new ConcurrentLinkedQueue<>();
        Object value;
        Throwable thrown;

        static Run of(Inner root) {
            Run run = new Run();
            try {
                run.value = run.inner(root, null);
            } catch (Throwable e) {
                run.thrown = e;
            }
            return run;
        }

        Object inner(Inner n, TaskRec parent) throws Exception {
            ScopeRec rec = new ScopeRec(n, parent);
            ScopeOptions opts = n.timeoutMs() > 0
                    ? ScopeOptions.defaults().withTimeout(Duration.ofMillis(n.timeoutMs())) : ScopeOptions.defaults();
            switch (n.policy()) {
                case OPEN -> {
                    try (var scope = Scope.open(opts)) {
                        List<Task<Object>> forked = forkAll(scope, n, rec);
                        scope.join();
                        rec.returned = true;
                        List<Object> values = new ArrayList<>();
                        for (Task<Object> t : forked) {
                            values.add(t.get());
                        }
                        return values;
                    }
                }
                case RACE -> {
                    try (Scope<Object, Object> scope = Scope.race(opts)) {
                        forkAll(scope, n, rec);
                        Object v = scope.join();
                        rec.returned = true;
                        return v;
                    }
                }
                case SETTLE -> {
                    try (Scope<Object, List<Outcome<Object>>> scope = Scope.settle(opts)) {
                        forkAll(scope, n, rec);
                        Object v = scope.join();
                        rec.returned = true;
                        return v;
                    }
                }
                case QUORUM -> {
                    try (Scope<Object, List<Object>> scope = Scope.quorum(n.quorum(), opts)) {
                        forkAll(scope, n, rec);
                        Object v = scope.join();
                        rec.returned = true;
                        return v;
                    }
                }
            }
            throw new AssertionError(n.policy());
        }

        private List<Task<Object>> forkAll(Scope<Object, ?> scope, Inner n, ScopeRec rec) {
            List<Task<Object>> forked = new ArrayList<>();
            for (Node child : n.children()) {
                TaskRec t = new TaskRec(rec);
                tasks.add(t);
                t.task = scope.fork(body(child, t));
                forked.add(t.task);
            }
            return forked;
        }

        private Callable<Object> body(Node node, TaskRec self) {
            return () -> {
                started.incrementAndGet();
                threads.add(Thread.currentThread());
                try {
                    return switch (node) {
                        case Leaf l -> leaf(l);
                        case Inner i -> inner(i, self);
                    };
                } finally {
                    ended.incrementAndGet();
                }
            };
        }

        private static Object leaf(Leaf l) throws InterruptedException {
            if (l.kind() == Kind.HANG) {
                new CountDownLatch(1).await(); // only cancellation (an interrupt) ends it
                throw new AssertionError("unreachable");
            }
            if (l.delayMs() > 0) {
                Thread.sleep(l.delayMs()); // simulated work to vary completion order, not synchronisation
            }
            if (l.kind() == Kind.FAIL) {
                throw new LeafFailure(l.id());
            }
            return l.id();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The sequential model

    /** What a node is expected to do: succeed with a value matching a pattern, fail, or hang. */
    sealed interface Res permits Ok, Err, Hang {
    }

    record Ok(Exp value) implements Res {
    }

    /** Fails with an exception of {@code type}; for a leaf, its own {@link LeafFailure} ({@code leaf} is its id). */
    record Err(Class<? extends Throwable> type, int leaf) implements Res {
    }

    record Hang() implements Res {
    }

    /** A pattern for a value. */
    sealed interface Exp permits Val, Seq, AnyOf, Choose, Settled {
    }

    /** Exactly this leaf value. */
    record Val(int v) implements Exp {
    }

    /** A list whose elements match these, in order (open). */
    record Seq(List<Exp> items) implements Exp {
    }

    /** Any one of these (race: the winner is nondeterministic). */
    record AnyOf(List<Exp> alternatives) implements Exp {
    }

    /** A list of {@code n} values, each matching a distinct one of these, in any order (quorum). */
    record Choose(int n, List<Exp> alternatives) implements Exp {
    }

    /** A list of outcomes, in fork order: Success for Ok, Failure for Err (settle). */
    record Settled(List<Res> outcomes) implements Exp {
    }

    static Res model(Node node) {
        if (node instanceof Leaf l) {
            return switch (l.kind()) {
                case OK -> new Ok(new Val(l.id()));
                case FAIL -> new Err(LeafFailure.class, l.id());
                case HANG -> new Hang();
            };
        }
        Inner n = (Inner) node;
        List<Res> rs = n.children().stream().map(ScopeProperties::model).toList();
        List<Exp> successes = rs.stream().filter(r -> r instanceof Ok).map(r -> ((Ok) r).value()).toList();
        long failures = rs.stream().filter(r -> r instanceof Err).count();
        long hangs = rs.stream().filter(r -> r instanceof Hang).count();
        Err failed = new Err(TaskFailedException.class, -1);
        Res r = switch (n.policy()) {
            case OPEN -> failures > 0 ? failed : hangs > 0 ? new Hang() : new Ok(new Seq(successes));
            case RACE -> !successes.isEmpty() ? new Ok(new AnyOf(successes)) : hangs > 0 ? new Hang() : failed;
            case SETTLE -> hangs > 0 ? new Hang() : new Ok(new Settled(rs));
            case QUORUM -> successes.size() >= n.quorum() ? new Ok(new Choose(n.quorum(), successes))
                    : successes.size() + hangs < n.quorum() ? failed : new Hang();
        };
        return r instanceof Hang && n.timeoutMs() > 0 ? new Err(ScopeTimeoutException.class, -1) : r;
    }

    static boolean matches(Exp e, Object actual) {
        return switch (e) {
            case Val v -> Integer.valueOf(v.v()).equals(actual);
            case Seq s -> actual instanceof List<?> l && l.size() == s.items().size()
                    && allMatch(s.items(), l);
            case AnyOf a -> a.alternatives().stream().anyMatch(x -> matches(x, actual));
            case Choose c -> actual instanceof List<?> l && l.size() == c.n()
                    && assign(l, 0, c.alternatives(), new boolean[c.alternatives().size()]);
            case Settled s -> actual instanceof List<?> l && l.size() == s.outcomes().size()
                    && settledMatch(s.outcomes(), l);
        };
    }

    private static boolean allMatch(List<Exp> items, List<?> l) {
        for (int i = 0; i < items.size(); i++) {
            if (!matches(items.get(i), l.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Backtracking: can actual[i..] be matched to distinct unused alternatives? */
    private static boolean assign(List<?> actual, int i, List<Exp> alts, boolean[] used) {
        if (i == actual.size()) {
            return true;
        }
        for (int j = 0; j < alts.size(); j++) {
            if (!used[j] && matches(alts.get(j), actual.get(i))) {
                used[j] = true;
                if (assign(actual, i + 1, alts, used)) {
                    return true;
                }
                used[j] = false;
            }
        }
        return false;
    }

    private static boolean settledMatch(List<Res> expected, List<?> actual) {
        for (int i = 0; i < expected.size(); i++) {
            Object o = actual.get(i);
            boolean ok = switch (expected.get(i)) {
                case Ok ok1 -> o instanceof Outcome.Success<?> s && matches(ok1.value(), s.value());
                case Err err -> o instanceof Outcome.Failure<?> f && errMatches(err, f.exception());
                case Hang h -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean errMatches(Err err, Throwable actual) {
        if (!err.type().isInstance(actual)) {
            return false;
        }
        return err.leaf() < 0 || ((LeafFailure) actual).id == err.leaf();
    }

    static String describe(Run run) {
        if (run.thrown != null) {
            return "threw " + run.thrown;
        }
        return "returned " + render(run.value);
    }

    static String render(Object o) {
        return switch (o) {
            case List<?> l -> l.stream().map(ScopeProperties::render).collect(Collectors.joining(", ", "[", "]"));
            case Outcome.Success<?> s -> "Success(" + render(s.value()) + ")";
            case Outcome.Failure<?> f -> "Failure(" + f.exception().getClass().getSimpleName() + ")";
            case Outcome.Cancelled<?> c -> "Cancelled";
            case null -> "null";
            default -> o.toString();
        };
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Properties

    /** 1. When the outermost scope's block returns, every task body that started has ended, and so has its thread. */
    @Test
    void everyStartedTaskHasEndedWhenTheOutermostScopeReturns() {
        qt().withExamples(EXAMPLES).withShrinkCycles(300).forAll(TREES).checkAssert(tree -> {
            Run run = Run.of(tree);
            assertThat(run.ended.get()).as("task bodies ended (started %d) for %s", run.started.get(), tree)
                    .isEqualTo(run.started.get());
            List<Thread> alive = run.threads.stream().filter(Thread::isAlive).toList();
            assertThat(alive).as("task threads still alive for %s", tree).isEmpty();
        });
    }

    /** 2. The outermost scope's result (value or exception type) is what the sequential model predicts. */
    @Test
    void resultMatchesTheSequentialModel() {
        qt().withExamples(EXAMPLES).withShrinkCycles(300).forAll(TREES).checkAssert(tree -> {
            Res expected = model(tree);
            Run run = Run.of(tree);
            String msg = "tree " + tree + " expected " + expected + " but " + describe(run);
            switch (expected) {
                case Ok ok -> assertThat(run.thrown == null && matches(ok.value(), run.value)).as(msg).isTrue();
                case Err err -> assertThat(run.thrown != null && errMatches(err, run.thrown)).as(msg).isTrue();
                case Hang h -> throw new AssertionError("generator made a root that hangs: " + tree);
            }
        });
    }

    /**
     * 3. No failure is lost: the exception of every task that ended FAILED is reachable from what the outermost run
     * produced (the thrown exception, through causes and suppressed exceptions, or the returned value, through nested
     * lists, Outcome.Success values and Outcome.Failure / Outcome.Cancelled causes), unless some scope on its way up dropped it by design: a
     * scope whose task (the inner node) ended CANCELLED, a race or quorum whose join returned normally (it returns
     * only the winners' values), or a settle whose task succeeded (its outcomes hold the failure) in a scope whose
     * join then threw (a scope that throws returns no values).
     */
    @Test
    void noFailureIsLost() {
        qt().withExamples(EXAMPLES).withShrinkCycles(300).forAll(TREES).checkAssert(tree -> {
            Run run = Run.of(tree);
            Set<Throwable> reachable = Collections.newSetFromMap(new IdentityHashMap<>());
            collect(run.thrown, reachable);
            collect(run.value, reachable);
            for (TaskRec t : run.tasks) {
                if (t.task.state() == Task.State.FAILED && mustReach(t)) {
                    assertThat(reachable.contains(t.task.exception()))
                            .as("failure %s of task %s is not reachable from the run of %s, which %s",
                                    t.task.exception(), t.task.path(), tree, describe(run))
                            .isTrue();
                }
            }
        });
    }

    /**
     * Whether what task {@code t} produced (its exception if FAILED, its value if SUCCEEDED, which for a settle node
     * holds its children's failures) must reach the outermost run's result.
     */
    private static boolean mustReach(TaskRec t) {
        ScopeRec s = t.scope;
        Pol p = s.node.policy();
        Task.State state = t.task.state();
        if (state == Task.State.CANCELLED) {
            return false; // its scope was cancelled: what it threw while being cancelled is not a failure
        }
        if (s.returned && (p == Pol.RACE || p == Pol.QUORUM)) {
            return false; // by design, a race or quorum that succeeded returns only the winners' values
        }
        if (state == Task.State.SUCCEEDED && !s.returned) {
            return false; // a scope that throws returns no values (open: a sibling failed; or a timeout)
        }
        return s.parent == null || mustReach(s.parent);
    }

    private static void collect(Object o, Set<Throwable> seen) {
        switch (o) {
            case Throwable e -> {
                if (seen.add(e)) {
                    collect(e.getCause(), seen);
                    for (Throwable s : e.getSuppressed()) {
                        collect(s, seen);
                    }
                }
            }
            case List<?> l -> l.forEach(x -> collect(x, seen));
            case Outcome.Success<?> v -> collect(v.value(), seen); // a settle's value nested in another's
            case Outcome.Failure<?> f -> collect(f.exception(), seen);
            case Outcome.Cancelled<?> c -> collect(c.cause(), seen);
            case null, default -> {
            }
        }
    }
}
