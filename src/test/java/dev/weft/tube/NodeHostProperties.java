package dev.weft.tube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.weft.tube.TubeProperties.Case;
import dev.weft.tube.TubeProperties.Kind;
import dev.weft.tube.TubeProperties.Outcome;
import dev.weft.tube.TubeProperties.PlanNode;
import dev.weft.tube.TubeProperties.Probe;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Runners#cluster} over the fake cluster ({@link FakeHost}: a member per node, values through a byte wire,
 * a random 0-300 µs of latency before and after each run on a member) against the sync runner, over
 * {@link TubeProperties}' random tubes (sources, stateless functions, stateful running sums, splits, maps, nested
 * maps, gathers of three kinds, NO_EVENT) and random options (1-8 epochs in flight, 1-16 node runs at once):
 * <ol>
 *   <li>{@code run(n)} and {@code iter(k)} give the sync runner's values;</li>
 *   <li>exactly the plain and source nodes are hosted, in the tube's order, each initialised and deinitialised once,
 *       and every node run the runner reports (its observer's {@code nodeRan}) is one run on that node's member;</li>
 *   <li>a stateful node's runs come to its member in epoch order, never two at once, and node bodies running at
 *       once stay within {@code maxPendingNodes}.</li>
 * </ol>
 * Seen failing against broken variants: docs/notes/18-tube-host.md.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NodeHostProperties {
    static final int EXAMPLES = Integer.getInteger("weft.test.nodeHostExamples", 150);

    /** Counts the runs the runner reports per node. */
    static final class Runs implements TubeObserver {
        final Map<String, AtomicInteger> byNode = new ConcurrentHashMap<>();

        @Override
        public void nodeRan(String tubeId, String nodeId, Epoch epoch, Duration time, boolean failed) {
            byNode.computeIfAbsent(nodeId, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    @Test
    void theClusterRunnerOverAFakeClusterGivesTheSyncRunnersResults() {
        qt().withExamples(EXAMPLES).withShrinkCycles(TubeProperties.SHRINK_CYCLES)
                .forAll(TubeProperties.CASES, longs().all(), integers().between(0, 300))
                .checkAssert((c, seed, delay) -> TubeProperties.bounded(c, () -> check(c, seed, delay)));
        System.out.println("NodeHostProperties: " + COVERAGE);
    }

    private static void check(Case c, long seed, int delay) {
        Probe probe = new Probe();
        NodeRegistry registry = TubeProperties.registry(probe);
        Tube tube = c.plan().tube(probe);
        String what = c + " seed=" + seed + " delay<=" + delay + "µs";
        List<Object> ref;
        try (TubeRunner s = Runners.sync(tube)) {
            ref = s.run(c.epochs());
        }
        FakeHost host = new FakeHost(registry, seed, delay);
        Runs runs = new Runs();
        List<Object> got;
        try (TubeRunner r = Runners.cluster(tube, host, c.options().withObserver(runs))) {
            got = r.run(c.epochs());
        }
        // what the members saw first: it says why values differ (a stateful node's runs out of order, say)
        assertThat(host.problems).as("what the members saw, %s", what).isEmpty();
        assertThat(got).as("cluster run(%d) of %s; %s", c.epochs(), what, TubeProperties.firstDifference(ref, got))
                .isEqualTo(ref);
        List<String> plainAndSources = c.plan().nodes().stream().filter(n -> switch (n.kind()) {
            case SOURCE, F, ACC, SPLIT -> true;
            default -> false;
        }).map(PlanNode::id).toList();
        assertThat(host.hosted()).as("nodes hosted, %s", what).isEqualTo(plainAndSources);
        Map<String, Integer> reported = new TreeMap<>();
        Map<String, Integer> onMembers = new TreeMap<>();
        for (FakeHost.Member m : host.members) {
            reported.put(m.id, runs.byNode.getOrDefault(m.id, new AtomicInteger()).get());
            onMembers.put(m.id, m.runs.get());
            assertThat(m.inits.get() + "/" + m.deinits.get()).as("inits/deinits of %s, %s", m, what)
                    .isEqualTo("1/1");
        }
        assertThat(onMembers).as("runs on each node's member against the runs the runner reported, %s", what)
                .isEqualTo(reported);
        assertThat(host.problems).as("what the members saw, %s", what).isEmpty();
        assertThat(host.allStopped()).as("members stopped, %s", what).isTrue();

        FakeHost iterHost = new FakeHost(registry, seed + 1, delay);
        Outcome refIter = TubeProperties.iterate(Runners.sync(tube), c.iter());
        Outcome gotIter = TubeProperties.iterate(Runners.cluster(tube, iterHost, c.options()), c.iter());
        assertThat(gotIter).as("cluster iter(%d) of %s; %s", c.iter(), what, TubeProperties.firstDifference(
                refIter.values(), gotIter.values())).isEqualTo(refIter);
        assertThat(iterHost.problems).as("what the members saw in iter, %s", what).isEmpty();

        assertThat(probe.overlaps).as("stateful runs overlapping, %s", what).isEmpty();
        assertThat(probe.most.get()).as("node bodies running at once, %s", what).isLessThanOrEqualTo(
                c.pendingNodes());
        COVERAGE.count("examples", true);
        COVERAGE.count("acc hosted", c.plan().nodes().stream().anyMatch(n -> n.kind() == Kind.ACC));
        COVERAGE.count("a map", c.plan().nodes().stream().anyMatch(n -> n.kind() == Kind.MAP));
        COVERAGE.count("node runs overlapping", probe.most.get() > 1);
    }

    static final TubeProperties.Coverage COVERAGE = new TubeProperties.Coverage();
}
