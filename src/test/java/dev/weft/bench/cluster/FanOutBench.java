package dev.weft.bench.cluster;

import dev.weft.cluster.Cluster;
import dev.weft.cluster.Placement;
import dev.weft.cluster.WorkerInfo;
import dev.weft.demo.cluster.FanOut;
import dev.weft.flow.ContextResult;
import dev.weft.flow.DataFlow;
import dev.weft.flow.Orchestrator;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The fan-out throughput part: for each size and each I/O time, a few untimed rounds, then the timed ones, of the
 * fan-out flow, either in this JVM (no cluster) or placed on the cluster's workers ({@link Placement#all()}).
 * Every round's result is checked: every item done, once.
 */
final class FanOutBench {
    private FanOutBench() {
    }

    /** The flow in this JVM, run by the orchestrator with its defaults: the peer. */
    static List<FanOutRow> local(ClusterReport.Options o, PrintStream out) {
        return cells(0, o, out, ms -> FanOut.flow(FanOut.IO, ms), null);
    }

    /** The flow placed on {@code cluster}, which has {@code workers} workers now. */
    static List<FanOutRow> onCluster(Cluster cluster, int workers, ClusterReport.Options o, PrintStream out) {
        return cells(workers, o, out, ms -> cluster.place(FanOut.flow(FanOut.IO, ms), Placement.all()), cluster);
    }

    private static List<FanOutRow> cells(int workers, ClusterReport.Options o, PrintStream out,
                                         Function<Integer, DataFlow> flow, Cluster cluster) {
        List<FanOutRow> rows = new ArrayList<>();
        for (int runs : o.runs()) {
            for (int ms : o.ms()) {
                rows.add(print(out, cell(workers, runs, ms, o.warmup(), o.rounds(), flow.apply(ms), cluster)));
            }
        }
        return rows;
    }

    static FanOutRow cell(int workers, int runs, int ms, int warmup, int rounds, DataFlow flow, Cluster cluster) {
        Orchestrator orchestrator = Orchestrator.withDefaults();
        for (int i = 0; i < warmup; i++) {
            check(orchestrator.run(flow, FanOut.inputs(runs)), runs);
        }
        Map<String, Long> before = completed(cluster);
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            List<ContextResult> r = orchestrator.run(flow, FanOut.inputs(runs));
            nanos.add(System.nanoTime() - t0);
            check(r, runs);
        }
        List<Long> perWorker = new ArrayList<>();
        if (cluster != null) {
            for (WorkerInfo w : cluster.workers()) {
                perWorker.add(w.completed() - before.getOrDefault(w.member(), 0L));
            }
        }
        return new FanOutRow(workers, runs, ms, warmup, new Timings(nanos), perWorker);
    }

    private static Map<String, Long> completed(Cluster cluster) {
        return cluster == null ? Map.of() : cluster.workers().stream()
                .collect(Collectors.toMap(WorkerInfo::member, WorkerInfo::completed));
    }

    /** Every item 0..runs-1 done exactly once, or the round does not count: the report stops, saying so. */
    static void check(List<ContextResult> results, int runs) {
        if (results.size() != 1) {
            throw new IllegalStateException("fan-out: expected one context's result, got " + results.size());
        }
        ContextResult r = results.get(0);
        if (!r.failures().isEmpty()) {
            throw new IllegalStateException("fan-out: " + r.failures().size() + " runs failed, the first: "
                    + r.failures().get(0), r.failures().get(0));
        }
        List<?> done = (List<?>) r.results().get(FanOut.DONE.name());
        long distinct = done == null ? 0 : done.stream().distinct().count();
        if (done == null || done.size() != runs || distinct != runs) {
            throw new IllegalStateException("fan-out: expected " + runs + " distinct items done, got "
                    + (done == null ? "none" : done.size() + " (" + distinct + " distinct)"));
        }
    }

    private static FanOutRow print(PrintStream out, FanOutRow r) {
        out.printf(Locale.ROOT, "  %-15s %,7d runs x %d ms: median %8.1f ms, min %8.1f ms, %,9.0f runs/s "
                        + "(best %,9.0f)%s%n", r.where(), r.runs(), r.ms(), r.timings().median() / 1e6,
                r.timings().min() / 1e6, r.runsPerSecond(), r.bestRunsPerSecond(),
                r.perWorker().isEmpty() ? "" : ", per worker " + r.perWorker());
        out.flush();
        return r;
    }
}
