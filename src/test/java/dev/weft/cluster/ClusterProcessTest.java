package dev.weft.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.cli.LocalWorkers;
import dev.weft.demo.cluster.FanOut;
import dev.weft.flow.ContextResult;
import dev.weft.flow.DataFlow;
import dev.weft.flow.OperationException;
import dev.weft.flow.Orchestrator;
import dev.weft.demo.tube.NoobNodes;
import dev.weft.tube.NodeFailedException;
import dev.weft.tube.NodeRegistry;
import dev.weft.tube.Runners;
import dev.weft.tube.Tube;
import dev.weft.tube.TubeRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, item 7: three worker JVMs on 127.0.0.1 (ports chosen free, each with a lifetime and leaving when this
 * JVM's pipe to it closes), a driver in this JVM; a data flow across them, and a worker killed mid-run with
 * {@link Process#destroyForcibly()}: idempotent runs all complete, the others are reported naming the operation,
 * context and lost member, and nothing runs twice. Every process started here is stopped here.
 */
class ClusterProcessTest {
    private static LocalWorkers workers;
    private static Cluster cluster;

    @BeforeAll
    static void start() throws Exception {
        workers = LocalWorkers.start(3, 0, Duration.ofMinutes(5), List.of(), null);
        cluster = Cluster.join(ClusterOptions.defaults().withSeeds(workers.seed()));
        cluster.awaitWorkers(3, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (workers != null) {
            workers.close();
        }
    }

    private static Set<Integer> done(ContextResult r) {
        return ((List<?>) r.results().get(FanOut.DONE.name())).stream().map(o -> (Integer) o)
                .collect(Collectors.toSet());
    }

    /** Waits (parking, with a deadline) until {@code condition} holds: the driver's counts are the only signal. */
    private static void until(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    @Test
    void aFanOutFlowRunsAcrossThreeWorkerJvms() {
        DataFlow placed = cluster.place(FanOut.flow(FanOut.IO, 1), Placement.all());
        List<WorkerInfo> before = cluster.workers();
        List<ContextResult> r = Orchestrator.withDefaults().run(placed, FanOut.inputs(1000));
        assertThat(done(r.get(0))).isEqualTo(IntStream.range(0, 1000).boxed().collect(Collectors.toSet()));
        for (WorkerInfo w : cluster.workers()) {
            long earlier = before.stream().filter(b -> b.member().equals(w.member())).mapToLong(WorkerInfo::completed)
                    .sum();
            assertThat(w.completed() - earlier).as("runs on %s", w.member()).isPositive();
        }
    }

    private static NodeRegistry noob() {
        NodeRegistry.Builder b = NodeRegistry.builder();
        new NoobNodes().register(b);
        return b.build();
    }

    @Test
    void aTubeRunsAcrossTheWorkerJvmsWithTheSyncRunnersResults() {
        Tube tube = Tube.read(Path.of("docs/tubes/map.yaml"), noob());
        List<Object> expected;
        try (TubeRunner s = Runners.sync(tube)) {
            expected = s.run(30);
        }
        List<WorkerInfo> before = cluster.workers();
        try (TubeRunner r = Runners.cluster(tube, cluster.nodes())) {
            assertThat(r.run(30)).isEqualTo(expected);
        }
        long used = cluster.workers().stream().filter(w -> w.completed() > before.stream()
                .filter(b -> b.member().equals(w.member())).mapToLong(WorkerInfo::completed).sum()).count();
        assertThat(used).as("workers that ran nodes (the stateless ones are pooled)").isGreaterThan(1);
    }

    /**
     * A worker of a cluster of its own (so every node lands there) killed while a tube runs: the epoch fails naming
     * the node, the epoch and the lost member; nothing hangs.
     */
    @Test
    void aKilledWorkerFailsTheTubesEpochNamingNodeEpochAndMember() throws Exception {
        try (LocalWorkers victim = LocalWorkers.start(1, 0, Duration.ofMinutes(2), List.of("--name", "weft-tube"),
                null);
             Cluster own = Cluster.join(ClusterOptions.defaults().withName("weft-tube").withSeeds(victim.seed())
                     .withWorkerTimeout(Duration.ofSeconds(3)))) {
            own.awaitWorkers(1, Duration.ofSeconds(60));
            String lost = victim.addresses().get(0);
            Tube tube = Tube.read(Path.of("docs/tubes/basic.yaml"), noob());
            Thread killer = Thread.ofVirtual().start(() -> {
                until(() -> own.workers().stream().anyMatch(w -> w.completed() > 50), Duration.ofSeconds(60),
                        "the tube running on " + lost);
                try {
                    victim.kill(0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try (TubeRunner r = Runners.cluster(tube, own.nodes())) {
                assertThatThrownBy(() -> r.run(1_000_000))
                        .isInstanceOfSatisfying(NodeFailedException.class, e -> {
                            assertThat(e.nodeId()).isIn("a", "b");
                            assertThat(e.getMessage()).contains("epoch");
                            assertThat(e.getCause()).isInstanceOf(ClusterException.class);
                            assertThat(e.getCause().getMessage()).contains(lost);
                        });
            }
            killer.join();
        }
    }

    /** A fourth worker JVM, joined and known to the driver: the one a kill test kills. */
    private static LocalWorkers victim() throws Exception {
        LocalWorkers victim = LocalWorkers.start(1, 0, Duration.ofMinutes(2), List.of("--seed", workers.seed()),
                null);
        try {
            cluster.awaitWorkers(4, Duration.ofSeconds(60));
            return victim;
        } catch (RuntimeException | InterruptedException e) {
            victim.close();
            throw e;
        }
    }

    /** A thread that kills {@code victim} once the driver has runs in flight on it. */
    private static Thread killWhenBusy(LocalWorkers victim, String lost) {
        return Thread.ofVirtual().start(() -> {
            until(() -> cluster.workers().stream().anyMatch(w -> w.member().equals(lost) && w.inFlight() > 0),
                    Duration.ofSeconds(30), "runs in flight on " + lost);
            try {
                victim.kill(0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void aKilledWorkersIdempotentRunsAllCompleteElsewhere() throws Exception {
        try (LocalWorkers victim = victim()) {
            String lost = victim.addresses().get(0);
            DataFlow placed = cluster.place(FanOut.flow(FanOut.IO, 500), Placement.all());
            Thread killer = killWhenBusy(victim, lost);
            List<ContextResult> r = Orchestrator.withDefaults().run(placed, FanOut.inputs(200));
            killer.join();
            assertThat(victim.process(0).isAlive()).isFalse();
            assertThat(done(r.get(0))).isEqualTo(IntStream.range(0, 200).boxed().collect(Collectors.toSet()));
            until(() -> cluster.workers().stream().noneMatch(w -> w.member().equals(lost)), Duration.ofSeconds(10),
                    "the killed worker forgotten");
        }
    }

    @Test
    void aKilledWorkersOtherRunsFailNamingOperationContextAndMember() throws Exception {
        try (LocalWorkers victim = victim()) {
            String lost = victim.addresses().get(0);
            DataFlow placed = cluster.place(FanOut.flow(FanOut.WRITE, 500), Placement.all());
            Thread killer = killWhenBusy(victim, lost);
            List<ContextResult> r = Orchestrator.of(Orchestrator.Options.defaults().withStrict(false))
                    .run(placed, FanOut.inputs(200));
            killer.join();
            ContextResult result = r.get(0);
            Set<Integer> done = done(result);
            assertThat(result.failures()).isNotEmpty();
            Set<Integer> failed = new HashSet<>();
            for (var f : result.failures()) {
                Throwable cause = f.getCause();
                assertThat(cause).isInstanceOf(MemberLostException.class);
                MemberLostException ml = (MemberLostException) cause;
                assertThat(ml.member()).isEqualTo(lost);
                assertThat(ml.getMessage()).contains("operation 'fanout.write'", "context 'fan-out'", lost,
                        "not declared idempotent");
                failed.add((Integer) f.parameters().get("item"));
            }
            // every item either done once or reported lost, never both: nothing ran twice, nothing vanished
            assertThat(done).doesNotContainAnyElementsOf(failed);
            assertThat(done.size() + failed.size()).isEqualTo(200);
        }
    }
}
