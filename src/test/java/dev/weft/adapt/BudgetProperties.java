package dev.weft.adapt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import dev.weft.flow.ContextResult;
import dev.weft.flow.DataFlow;
import dev.weft.flow.Definition;
import dev.weft.flow.Input;
import dev.weft.flow.Operation;
import dev.weft.flow.OperationException;
import dev.weft.flow.Orchestrator;
import dev.weft.flow.Outputs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * Issue 17's property: a run with {@link Goal#MEMORY} and a budget never has more declared memory running at once than
 * the budget (margin 0 for declared costs), under random operation costs, through the real {@link Orchestrator}.
 *
 * <p>A flow is a chain of 1-4 operations {@code o0 -> o1 -> ...}, each taking the previous one's output (the first the
 * context's inputs) and expanding it into 1-3 elements, so that runs of one operation overlap within a context and
 * across 1-4 contexts of 1-3 inputs each. Each operation declares a random memory cost between 64 KiB and the whole
 * budget (1-64 MiB, random), and works 0-200 µs (a park: simulated work, never synchronisation). The test tracks the
 * declared memory of the operations running (added when an operation's body starts, taken off when it ends: inside
 * the admission's permit) and checks the highest sum against the budget; every context must complete with every
 * value the chain makes. The real heap is watched too (the memory law moves how many contexts run at once); that is
 * not what is checked here: measured memory has its own margin (the issue's ±10 % of the budget, in BENCHMARKS.md).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BudgetProperties {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final int EXAMPLES = 300;
    private static final Duration FINISH_WITHIN = Duration.ofSeconds(20);

    @BeforeAll
    static void quiet() {
        Logger.getLogger(Orchestrator.class.getName()).setLevel(Level.OFF); // the planned non-strict failure
    }

    /** One operation of the chain: its declared cost, how many elements it expands into, and its work. */
    record OpSpec(long cost, int width, int workMicros) {
        @Override
        public String toString() {
            return (cost / KIB) + "KiB x" + width + " @" + workMicros + "us";
        }
    }

    /** A flow: the budget, the chain, and per context the number of inputs. */
    record FlowSpec(long budget, List<OpSpec> ops, List<Integer> inputs) {
        @Override
        public String toString() {
            return "Flow[budget " + (budget / KIB) + "KiB, ops " + ops + ", inputs per context " + inputs + "]";
        }
    }

    private static FlowSpec flow(RandomnessSource in) {
        long budgetMib = in.next(Constraint.between(1, 64));
        long budget = budgetMib * MIB;
        int n = (int) in.next(Constraint.between(1, 4));
        List<OpSpec> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long cost = in.next(Constraint.between(1, budgetMib * 16)) * 64 * KIB; // 64 KiB to the whole budget
            ops.add(new OpSpec(cost, (int) in.next(Constraint.between(1, 3)), (int) in.next(Constraint.between(0,
                    200))));
        }
        int contexts = (int) in.next(Constraint.between(1, 4));
        List<Integer> inputs = new ArrayList<>();
        for (int c = 0; c < contexts; c++) {
            inputs.add((int) in.next(Constraint.between(1, 3)));
        }
        return new FlowSpec(budget, ops, inputs);
    }

    private static final Gen<FlowSpec> FLOWS = BudgetProperties::flow;

    /** What a run saw: declared memory running now and at most, and the outcome. */
    static final class Observed {
        final AtomicLong running = new AtomicLong();
        final AtomicLong highest = new AtomicLong();
        final AtomicInteger runs = new AtomicInteger();
        final ConcurrentLinkedQueue<String> overBudget = new ConcurrentLinkedQueue<>();
        List<ContextResult> results;
        Throwable thrown;
    }

    private static Definition<String> def(int i) {
        return Definition.of("d" + i, "str");
    }

    private static DataFlow chain(List<OpSpec> ops, long budget, Observed o) {
        DataFlow.Builder b = DataFlow.builder();
        for (int i = 0; i < ops.size(); i++) {
            OpSpec op = ops.get(i);
            Operation.Builder ob = Operation.builder("o" + i).input("x", def(i)).output("y", def(i + 1))
                    .cost(Cost.memory(op.cost()));
            if (op.width() > 1) {
                ob.expand("y");
            }
            String name = "o" + i;
            b.operation(ob.build(), (ctx, in) -> {
                long now = o.running.addAndGet(op.cost());
                o.highest.accumulateAndGet(now, Math::max);
                o.runs.incrementAndGet();
                if (now > budget) {
                    o.overBudget.add(name + " in " + ctx.contextName() + ": " + (now / KIB) + " KiB running");
                }
                try {
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(op.workMicros()));
                } finally {
                    o.running.addAndGet(-op.cost());
                }
                String x = (String) in.get("x");
                if (op.width() == 1) {
                    return Map.of("y", name + "(" + x + ")");
                }
                List<String> ys = new ArrayList<>();
                for (int k = 0; k < op.width(); k++) {
                    ys.add(name + "(" + x + ")#" + k);
                }
                return Map.of("y", ys);
            });
        }
        return b.operation(Outputs.getMulti(), Outputs.GET_MULTI)
                .seed(Input.of(List.of("d" + ops.size()), Outputs.GET_MULTI_SPEC)).build();
    }

    private static Observed run(FlowSpec f) {
        Observed o = new Observed();
        DataFlow flow = chain(f.ops(), f.budget(), o);
        Map<String, List<Input>> contexts = new LinkedHashMap<>();
        for (int c = 0; c < f.inputs().size(); c++) {
            List<Input> inputs = new ArrayList<>();
            for (int k = 0; k < f.inputs().get(c); k++) {
                inputs.add(Input.of("c" + c + ".v" + k, def(0)));
            }
            contexts.put("ctx" + c, inputs);
        }
        Orchestrator orchestrator = Orchestrator.of(Orchestrator.Options.defaults().withGoal(Goal.MEMORY)
                .withLimits(Limits.none().withMemoryBudget(f.budget())));
        List<ContextResult> delivered = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread runner = Thread.ofVirtual().name("budget-property-run").start(() -> {
            try {
                orchestrator.run(flow, contexts, delivered::add);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        try {
            if (!runner.join(FINISH_WITHIN)) {
                runner.interrupt();
                throw new AssertionError("the run of " + f + " did not finish within " + FINISH_WITHIN + "; "
                        + o.runs + " operation runs so far");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        o.results = List.copyOf(delivered);
        o.thrown = thrown.get();
        return o;
    }

    @Test
    void declaredMemoryRunningAtOnceNeverExceedsTheBudgetAndNothingIsLost() {
        qt().withExamples(EXAMPLES).withShrinkCycles(100).forAll(FLOWS).checkAssert(f -> {
            Observed o = run(f);
            assertThat(o.thrown).as("the run of %s", f).isNull();
            assertThat(o.overBudget).as("declared memory running at once over the budget of %s KiB in %s",
                    f.budget() / KIB, f).isEmpty();
            assertThat(o.highest.get()).isLessThanOrEqualTo(f.budget());
            assertThat(o.running.get()).isZero();
            // every context completes, with every value the chain makes
            int perInput = f.ops().stream().mapToInt(OpSpec::width).reduce(1, (a, b) -> a * b);
            assertThat(o.results).extracting(ContextResult::context)
                    .containsExactlyInAnyOrderElementsOf(contextNames(f));
            for (ContextResult r : o.results) {
                assertThat(r.failures()).isEmpty();
                int c = Integer.parseInt(r.context().substring(3));
                @SuppressWarnings("unchecked") // get_multi's value for one definition is the list of its values
                List<String> values = (List<String>) r.results().get("d" + f.ops().size());
                assertThat(values).as("context %s of %s", r.context(), f).hasSize(f.inputs().get(c) * perInput)
                        .doesNotHaveDuplicates();
            }
        });
    }

    private static List<String> contextNames(FlowSpec f) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < f.inputs().size(); c++) {
            names.add("ctx" + c);
        }
        return names;
    }

    private static DataFlow oneOperation(long cost, AtomicInteger ran) {
        Definition<String> in = Definition.of("in", "str"), out = Definition.of("out", "str");
        return DataFlow.builder()
                .operation(Operation.builder("big").input("x", in).output("y", out).cost(Cost.memory(cost)).build(),
                        (ctx, p) -> {
                            ran.incrementAndGet();
                            return Map.of("y", p.get("x"));
                        })
                .operation(Outputs.getMulti(), Outputs.GET_MULTI)
                .seed(Input.of(List.of("out"), Outputs.GET_MULTI_SPEC)).build();
    }

    @Test
    void aCostAboveTheBudgetFailsTheRunAtOnceNamingOperationAndContext() {
        AtomicInteger ran = new AtomicInteger();
        Orchestrator strict = Orchestrator.of(Orchestrator.Options.defaults().withGoal(Goal.MEMORY)
                .withLimits(Limits.none().withMemoryBudget(MIB)));
        assertThatThrownBy(() -> strict.run(oneOperation(2 * MIB, ran), Map.of("c", List.of(Input.of("v",
                Definition.of("in", "str"))))))
                .isInstanceOfSatisfying(OperationException.class, e -> {
                    assertThat(e.instance()).isEqualTo("big");
                    assertThat(e.context()).isEqualTo("c");
                })
                .hasMessageContaining("operation big(")
                .hasMessageContaining("failed in context 'c'")
                .cause().isInstanceOf(BudgetExceededException.class)
                .hasMessage("operation 'big' of context 'c' declares 2.0 MiB of memory, more than the whole budget of "
                        + "1.0 MiB: it can never fit (goal MEMORY)");
        assertThat(ran.get()).as("the operation never ran").isZero();
    }

    @Test
    void nonStrictRecordsTheFailureAndTheContextGoesOn() {
        AtomicInteger ran = new AtomicInteger();
        Orchestrator lenient = Orchestrator.of(Orchestrator.Options.defaults().withStrict(false)
                .withGoal(Goal.MEMORY).withLimits(Limits.none().withMemoryBudget(MIB)));
        List<ContextResult> results = lenient.run(oneOperation(2 * MIB, ran),
                Map.of("c", List.of(Input.of("v", Definition.of("in", "str")))));
        assertThat(results).singleElement().satisfies(r -> {
            // big's failure, recorded; (get_multi then finds no 'out' and fails too: nothing made one)
            assertThat(r.failures()).anySatisfy(e -> {
                assertThat(e.instance()).isEqualTo("big");
                assertThat(e.getCause()).isInstanceOf(BudgetExceededException.class)
                        .hasMessageContaining("operation 'big' of context 'c'");
            });
        });
        assertThat(ran.get()).isZero();
    }
}
