package dev.weft.cli;

import dev.weft.cluster.Cluster;
import dev.weft.cluster.ClusterOptions;
import dev.weft.cluster.Placement;
import dev.weft.cluster.WorkerInfo;
import dev.weft.demo.cluster.FanOut;
import dev.weft.flow.ContextResult;
import dev.weft.flow.DataFlow;
import dev.weft.flow.Orchestrator;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * {@code ./weft cluster demo [--seed HOST:PORT] [--items N] [--ms N] [--workers N]}: a driver joins the cluster,
 * waits for the workers, runs seed 001's fan-out flow on them ({@code fanout.io} once per item, each {@code ms}
 * milliseconds of simulated I/O) and prints who ran what, how fast.
 */
final class ClusterDemo {
    private ClusterDemo() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        String seed = "127.0.0.1:25520";
        int items = 1000;
        int ms = 1;
        int workers = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seed" -> seed = ClusterCli.value(args, ++i, "--seed");
                case "--items" -> items = ClusterCli.number(args, ++i, "--items", 1, 10_000_000);
                case "--ms" -> ms = ClusterCli.number(args, ++i, "--ms", 0, 60_000);
                case "--workers" -> workers = ClusterCli.number(args, ++i, "--workers", 1, 64);
                default -> throw new ClusterCli.UsageException("unknown demo option '" + args[i] + "'");
            }
        }
        ClusterOptions options;
        try {
            options = ClusterOptions.defaults().withSeeds(seed).withJoinTimeout(Duration.ofSeconds(20));
        } catch (IllegalArgumentException e) {
            throw new ClusterCli.UsageException(e.getMessage());
        }
        out.println("weft: joining the cluster through " + seed + " as a driver...");
        try (Cluster cluster = Cluster.join(options)) {
            out.println("weft: driver up at " + cluster.address() + "; waiting for " + workers + " workers...");
            cluster.awaitWorkers(workers, Duration.ofSeconds(30));
            DataFlow placed = cluster.place(FanOut.flow(FanOut.IO, ms), Placement.all());
            // two untimed rounds warm both sides up (class loading, JIT, connections); the third is the one shown
            out.println("weft: two untimed rounds of " + items + " runs to warm up, then one timed...");
            for (int round = 0; round < 2; round++) {
                Orchestrator.withDefaults().run(placed, FanOut.inputs(items));
            }
            List<WorkerInfo> before = cluster.workers();
            long t0 = System.nanoTime();
            List<ContextResult> results = Orchestrator.withDefaults().run(placed, FanOut.inputs(items));
            double seconds = (System.nanoTime() - t0) / 1e9;
            List<?> done = (List<?>) results.get(0).results().get(FanOut.DONE.name());
            out.printf("weft: %,d runs of fanout.io (%d ms each) on %d workers in %.2f s: %,.0f runs/s%n",
                    done.size(), ms, cluster.workers().size(), seconds, done.size() / seconds);
            out.println();
            out.println("| worker | concurrency | runs this round |");
            out.println("|---|---:|---:|");
            for (WorkerInfo w : cluster.workers()) {
                long earlier = before.stream().filter(b -> b.member().equals(w.member()))
                        .mapToLong(WorkerInfo::completed).findFirst().orElse(0);
                out.printf("| %s | %d | %,d |%n", w.member(), w.concurrency(), w.completed() - earlier);
            }
        }
        return 0;
    }
}
