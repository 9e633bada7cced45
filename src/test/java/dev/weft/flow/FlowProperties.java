package dev.weft.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * Properties of the {@link Orchestrator} over random DAG-shaped data flows, checked against a sequential reference
 * orchestrator written here.
 *
 * <p>A flow has 1-2 seed definitions {@code s<i>} and 1-6 operations {@code o<j>}, in topological order. Operation
 * {@code j} has 1-2 inputs, each of a seed definition or of the output definition of an earlier operation (so inputs
 * fan in, and several operations may consume one definition: fan-out); its single output {@code out} has its own
 * definition {@code o<j>}; some operations {@code expand} it into 1-2 elements; some definitions are locked; some
 * operations fail (deterministically, for about a quarter of their parameter sets), and the run is non-strict (strict
 * in the last property). Each
 * of 1-2 contexts gets 1-2 seed inputs per seed definition. Every value is a string that encodes where it came from
 * ({@code c0.s1.v0}, {@code o2(c0.s1.v0,o0(...)#1)}), so values are unique within a run, and a run is identified by
 * (context, instance, parameter values). The generator keeps the cartesian products small (at most 40 parameter
 * sets per operation and 200 per context).
 *
 * <p>The reference is a plain single-threaded fixpoint of the same semantics: repeat, for every operation, over the
 * cartesian product of the context's inputs of each input's definition, skipping combinations already run (by the
 * ids of the source inputs), until nothing new runs. Operations park for 0-150 µs inside: simulated work to make
 * runs overlap, never synchronisation.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FlowProperties {
    static final int EXAMPLES = 1000;
    static final Duration FINISH_WITHIN = Duration.ofSeconds(20);
    static final int MAX_SETS_PER_OP = 40;
    static final int MAX_SETS_PER_CONTEXT = 200;

    @BeforeAll
    static void quiet() {
        Logger.getLogger(Orchestrator.class.getName()).setLevel(Level.OFF); // the planned non-strict failures
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Flows

    /**
     * One operation: the definition indices of its inputs (below {@code seeds} a seed definition, else the output of
     * operation {@code index - seeds}), whether it expands into {@code width} elements, and whether it fails.
     */
    record OpSpec(int id, List<Integer> inputs, boolean expand, int width, boolean fails) {
    }

    /**
     * A flow: {@code seeds} seed definitions, which definitions are locked (by index: seeds, then one per operation
     * drawn, present or not), the operations present, and per context, per seed definition, the number of seed
     * inputs.
     */
    record FlowSpec(int seeds, List<Boolean> locked, List<OpSpec> ops, List<List<Integer>> seedCounts) {
        String defName(int index) {
            return index < seeds ? "s" + index : "o" + (index - seeds);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("Flow[");
            for (int i = 0; i < seeds; i++) {
                b.append(defName(i)).append(locked.get(i) ? "L" : "").append(", ");
            }
            for (OpSpec op : ops) {
                b.append(defName(seeds + op.id())).append(locked.get(seeds + op.id()) ? "L" : "").append("=")
                        .append(op.fails() ? "failing " : "").append("f(");
                for (int k = 0; k < op.inputs().size(); k++) {
                    b.append(k > 0 ? "," : "").append(defName(op.inputs().get(k)));
                }
                b.append(")").append(op.expand() ? " expand" + op.width() : "").append(", ");
            }
            return b.append("seeds per context ").append(seedCounts).append("]").toString();
        }
    }

    static final Gen<FlowSpec> FLOWS = FlowProperties::flow;

    private static FlowSpec flow(RandomnessSource in) {
        int seeds = (int) in.next(Constraint.between(1, 2));
        int nOps = (int) in.next(Constraint.between(1, 6));
        int contexts = (int) in.next(Constraint.between(1, 2));
        List<List<Integer>> seedCounts = new ArrayList<>();
        int[] maxSeed = new int[seeds];
        for (int c = 0; c < contexts; c++) {
            List<Integer> counts = new ArrayList<>();
            for (int s = 0; s < seeds; s++) {
                int n = (int) in.next(Constraint.between(1, 2));
                counts.add(n);
                maxSeed[s] = Math.max(maxSeed[s], n);
            }
            seedCounts.add(counts);
        }
        List<Boolean> locked = new ArrayList<>();
        List<Long> valuesOf = new ArrayList<>(); // upper bound of the inputs of each definition in one context
        for (int s = 0; s < seeds; s++) {
            locked.add(in.next(Constraint.between(0, 3)) == 3);
            valuesOf.add((long) maxSeed[s]);
        }
        List<OpSpec> ops = new ArrayList<>();
        long total = 0;
        for (int j = 0; j < nOps; j++) {
            // drawn first and shrinking towards "absent", so that shrinking removes the operations that play no part
            // (an absent operation's definition stays, produced by nobody: its consumers never run, in either run)
            boolean present = in.next(Constraint.between(0, 4)) != 0;
            int available = seeds + j;
            int arity = (int) in.next(Constraint.between(1, 2));
            List<Integer> inputs = new ArrayList<>();
            long sets = 1;
            for (int k = 0; k < arity; k++) {
                int d = (int) in.next(Constraint.between(0, available - 1));
                if (sets * valuesOf.get(d) > MAX_SETS_PER_OP) {
                    continue; // keep the product small: drop this input
                }
                sets *= valuesOf.get(d);
                inputs.add(d);
            }
            if (inputs.isEmpty() || total + sets > MAX_SETS_PER_CONTEXT) {
                inputs = List.of(0); // a seed definition: at most 2 sets
                sets = valuesOf.get(0);
            }
            if (!present) {
                sets = 0;
            }
            total += sets;
            boolean expand = in.next(Constraint.between(0, 3)) == 3;
            int width = expand ? (int) in.next(Constraint.between(1, 2)) : 1;
            boolean fails = in.next(Constraint.between(0, 3)) == 3;
            if (present) {
                ops.add(new OpSpec(j, List.copyOf(inputs), expand, width, fails));
            }
            locked.add(in.next(Constraint.between(0, 3)) == 3);
            valuesOf.add(sets * width);
        }
        return new FlowSpec(seeds, List.copyOf(locked), List.copyOf(ops), List.copyOf(seedCounts));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // What operations compute (the same for the real flow and the reference)

    static String seedValue(int context, int seed, int k) {
        return "c" + context + ".s" + seed + ".v" + k;
    }

    /**
     * The parameter values in sorted order. The redundancy checker keys on the <em>sorted</em> source uids (DFFML's
     * rule), so when two inputs of an operation take the same definition, {@code f(x=a, y=b)} and {@code f(x=b,
     * y=a)} are one parameter set, and which of the two runs depends on the order the inputs arrived in. Runs are
     * therefore compared, and outputs computed, on the sorted values.
     */
    static List<String> canonical(List<String> values) {
        List<String> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted;
    }

    /** Whether operation {@code op} fails for {@code values}: about a quarter of the sets of a failing operation. */
    static boolean failsFor(OpSpec op, List<String> values) {
        return op.fails() && (canonical(values).hashCode() & 3) == 0;
    }

    /** The output values of {@code op} for {@code values}: one, or {@code width} elements when it expands. */
    static List<String> outputsFor(OpSpec op, List<String> values) {
        String v = "o" + op.id() + "(" + String.join(",", canonical(values)) + ")";
        if (!op.expand()) {
            return List.of(v);
        }
        List<String> out = new ArrayList<>();
        for (int e = 0; e < op.width(); e++) {
            out.add(v + "#" + e);
        }
        return out;
    }

    /** A run, as both orchestrators report it: context, instance, parameter values (sorted, see above). */
    static String runKey(String context, int op, List<String> values) {
        return context + "|o" + op + "|" + canonical(values);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The sequential reference orchestrator

    record RefInput(int id, int definition, String value) {
    }

    /** The reference's runs and failures (as run keys, with multiplicity). */
    record Reference(Map<String, Integer> runs, Map<String, Integer> failures) {
    }

    static Reference reference(FlowSpec f) {
        Map<String, Integer> runs = new TreeMap<>();
        Map<String, Integer> failures = new TreeMap<>();
        for (int c = 0; c < f.seedCounts().size(); c++) {
            String context = "ctx" + c;
            List<RefInput> inputs = new ArrayList<>();
            for (int s = 0; s < f.seeds(); s++) {
                for (int k = 0; k < f.seedCounts().get(c).get(s); k++) {
                    inputs.add(new RefInput(inputs.size(), s, seedValue(c, s, k)));
                }
            }
            Set<String> seen = new java.util.HashSet<>();
            boolean changed = true;
            while (changed) {
                changed = false;
                for (OpSpec op : f.ops()) {
                    List<List<RefInput>> candidates = new ArrayList<>();
                    for (int d : op.inputs()) {
                        List<RefInput> matching = new ArrayList<>();
                        for (RefInput i : inputs) {
                            if (i.definition() == d) {
                                matching.add(i);
                            }
                        }
                        candidates.add(matching);
                    }
                    for (List<RefInput> set : product(candidates)) {
                        List<Integer> ids = new ArrayList<>();
                        List<String> values = new ArrayList<>();
                        for (RefInput i : set) {
                            ids.add(i.id());
                            values.add(i.value());
                        }
                        Collections.sort(ids);
                        if (!seen.add(op.id() + ":" + ids)) {
                            continue;
                        }
                        changed = true;
                        String key = runKey(context, op.id(), values);
                        runs.merge(key, 1, Integer::sum);
                        if (failsFor(op, values)) {
                            failures.merge(key, 1, Integer::sum);
                            continue;
                        }
                        for (String v : outputsFor(op, values)) {
                            inputs.add(new RefInput(inputs.size(), f.seeds() + op.id(), v));
                        }
                    }
                }
            }
        }
        return new Reference(runs, failures);
    }

    static <T> List<List<T>> product(List<List<T>> lists) {
        List<List<T>> out = new ArrayList<>();
        out.add(List.of());
        for (List<T> l : lists) {
            List<List<T>> next = new ArrayList<>();
            for (List<T> prefix : out) {
                for (T t : l) {
                    List<T> p = new ArrayList<>(prefix);
                    p.add(t);
                    next.add(p);
                }
            }
            out = next;
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The real run

    /** What one run of the real orchestrator showed. */
    static final class Observed {
        final ConcurrentLinkedQueue<String> runs = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        /** Value to the locked values in its lineage (itself included when its definition is locked). */
        final ConcurrentHashMap<String, Set<String>> lockedLineage = new ConcurrentHashMap<>();
        /** Locked value to the token of the run using it now. */
        final ConcurrentHashMap<String, Object> inUse = new ConcurrentHashMap<>();
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger maxInside = new AtomicInteger();
        List<ContextResult> results = List.of();
        /** What a strict run threw, or null. */
        Throwable thrown;

        Map<String, Integer> runCounts() {
            Map<String, Integer> m = new TreeMap<>();
            runs.forEach(r -> m.merge(r, 1, Integer::sum));
            return m;
        }

        Map<String, Integer> failureCounts() {
            Map<String, Integer> m = new TreeMap<>();
            for (ContextResult r : results) {
                for (OperationException e : r.failures()) {
                    m.merge(e.getCause().getMessage(), 1, Integer::sum);
                }
            }
            return m;
        }
    }

    static final Orchestrator LENIENT = Orchestrator.of(Orchestrator.Options.defaults().withStrict(false)
            .withLockTimeout(Duration.ofSeconds(10)));
    static final Orchestrator STRICT = Orchestrator.of(Orchestrator.Options.defaults()
            .withLockTimeout(Duration.ofSeconds(10)));

    /** Runs {@code f} non-strict on the real orchestrator (see {@link #runReal(FlowSpec, boolean)}). */
    static Observed runReal(FlowSpec f) {
        return runReal(f, false);
    }

    /**
     * Runs {@code f} on the real orchestrator in a virtual thread, failing loudly if it does not finish in time.
     * Non-strict, the run must not throw; strict, what it throws is recorded, with the contexts delivered before.
     */
    static Observed runReal(FlowSpec f, boolean strict) {
        Observed o = new Observed();
        List<Definition<Object>> defs = new ArrayList<>();
        for (int i = 0; i < f.locked().size(); i++) {
            Definition<Object> d = Definition.of(f.defName(i), "str");
            defs.add(f.locked().get(i) ? d.locked() : d);
        }
        DataFlow.Builder b = DataFlow.builder();
        for (OpSpec op : f.ops()) {
            Operation.Builder ob = Operation.builder("o" + op.id());
            for (int k = 0; k < op.inputs().size(); k++) {
                ob.input("in" + k, defs.get(op.inputs().get(k)));
            }
            ob.output("out", defs.get(f.seeds() + op.id()));
            if (op.expand()) {
                ob.expand("out");
            }
            boolean outLocked = f.locked().get(f.seeds() + op.id());
            b.operation(ob.build(), (ctx, in) -> body(o, ctx.contextName(), op, outLocked, in));
        }
        DataFlow flow = b.build();
        Map<String, List<Input>> contexts = new LinkedHashMap<>();
        for (int c = 0; c < f.seedCounts().size(); c++) {
            List<Input> inputs = new ArrayList<>();
            for (int s = 0; s < f.seeds(); s++) {
                for (int k = 0; k < f.seedCounts().get(c).get(s); k++) {
                    String v = seedValue(c, s, k);
                    o.lockedLineage.put(v, f.locked().get(s) ? Set.of(v) : Set.of());
                    inputs.add(Input.of(v, defs.get(s)));
                }
            }
            contexts.put("ctx" + c, inputs);
        }
        AtomicReference<Object> outcome = new AtomicReference<>();
        List<ContextResult> delivered = Collections.synchronizedList(new ArrayList<>());
        Thread runner = Thread.ofVirtual().name("flow-property-run").start(() -> {
            try {
                (strict ? STRICT : LENIENT).run(flow, contexts, delivered::add);
                outcome.set(List.copyOf(delivered));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        try {
            if (!runner.join(FINISH_WITHIN)) {
                runner.interrupt();
                throw new AssertionError("the run of " + f + " did not finish within " + FINISH_WITHIN
                        + "; runs so far: " + o.runs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (outcome.get() instanceof Throwable t) {
            if (!strict) {
                throw new AssertionError("the non-strict run of " + f + " threw " + t, t);
            }
            o.thrown = t;
            o.results = List.copyOf(delivered);
            return o;
        }
        @SuppressWarnings("unchecked") List<ContextResult> results = (List<ContextResult>) outcome.get();
        o.results = results;
        return o;
    }

    /** An operation's body: records the run, checks and holds its locked values, works a little, computes. */
    private static Object body(Observed o, String context, OpSpec op, boolean outLocked, Map<String, Object> in) {
        List<String> values = new ArrayList<>();
        for (int k = 0; k < op.inputs().size(); k++) {
            values.add((String) in.get("in" + k));
        }
        String key = runKey(context, op.id(), values);
        o.runs.add(key);
        int now = o.inside.incrementAndGet();
        o.maxInside.accumulateAndGet(now, Math::max);
        Set<String> locks = new LinkedHashSet<>();
        for (String v : values) {
            locks.addAll(o.lockedLineage.getOrDefault(v, Set.of()));
        }
        Object token = new Object();
        List<String> held = new ArrayList<>();
        for (String l : locks) {
            Object other = o.inUse.putIfAbsent(l, token);
            if (other != null) {
                o.violations.add(key + " uses locked " + l + " while another run holds it");
            } else {
                held.add(l);
            }
        }
        LockSupport.parkNanos(java.util.concurrent.ThreadLocalRandom.current().nextLong(150_000)); // simulated work
        for (String l : held) {
            o.inUse.remove(l, token);
        }
        o.inside.decrementAndGet();
        if (failsFor(op, values)) {
            throw new IllegalStateException(key); // the message is the run key: failures compare by it
        }
        List<String> outs = outputsFor(op, values);
        for (String v : outs) {
            Set<String> lineage = new LinkedHashSet<>(locks);
            if (outLocked) {
                lineage.add(v);
            }
            o.lockedLineage.put(v, Set.copyOf(lineage));
        }
        return Map.of("out", op.expand() ? outs : outs.get(0));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Properties

    @Test
    void operationRunsEqualTheSequentialReference() {
        qt().withExamples(EXAMPLES).withShrinkCycles(200).forAll(FLOWS).checkAssert(f -> {
            Reference ref = reference(f);
            Observed o = runReal(f);
            assertThat(o.runCounts()).as("runs of %s", f).isEqualTo(ref.runs());
            assertThat(o.failureCounts()).as("failures of %s", f).isEqualTo(ref.failures());
        });
    }

    @Test
    void everyDistinctParameterSetRunsExactlyOnce() {
        qt().withExamples(EXAMPLES).withShrinkCycles(200).forAll(FLOWS).checkAssert(f -> {
            Observed o = runReal(f);
            Map<String, Integer> counts = o.runCounts();
            counts.forEach((run, n) -> assertThat(n).as("invocations of %s in %s", run, f).isEqualTo(1));
            assertThat(counts.keySet()).as("parameter sets run in %s", f).isEqualTo(reference(f).runs().keySet());
        });
    }

    @Test
    void lockedDefinitionsAreNeverUsedConcurrently() {
        AtomicInteger overlapping = new AtomicInteger();
        qt().withExamples(EXAMPLES).withShrinkCycles(200).forAll(FLOWS).checkAssert(f -> {
            Observed o = runReal(f);
            assertThat(o.violations).as("lock violations in %s", f).isEmpty();
            if (o.maxInside.get() > 1) {
                overlapping.incrementAndGet();
            }
        });
        // the check is only worth something if runs did overlap
        assertThat(overlapping.get()).as("examples in which operations ran concurrently").isPositive();
    }

    @Test
    void everyContextFinishes() {
        qt().withExamples(EXAMPLES).withShrinkCycles(200).forAll(FLOWS).checkAssert(f -> {
            Observed o = runReal(f); // fails loudly if the run does not end within FINISH_WITHIN
            List<String> names = new ArrayList<>();
            o.results.forEach(r -> names.add(r.context()));
            List<String> expected = new ArrayList<>();
            for (int c = 0; c < f.seedCounts().size(); c++) {
                expected.add("ctx" + c);
            }
            assertThat(names).as("contexts delivered for %s", f).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(o.inside.get()).as("operations still inside after the run of %s", f).isZero();
        });
    }

    /**
     * Strict mode: a context is delivered exactly when the reference has no failure in it (a failing parameter set is
     * always reached unless an earlier failure ends the context first), and the run throws an
     * {@link OperationException} for each failed context, the first as the exception, the others suppressed.
     */
    @Test
    void strictRunsDeliverExactlyTheContextsWithoutFailures() {
        qt().withExamples(EXAMPLES / 2).withShrinkCycles(200).forAll(FLOWS).checkAssert(f -> {
            Set<String> failing = new java.util.TreeSet<>();
            reference(f).failures().keySet().forEach(k -> failing.add(k.substring(0, k.indexOf('|'))));
            Observed o = runReal(f, true);
            Set<String> delivered = new java.util.TreeSet<>();
            o.results.forEach(r -> delivered.add(r.context()));
            Set<String> expected = new java.util.TreeSet<>();
            for (int c = 0; c < f.seedCounts().size(); c++) {
                expected.add("ctx" + c);
            }
            expected.removeAll(failing);
            assertThat(delivered).as("contexts delivered by the strict run of %s", f).isEqualTo(expected);
            if (failing.isEmpty()) {
                assertThat(o.thrown).as("what the strict run of %s threw", f).isNull();
                return;
            }
            assertThat(o.thrown).as("what the strict run of %s threw", f).isInstanceOf(OperationException.class);
            Set<String> reported = new java.util.TreeSet<>();
            reported.add(((OperationException) o.thrown).context());
            for (Throwable s : o.thrown.getSuppressed()) {
                assertThat(s).isInstanceOf(OperationException.class);
                reported.add(((OperationException) s).context());
            }
            assertThat(reported).as("failed contexts reported by the strict run of %s", f).isEqualTo(failing);
            assertThat(o.thrown.getCause()).isInstanceOf(IllegalStateException.class);
            assertThat(o.inside.get()).as("operations still inside after the run of %s", f).isZero();
        });
    }

    /**
     * Cancelling a run loses no context that finished: over 1-200 contexts of the calc flow, cancelled once the first
     * {@code k} have succeeded (while the others are still finishing), every context whose event is SUCCESS comes out
     * of {@link FlowRun#results()} exactly once, and no other does.
     */
    @Test
    void cancellingDeliversEveryContextThatSucceeded() {
        qt().withExamples(200).withShrinkCycles(100)
                .forAll(integers().between(1, 200), integers().between(0, 200))
                .checkAssert((n, cancelAfter) -> {
                    int k = Math.min(n, cancelAfter);
                    Map<String, List<Input>> contexts = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        contexts.put("c" + i, List.of(Input.of("add " + i + " and 1", Calc.CALC_STRING)));
                    }
                    List<String> delivered = new ArrayList<>();
                    List<String> succeeded = new ArrayList<>();
                    FlowRun run = Orchestrator.withDefaults().start(Calc.flow(), contexts);
                    try (run) { // closing waits for the run to end, so the events below are final
                        for (int i = 0; i < k; i++) {
                            assertThat(run.contextEvent("c" + i).await(FINISH_WITHIN)).isTrue();
                        }
                        run.cancel();
                        try {
                            run.results().forEach(r -> delivered.add(r.context()));
                        } catch (FlowException cancelled) {
                            // the run was cancelled before it ended; what it delivered is the point
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    for (String c : contexts.keySet()) {
                        if (run.contextEvent(c).query() == dev.weft.event.EventStatus.SUCCESS) {
                            succeeded.add(c);
                        }
                    }
                    assertThat(delivered).as("contexts delivered by a run of %s cancelled after %s succeeded", n, k)
                            .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(succeeded);
                });
    }
}
