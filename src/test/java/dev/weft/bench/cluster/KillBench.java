package dev.weft.bench.cluster;

import dev.weft.cli.LocalWorkers;
import dev.weft.cluster.Cluster;
import dev.weft.cluster.MemberLostException;
import dev.weft.cluster.Placement;
import dev.weft.cluster.WorkerInfo;
import dev.weft.demo.cluster.FanOut;
import dev.weft.flow.ContextResult;
import dev.weft.flow.DataFlow;
import dev.weft.flow.FlowRun;
import dev.weft.flow.OperationException;
import dev.weft.flow.Orchestrator;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The worker-kill part: a victim worker JVM joins the three, the fan-out flow's runs spread over the four, and once
 * the driver counts runs in flight on the victim, it is killed ({@link LocalWorkers#kill}: no goodbye). The
 * idempotent operation's runs must all complete (those lost sent again); the other operation's lost runs must be
 * reported with {@link MemberLostException} naming the victim, and every item either done or reported, never both.
 */
final class KillBench {
    private static final long POLL_NANOS = 1_000_000;

    private KillBench() {
    }

    /** The rounds of both kinds: all idempotent rounds, then all the others. */
    static List<KillRow> run(Cluster cluster, LocalWorkers workers, ClusterReport.Options o, PrintStream out,
                             Consumer<String> log) throws IOException, InterruptedException {
        List<KillRow> rows = new java.util.ArrayList<>();
        for (boolean idempotent : List.of(true, false)) {
            for (int round = 1; round <= o.killRounds(); round++) {
                KillRow r = round(cluster, workers, idempotent, round, o.killRuns(), o.killMs(), log);
                out.printf(Locale.ROOT, "  kill %-29s round %d: %d in flight on the victim at the kill, %d lost "
                                + "with it; done %d/%d, failed %d (%d naming the victim), duplicates %d, partition %s; "
                                + "kill to forgotten %.0f ms, to end %.0f ms%s%s%n", r.operation(), r.round(),
                        r.inFlightAtKill(), r.lost(), r.done(), r.runs(), r.failed(), r.lostWithVictim(),
                        r.duplicates(), r.partition() ? "ok" : "BROKEN", r.killToForgottenNanos() / 1e6,
                        r.killToEndNanos() / 1e6, r.killToLastFailureNanos() < 0 ? ""
                                : String.format(Locale.ROOT, ", kill to last failure %.0f ms",
                                r.killToLastFailureNanos() / 1e6), r.note().isEmpty() ? "" : " (" + r.note() + ")");
                out.flush();
                rows.add(r);
            }
        }
        return rows;
    }

    static KillRow round(Cluster cluster, LocalWorkers workers, boolean idempotent, int round, int runs, int ms,
                         Consumer<String> log) throws IOException, InterruptedException {
        try (LocalWorkers victim = LocalWorkers.start(1, 0, Duration.ofMinutes(10), List.of("--seed", workers.seed()),
                log == null ? null : line -> log.accept("[victim " + (idempotent ? "io" : "write") + " " + round
                        + "] " + line))) {
            String lost = victim.addresses().get(0);
            until(() -> find(cluster, lost).isPresent(), Duration.ofSeconds(60), "the victim " + lost + " known to "
                    + "the driver");
            Map<String, Long> before = cluster.workers().stream()
                    .collect(Collectors.toMap(WorkerInfo::member, WorkerInfo::completed));
            DataFlow placed = cluster.place(FanOut.flow(idempotent ? FanOut.IO : FanOut.WRITE, ms), Placement.all());
            AtomicLong killAt = new AtomicLong(), lastFailureAt = new AtomicLong(), victimAnswered = new AtomicLong(),
                    forgottenAt = new AtomicLong();
            AtomicInteger inFlightAtKill = new AtomicInteger(-1), lostRuns = new AtomicInteger(-1);
            AtomicReference<String> killerTrouble = new AtomicReference<>("");
            Thread killer = Thread.ofVirtual().name("cluster-report-killer").start(() -> {
                try {
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    Optional<WorkerInfo> v;
                    while ((v = find(cluster, lost)).isEmpty() || v.get().inFlight() == 0) {
                        if (System.nanoTime() > deadline) {
                            killerTrouble.set("no run in flight on the victim within 30 s; not killed");
                            return;
                        }
                        LockSupport.parkNanos(POLL_NANOS);
                    }
                    inFlightAtKill.set(v.get().inFlight());
                    killAt.set(System.nanoTime());
                    victim.kill(0);
                    // the victim's last counts as the driver saw them before forgetting it: what was lost with it
                    deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while ((v = find(cluster, lost)).isPresent()) {
                        lostRuns.set(v.get().inFlight());
                        victimAnswered.set(v.get().completed());
                        if (System.nanoTime() > deadline) {
                            killerTrouble.set("the driver still knew the victim 30 s after the kill");
                            return;
                        }
                        LockSupport.parkNanos(POLL_NANOS);
                    }
                    forgottenAt.set(System.nanoTime());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Orchestrator orchestrator = Orchestrator.of(Orchestrator.Options.defaults().withStrict(false));
            List<ContextResult> results;
            long end;
            try (FlowRun run = orchestrator.start(placed, FanOut.inputs(runs), r -> r.event().onComplete(e -> {
                if (e.exception().isPresent()) {
                    lastFailureAt.accumulateAndGet(System.nanoTime(), Math::max);
                }
            }))) {
                results = run.join();
                end = System.nanoTime();
            }
            killer.join();
            ContextResult result = results.get(0);
            List<?> doneList = (List<?>) result.results().getOrDefault(FanOut.DONE.name(), List.of());
            Set<Object> done = new HashSet<>(doneList);
            Set<Object> failed = new HashSet<>();
            int namingVictim = 0;
            for (OperationException f : result.failures()) {
                failed.add(f.parameters().get("item"));
                if (f.getCause() instanceof MemberLostException ml && ml.member().equals(lost)) {
                    namingVictim++;
                }
            }
            Set<Object> all = new HashSet<>();
            for (int i = 0; i < runs; i++) {
                all.add(i);
            }
            Set<Object> union = new HashSet<>(done);
            union.addAll(failed);
            boolean disjoint = done.stream().noneMatch(failed::contains);
            boolean partition = disjoint && union.equals(all) && doneList.size() == done.size();
            long answered = victimAnswered.get();
            for (WorkerInfo w : cluster.workers()) {
                if (!w.member().equals(lost)) {
                    answered += w.completed() - before.getOrDefault(w.member(), 0L);
                }
            }
            StringBuilder note = new StringBuilder(killerTrouble.get());
            if (idempotent && done.size() != runs) {
                note.append(note.isEmpty() ? "" : "; ").append(runs - done.size()).append(" idempotent runs not done");
            }
            long killToEnd = killAt.get() == 0 ? -1 : end - killAt.get();
            long killToForgotten = killAt.get() == 0 || forgottenAt.get() == 0 ? -1 : forgottenAt.get() - killAt.get();
            long killToFailure = killAt.get() == 0 || lastFailureAt.get() == 0 ? -1
                    : lastFailureAt.get() - killAt.get();
            // the victim is forgotten by the driver; wait until the cluster let it go, so the next one can join
            until(() -> find(cluster, lost).isEmpty(), Duration.ofSeconds(30), "the victim forgotten");
            // answered counts fanout.items too (it is placed on the workers as well): one run per round
            return new KillRow(idempotent, round, runs, ms, inFlightAtKill.get(), lostRuns.get(), done.size(),
                    result.failures().size(), namingVictim, answered - 1 - done.size(), partition, killToForgotten,
                    killToEnd,
                    killToFailure, note.toString());
        }
    }

    private static Optional<WorkerInfo> find(Cluster cluster, String member) {
        return cluster.workers().stream().filter(w -> w.member().equals(member)).findFirst();
    }

    private static void until(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cluster report: not within " + timeout + ": " + what);
            }
            LockSupport.parkNanos(5 * POLL_NANOS);
        }
    }
}
