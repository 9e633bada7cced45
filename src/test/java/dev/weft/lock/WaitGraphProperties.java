package dev.weft.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;

/**
 * The detector reports a cycle if and only if one exists, checked against a simple reference (the transitive closure
 * of the graph: a node is on a cycle iff it reaches itself; two nodes share a strongly connected component iff each
 * reaches the other).
 *
 * <p>(1) {@link WaitGraph#cycles} on random directed graphs of up to 9 nodes and 20 edges (self-loops and parallel
 * edges included), and on random <em>functional</em> graphs (at most one edge out of each node, as in every wait-for
 * graph Weft builds, where a blocked thread waits for one thing): it returns a cycle iff the reference finds one; each
 * returned cycle is a closed walk over edges of the graph through distinct nodes; every strongly connected component
 * with a cycle holds exactly one returned cycle; and in a functional graph the nodes of the returned cycles are exactly
 * the nodes on cycles. (2) End to end, with real threads and locks: a random functional graph is built as lock waits
 * (thread {@code i} holds lock {@code i}, then waits for the lock of its successor), and {@link Deadlocks#dump()} then
 * reports exactly the reference's cycles, as sets of threads, after the snapshot's confirmation. The broken variant
 * that showed property (1) failing is in docs/notes/16-deadlock.md.
 */
@Timeout(120)
class WaitGraphProperties {

    /** An edge {@code from -> to}; equal only to itself (a graph may hold two edges between the same nodes). */
    static final class Edge {
        final int from;
        final int to;

        Edge(int from, int to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public String toString() {
            return from + "->" + to;
        }
    }

    /** A graph over nodes {@code 0..nodes-1}; {@code functional}: at most one edge out of each node. */
    record Graph(int nodes, List<Edge> edges, boolean functional) {
        @Override
        public String toString() {
            return (functional ? "functional " : "") + nodes + " nodes: " + edges;
        }

        /** reach[i][j]: a path of at least one edge from i to j (Floyd-Warshall's closure). */
        boolean[][] reach() {
            boolean[][] r = new boolean[nodes][nodes];
            for (Edge e : edges) {
                r[e.from][e.to] = true;
            }
            for (int k = 0; k < nodes; k++) {
                for (int i = 0; i < nodes; i++) {
                    if (r[i][k]) {
                        for (int j = 0; j < nodes; j++) {
                            r[i][j] |= r[k][j];
                        }
                    }
                }
            }
            return r;
        }
    }

    static final Gen<Graph> GENERAL = integers().between(1, 9).flatMap(n -> lists()
            .of(integers().between(0, n - 1).zip(integers().between(0, n - 1), Edge::new))
            .ofSizeBetween(0, 20).map(es -> new Graph(n, es, false)));

    static final Gen<Graph> FUNCTIONAL = integers().between(1, 9).flatMap(n -> lists()
            .of(integers().between(-1, n - 1)).ofSize(n).map(next -> {
                List<Edge> es = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (next.get(i) >= 0) {
                        es.add(new Edge(i, next.get(i)));
                    }
                }
                return new Graph(n, es, true);
            }));

    static final Gen<Graph> GRAPHS = GENERAL.mix(FUNCTIONAL);

    @Test
    void cyclesAreFoundIffTheyExist() {
        qt().withExamples(2_000).withShrinkCycles(200).forAll(GRAPHS).checkAssert(WaitGraphProperties::check);
    }

    static void check(Graph g) {
        List<List<Edge>> cycles = WaitGraph.cycles(g.edges(), e -> e.from, e -> e.to);
        boolean[][] reach = g.reach();
        Set<Integer> onCycles = new HashSet<>();
        for (int v = 0; v < g.nodes(); v++) {
            if (reach[v][v]) {
                onCycles.add(v);
            }
        }
        assertThat(cycles.isEmpty()).as("no cycle reported iff the reference finds none in %s: %s", g, cycles)
                .isEqualTo(onCycles.isEmpty());
        Set<Set<Integer>> components = new HashSet<>(); // the reference's components that have a cycle
        for (int v : onCycles) {
            Set<Integer> c = new HashSet<>();
            for (int u : onCycles) {
                if (u == v || reach[u][v] && reach[v][u]) {
                    c.add(u);
                }
            }
            components.add(c);
        }
        Set<Set<Integer>> hit = new HashSet<>();
        Set<Integer> reported = new HashSet<>();
        for (List<Edge> cycle : cycles) {
            assertThat(cycle).as("a cycle in %s", g).isNotEmpty();
            Set<Integer> nodes = new HashSet<>();
            for (int i = 0; i < cycle.size(); i++) {
                Edge e = cycle.get(i);
                assertThat(g.edges()).as("an edge of %s", g).anyMatch(x -> x == e);
                assertThat(e.to).as("%s is a closed walk in %s", cycle, g)
                        .isEqualTo(cycle.get((i + 1) % cycle.size()).from);
                assertThat(nodes.add(e.from)).as("%s passes each node once, in %s", cycle, g).isTrue();
            }
            Set<Integer> component = components.stream().filter(c -> c.containsAll(nodes)).findFirst()
                    .orElseThrow(() -> new AssertionError(cycle + " lies in no component of " + g));
            assertThat(hit.add(component)).as("one cycle per component in %s: %s", g, cycles).isTrue();
            reported.addAll(nodes);
        }
        assertThat(hit).as("every component with a cycle has one reported, in %s", g).isEqualTo(components);
        if (g.functional()) {
            assertThat(reported).as("the nodes on cycles of the functional graph %s", g).isEqualTo(onCycles);
        }
    }

    // ---- end to end ----

    /** Parks in 1 ms steps until every thread of {@code waiting} shows as waiting for a lock; fails after 10 s. */
    static void awaitWaiting(Set<Thread> waiting) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Set<Thread> seen = Deadlocks.dump().waits().stream().map(WaitEdge::waiter).collect(Collectors.toSet());
            if (seen.containsAll(waiting)) {
                return;
            }
            assertThat(System.nanoTime() - deadline).as("waiters not all waiting within 10 s").isNegative();
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void dumpReportsExactlyTheCyclesOfLockWaits() {
        Gen<Graph> graphs = integers().between(1, 6).flatMap(n -> lists().of(integers().between(-1, n - 1))
                .ofSize(n).map(next -> {
                    List<Edge> es = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        if (next.get(i) >= 0 && next.get(i) != i) { // a lock waiting for itself is reentrancy
                            es.add(new Edge(i, next.get(i)));
                        }
                    }
                    return new Graph(n, es, true);
                }));
        qt().withExamples(60).withShrinkCycles(20).forAll(graphs).checkAssert(g -> {
            try {
                checkLive(g);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    static void checkLive(Graph g) throws InterruptedException {
        int n = g.nodes();
        List<OrderedLock> locks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            locks.add(new OrderedLock("n" + i));
        }
        int[] next = new int[n];
        java.util.Arrays.fill(next, -1);
        for (Edge e : g.edges()) {
            next[e.from] = e.to;
        }
        CountDownLatch holding = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        Set<Thread> waiters = new HashSet<>();
        for (int i = 0; i < n; i++) {
            int me = i;
            Thread t = Thread.ofVirtual().name("n" + i).unstarted(() -> {
                try (var _ = LockSet.of(locks.get(me)).acquire(Duration.ofSeconds(60))) {
                    holding.countDown();
                    go.await();
                    if (next[me] >= 0) {
                        try (var _ = LockSet.of(locks.get(next[me])).allowingOutOfOrder()
                                .acquire(Duration.ofSeconds(60))) {
                            return;
                        }
                    }
                    new CountDownLatch(1).await(); // hold until interrupted: running, as far as the graph knows
                } catch (InterruptedException e) {
                    // the end of the example
                }
            });
            threads.add(t);
            if (next[i] >= 0) {
                waiters.add(t);
            }
            t.start();
        }
        try {
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            awaitWaiting(waiters);
            Set<Set<Thread>> reported = Deadlocks.dump().deadlocks().stream()
                    .filter(d -> threads.containsAll(d.threads()))
                    .map(d -> Set.copyOf(d.threads())).collect(Collectors.toSet());
            Set<Set<Thread>> expected = new HashSet<>();
            for (List<Edge> cycle : referenceCycles(next)) {
                expected.add(cycle.stream().map(e -> threads.get(e.from)).collect(Collectors.toSet()));
            }
            assertThat(reported).as("deadlocks of %s", g).isEqualTo(expected);
        } finally {
            for (Thread t : threads) {
                t.interrupt();
            }
            for (Thread t : threads) {
                assertThat(t.join(Duration.ofSeconds(10))).isTrue();
            }
        }
    }

    /** The cycles of a functional graph, by following successors: the simplest reference there is. */
    static List<List<Edge>> referenceCycles(int[] next) {
        List<List<Edge>> out = new ArrayList<>();
        Set<Integer> done = new HashSet<>();
        for (int v = 0; v < next.length; v++) {
            // v is on a cycle iff following successors from v comes back to v within next.length steps
            int u = v;
            List<Edge> path = new ArrayList<>();
            for (int k = 0; k < next.length && next[u] >= 0; k++) {
                path.add(new Edge(u, next[u]));
                u = next[u];
                if (u == v) {
                    break;
                }
            }
            if (u == v && !path.isEmpty() && done.add(v)) {
                path.forEach(e -> done.add(e.from));
                out.add(path);
            }
        }
        return out;
    }
}
