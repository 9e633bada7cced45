package dev.weft.bench.cluster;

import dev.weft.demo.LogPlot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The cluster report's files: {@code results.csv} (a row per timed round of every part), {@code fanout.png} (remote
 * runs per second of each configuration, bars, with the issue's goal) and {@code report.md}, whose findings
 * are sentences decided from the figures ({@link #findings}).
 */
final class ClusterReportFiles {
    /** The issue's goal: remote operation runs per second on this 2-core machine. */
    static final double RUNS_GOAL = 10_000;
    /** The issue's goal: every lost run settled (sent again and done, or reported) within this of the kill. */
    static final long KILL_GOAL_NANOS = 2_000_000_000L;
    /** The CSV's header line. */
    static final String CSV_HEADER = "part,variant,workers,size,ms,window,round,nanos,done,failed,lost,"
            + "duplicates,partition,kill_to_last_failure_nanos,kill_to_forgotten_nanos";
    /** What LocalWorkers starts each worker JVM with (besides the class path), and what a worker advertises. */
    static final String WORKER_JVM = "`--enable-preview --enable-native-access=ALL-UNNAMED --add-opens "
            + "java.base/java.lang=ALL-UNNAMED -XX:+UseSerialGC -Xss512k`, default heap, concurrency 1024 "
            + "advertised (`LocalWorkers`' defaults, as `./weft cluster workers` starts them)";

    private ClusterReportFiles() {
    }

    /** Writes the three files into the options' folder; returns the Markdown. */
    static String write(ClusterReport.Results r) throws IOException {
        Path dir = r.options().out();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.csv"), csv(r));
        if (!r.fanOut().isEmpty()) {
            BitmapEncoder.saveBitmap(chart(r.fanOut()), dir.resolve("fanout.png").toString(),
                    BitmapEncoder.BitmapFormat.PNG);
        }
        String md = markdown(r);
        Files.writeString(dir.resolve("report.md"), md);
        return md;
    }

    static String csv(ClusterReport.Results r) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (FanOutRow f : r.fanOut()) {
            List<Long> nanos = f.timings().nanos();
            for (int i = 0; i < nanos.size(); i++) {
                sb.append(String.format(Locale.ROOT, "fanout,%s,%d,%d,%d,,%d,%d,%d,0,,,,,%n", f.workers() == 0
                        ? "local" : "cluster", f.workers(), f.runs(), f.ms(), i + 1, nanos.get(i), f.runs()));
            }
        }
        for (KillRow k : r.kills()) {
            sb.append(String.format(Locale.ROOT, "kill,%s,%d,%d,%d,,%d,%d,%d,%d,%d,%d,%s,%d,%d%n", k.idempotent() ? "io"
                            : "write", ClusterReport.KILL_WORKERS, k.runs(), k.ms(), k.round(), k.killToEndNanos(),
                    k.done(), k.failed(), k.lost(), k.duplicates(), k.partition(), k.killToLastFailureNanos(),
                    k.killToForgottenNanos()));
        }
        for (DeliveryRow d : r.delivery()) {
            List<Long> nanos = d.timings().nanos();
            for (int i = 0; i < nanos.size(); i++) {
                sb.append(String.format(Locale.ROOT, "delivery,%s,,%d,,%d,%d,%d,%d,,,,,,%n", d.variant().id(),
                        d.messages(), d.window(), i + 1, nanos.get(i), d.messages()));
            }
        }
        return sb.toString();
    }

    /**
     * Bars of runs per second (median round) per configuration, a bar per size and I/O time, on a linear axis; the
     * goal as a dashed line.
     */
    static CategoryChart chart(List<FanOutRow> rows) {
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(600)
                .title("Fan-out: operation runs per second (median of the timed rounds), one JVM vs worker JVMs")
                .xAxisTitle("where the runs ran").yAxisTitle("runs/s").build();
        // a linear axis: XChart's log axis labels only the decades (here one: 10,000), and cannot draw bars
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setAvailableSpaceFill(0.8);
        chart.getStyler().setXAxisTicksVisible(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setToolTipsEnabled(false);
        chart.getStyler().setYAxisDecimalPattern("#,###");
        List<String> where = rows.stream().map(FanOutRow::where).distinct().toList();
        Map<String, List<FanOutRow>> series = new LinkedHashMap<>();
        for (FanOutRow f : rows) {
            series.computeIfAbsent(String.format(Locale.ROOT, "%,d runs x %d ms", f.runs(), f.ms()),
                    k -> new ArrayList<>()).add(f);
        }
        int i = 0;
        for (var e : series.entrySet()) {
            List<Double> ys = new ArrayList<>();
            for (String w : where) {
                ys.add(e.getValue().stream().filter(f -> f.where().equals(w)).findFirst()
                        .map(FanOutRow::runsPerSecond).orElse(0.0));
            }
            CategorySeries s = chart.addSeries(e.getKey(), where, ys);
            s.setFillColor(LogPlot.PALETTE.get(1 + i % (LogPlot.PALETTE.size() - 1)));
            i++;
        }
        CategorySeries goal = chart.addSeries("goal: 10,000 runs/s", where,
                where.stream().map(w -> RUNS_GOAL).toList());
        goal.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        goal.setMarker(SeriesMarkers.NONE);
        goal.setLineColor(java.awt.Color.RED);
        goal.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
        return chart;
    }

    static Optional<FanOutRow> find(List<FanOutRow> rows, int workers, int runs, int ms) {
        return rows.stream().filter(f -> f.workers() == workers && f.runs() == runs && f.ms() == ms).findFirst();
    }

    /** Overhead per remote run in microseconds: (median on the cluster - median locally) / runs; NaN without peer. */
    static double overheadMicros(List<FanOutRow> rows, FanOutRow f) {
        return overheadMicros(rows, f, false);
    }

    /**
     * Overhead per remote run in microseconds from the medians or, with {@code fastest}, from the fastest rounds
     * (the better guide on a loaded machine: the least disturbed round of each side); NaN without a local peer.
     */
    static double overheadMicros(List<FanOutRow> rows, FanOutRow f, boolean fastest) {
        if (f.workers() == 0) {
            return Double.NaN;
        }
        return find(rows, 0, f.runs(), f.ms()).map(l -> (fastest ? f.timings().min() - l.timings().min()
                : f.timings().median() - l.timings().median()) / 1e3 / f.runs()).orElse(Double.NaN);
    }

    /** What the figures show, in sentences decided from them. */
    static String findings(ClusterReport.Results r) {
        StringBuilder sb = new StringBuilder();
        List<FanOutRow> rows = r.fanOut();
        if (!rows.isEmpty()) {
            FanOutRow best = rows.stream().filter(f -> f.workers() > 0)
                    .max((a, b) -> Double.compare(a.runsPerSecond(), b.runsPerSecond())).orElse(null);
            if (best != null) {
                sb.append(String.format(Locale.ROOT, "- **Remote runs per second**: at most %,.0f (median round; "
                                + "best round %,.0f), with %,d runs of %d ms on %s: the goal of %,.0f is %s.%n",
                        best.runsPerSecond(), best.bestRunsPerSecond(), best.runs(), best.ms(), best.where(),
                        RUNS_GOAL, best.runsPerSecond() >= RUNS_GOAL ? "met" : best.bestRunsPerSecond() >= RUNS_GOAL
                                ? "met by the best round only" : "MISSED"));
            }
            for (int runs : r.options().runs()) {
                for (int ms : r.options().ms()) {
                    Optional<FanOutRow> local = find(rows, 0, runs, ms);
                    List<String> parts = new ArrayList<>();
                    for (int w = 1; w <= r.options().workers(); w++) {
                        find(rows, w, runs, ms).ifPresent(f -> parts.add(String.format(Locale.ROOT,
                                "%d: %,.0f/s%s", f.workers(), f.runsPerSecond(), Double.isNaN(overheadMicros(rows, f))
                                        ? "" : String.format(Locale.ROOT, " (%.0f µs per run over local; fastest "
                                                + "rounds: %.0f µs)", overheadMicros(rows, f),
                                        overheadMicros(rows, f, true)))));
                    }
                    if (parts.isEmpty()) {
                        continue;
                    }
                    sb.append(String.format(Locale.ROOT, "- **%,d runs x %d ms**: %s; on worker JVMs %s.%n", runs, ms,
                            local.map(l -> String.format(Locale.ROOT, "in one JVM %,.0f runs/s (%.1f ms)",
                                    l.runsPerSecond(), l.timings().median() / 1e6)).orElse("no local peer"),
                            String.join(", ", parts)));
                }
            }
        }
        for (boolean idempotent : List.of(true, false)) {
            List<KillRow> ks = r.kills().stream().filter(k -> k.idempotent() == idempotent).toList();
            if (ks.isEmpty()) {
                continue;
            }
            int runs = ks.stream().mapToInt(KillRow::runs).sum();
            int done = ks.stream().mapToInt(KillRow::done).sum();
            int failed = ks.stream().mapToInt(KillRow::failed).sum();
            boolean partition = ks.stream().allMatch(KillRow::partition);
            long dups = ks.stream().mapToLong(KillRow::duplicates).sum();
            if (idempotent) {
                long worst = ks.stream().mapToLong(KillRow::killToEndNanos).max().orElse(-1);
                sb.append(String.format(Locale.ROOT, "- **Kill, idempotent** (%d rounds): %d of %d runs done "
                                + "(%.1f%%), %d failed, %d sent again, %d duplicates; the victim taken as lost a "
                                + "median %.0f ms after the kill; kill to the last result (the re-sent runs' %d ms "
                                + "included): median %.0f ms, worst %.0f ms: the goal (all complete within 2 s) is "
                                + "%s.%n",
                        ks.size(), done, runs, 100.0 * done / runs, failed,
                        ks.stream().mapToInt(k -> Math.max(0, k.lost())).sum(), dups,
                        median(ks, KillRow::killToForgottenNanos) / 1e6, ks.get(0).ms(),
                        median(ks, KillRow::killToEndNanos) / 1e6, worst / 1e6, done == runs && failed == 0
                                && worst >= 0 && worst <= KILL_GOAL_NANOS ? "met" : "MISSED"));
            } else {
                long worst = ks.stream().mapToLong(KillRow::killToLastFailureNanos).max().orElse(-1);
                int naming = ks.stream().mapToInt(KillRow::lostWithVictim).sum();
                sb.append(String.format(Locale.ROOT, "- **Kill, not idempotent** (%d rounds): %d done, %d reported "
                                + "(%d with a MemberLostException naming the victim), done and reported %s every item "
                                + "once, %d duplicates; kill to the last failure reported: median %.0f ms, worst %.0f "
                                + "ms: the goal (the rest reported within 2 s) is %s.%n", ks.size(), done, failed,
                        naming, partition ? "partition" : "DO NOT partition", dups,
                        median(ks, KillRow::killToLastFailureNanos) / 1e6, worst / 1e6, partition && failed == naming
                                && failed > 0 && worst >= 0 && worst <= KILL_GOAL_NANOS ? "met" : "MISSED"));
            }
        }
        for (int window : r.options().deliveryWindows()) {
            Optional<DeliveryRow> direct = r.delivery().stream().filter(d -> d.window() == window
                    && d.variant() == DeliveryBench.Variant.DIRECT).findFirst();
            List<String> others = new ArrayList<>();
            for (DeliveryRow d : r.delivery()) {
                if (d.window() == window && d.variant() != DeliveryBench.Variant.DIRECT) {
                    others.add(String.format(Locale.ROOT, "%s %,.0f/s%s", d.variant().id(), d.perSecond(),
                            direct.map(x -> String.format(Locale.ROOT, " (direct is %.1fx)",
                                    x.perSecond() / d.perSecond())).orElse("")));
                }
            }
            if (direct.isPresent() || !others.isEmpty()) {
                sb.append(String.format(Locale.ROOT, "- **Delivery, window %,d**: %s%s%s.%n", window,
                        direct.map(d -> String.format(Locale.ROOT, "direct tell with the reply as acknowledgement "
                                + "%,.0f msg/s", d.perSecond())).orElse(""), direct.isPresent() && !others.isEmpty()
                                ? "; " : "", String.join("; ", others)));
            }
        }
        return sb.toString();
    }

    private static double median(List<KillRow> ks, ToLongFunction<KillRow> f) {
        long[] v = ks.stream().mapToLong(f).filter(x -> x >= 0).sorted().toArray();
        return v.length == 0 ? -1 : v[(v.length - 1) / 2];
    }

    private static double min(List<KillRow> ks, ToLongFunction<KillRow> f) {
        return ks.stream().mapToLong(f).filter(x -> x >= 0).min().orElse(-1);
    }

    private static double max(List<KillRow> ks, ToLongFunction<KillRow> f) {
        return ks.stream().mapToLong(f).filter(x -> x >= 0).max().orElse(-1);
    }

    private static String ms(double nanos) {
        return nanos < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", nanos / 1e6);
    }

    static String markdown(ClusterReport.Results r) {
        ClusterReport.Options o = r.options();
        StringBuilder sb = new StringBuilder("# Issue 18: Weft on a Pekko cluster, measured\n\n");
        sb.append(String.format(Locale.ROOT, "%s, %d s. %d cores (`Runtime.availableProcessors`), shared with other "
                        + "work; load average (1, 5, 15 min) at the start %s, at the end %s. Java %s. Everything on "
                        + "127.0.0.1: the driver is the report's JVM, each worker a JVM of its own started by "
                        + "`LocalWorkers` with %s.%n%n", r.started(), r.seconds(), r.cores(), r.loadAtStart(),
                r.loadAtEnd(), System.getProperty("java.version"), WORKER_JVM));
        sb.append("## What the numbers show\n\n").append(findings(r)).append('\n');
        if (!r.fanOut().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "## Fan-out throughput%n%nSeed 001's fan-out flow (`FanOut.flow`): "
                            + "one context, `fanout.items` expands a count into items, `fanout.io` runs once per item "
                            + "(`Thread.sleep(ms)`, idempotent), `get_multi` collects the results. Locally: "
                            + "`Orchestrator.withDefaults().run(flow, ...)` in this JVM, no cluster, before any worker "
                            + "started. On worker JVMs: the same flow placed with `cluster.place(flow, "
                            + "Placement.all())`, workers added one at a time. Each configuration: %d untimed rounds, "
                            + "then %d timed; each round checked (every item done once). Overhead per remote run: "
                            + "(median on the cluster - median locally) / runs, and the same from the fastest rounds. "
                            + "On a machine shared with other work, a configuration of more processes gets a larger "
                            + "share of the cores against that work: the one-JVM peer is at a disadvantage under "
                            + "load, and the fastest rounds are the better guide. Runs per worker include one "
                            + "`fanout.items` run a round (placed on the workers too).%n%n", o.warmup(),
                    o.rounds()));
            sb.append("| where | runs | I/O per run | median (ms) | min (ms) | runs/s (median) | runs/s (best) "
                    + "| overhead per remote run, medians / fastest (µs) | runs per worker (timed rounds) |\n");
            sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
            for (FanOutRow f : r.fanOut()) {
                double over = overheadMicros(r.fanOut(), f);
                sb.append(String.format(Locale.ROOT, "| %s | %,d | %d ms | %.1f | %.1f | %,.0f | %,.0f | %s | %s |%n",
                        f.where(), f.runs(), f.ms(), f.timings().median() / 1e6, f.timings().min() / 1e6,
                        f.runsPerSecond(), f.bestRunsPerSecond(), Double.isNaN(over) ? "" : String.format(Locale.ROOT,
                                "%.1f / %.1f", over, overheadMicros(r.fanOut(), f, true)),
                        f.perWorker().isEmpty() ? "" : f.perWorker().toString()));
            }
            sb.append("\n![fan-out runs per second](fanout.png)\n\n");
        }
        if (!r.kills().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "## Worker kill%n%n%d workers and a victim (a fifth member, the "
                            + "driver), each round a new victim: %d runs of %d ms spread over the four; once the "
                            + "driver counts runs in flight on the victim, it is killed (`Process.destroyForcibly`, "
                            + "no goodbye). Idempotent: `fanout.io`, lost runs sent again. Not idempotent: "
                            + "`fanout.write`, strict off, lost runs reported as failures whose cause is a "
                            + "`MemberLostException`. *Lost* is the victim's runs in flight as the driver last saw "
                            + "it before forgetting it (sent again, or reported); *duplicates* is runs answered by "
                            + "the workers minus runs done (0: nothing ran twice to completion). Times from the kill "
                            + "to the driver forgetting the victim (taken as unreachable: from then on its runs are "
                            + "sent again or failed), to the run's end, and to the last failure reported (each "
                            + "run's completion event).%n%n",
                    ClusterReport.KILL_WORKERS, o.killRuns(), o.killMs()));
            sb.append("| operation | rounds | done | failed | lost (sent again / reported) | duplicates | "
                    + "done ∪ failed = all, disjoint | kill → victim taken as lost, median / min / max (ms) "
                    + "| kill → end, median / min / max (ms) | kill → last failure, median / min / max (ms) |\n");
            sb.append("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
            for (boolean idempotent : List.of(true, false)) {
                List<KillRow> ks = r.kills().stream().filter(k -> k.idempotent() == idempotent).toList();
                if (ks.isEmpty()) {
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "| %s | %d | %d / %d | %d | %d | %d | %s | %s / %s / %s | "
                                + "%s / %s / %s | %s |%n", ks.get(0).operation(), ks.size(),
                        ks.stream().mapToInt(KillRow::done).sum(),
                        ks.stream().mapToInt(KillRow::runs).sum(), ks.stream().mapToInt(KillRow::failed).sum(),
                        ks.stream().mapToInt(k -> Math.max(0, k.lost())).sum(),
                        ks.stream().mapToLong(KillRow::duplicates).sum(),
                        ks.stream().allMatch(KillRow::partition) ? "yes" : "NO",
                        ms(median(ks, KillRow::killToForgottenNanos)), ms(min(ks, KillRow::killToForgottenNanos)),
                        ms(max(ks, KillRow::killToForgottenNanos)), ms(median(ks, KillRow::killToEndNanos)),
                        ms(min(ks, KillRow::killToEndNanos)), ms(max(ks, KillRow::killToEndNanos)),
                        idempotent ? "" : ms(median(ks, KillRow::killToLastFailureNanos)) + " / "
                                + ms(min(ks, KillRow::killToLastFailureNanos)) + " / "
                                + ms(max(ks, KillRow::killToLastFailureNanos))));
            }
            sb.append("\nEach round:\n\n| operation | round | in flight on the victim at the kill | lost | done | "
                    + "failed (naming the victim) | kill → taken as lost (ms) | kill → end (ms) "
                    + "| kill → last failure (ms) | note |\n");
            sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
            for (KillRow k : r.kills()) {
                sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d (%d) | %s | %s | %s | %s |%n",
                        k.operation(), k.round(), k.inFlightAtKill(), k.lost(), k.done(), k.failed(),
                        k.lostWithVictim(), ms(k.killToForgottenNanos()), ms(k.killToEndNanos()),
                        ms(k.killToLastFailureNanos()),
                        k.note().replace("|", "\\|")));
            }
            sb.append('\n');
        }
        if (!r.delivery().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "## Delivery: own acknowledgements vs Pekko's work pulling%n%nTwo "
                            + "Pekko typed actor systems in the report's JVM, members of one cluster over Artery TCP "
                            + "on 127.0.0.1 (actors on virtual threads, Java serialization off), a producer in one, a "
                            + "consumer in the other; the messages shaped like Weft's (`RunOp`-like job: id, "
                            + "operation name, CBOR bytes, reply reference; `Done`-like reply), bound to "
                            + "`jackson-cbor`. %,d messages a round, %d untimed rounds (after one message that lets "
                            + "the work-pulling producer find its consumer), %d timed.%n%n", o.deliveryMessages(),
                    o.warmup(), o.rounds()));
            for (DeliveryBench.Variant v : o.deliveryVariants()) {
                sb.append("- `").append(v.id()).append("`: ").append(v.description()).append('\n');
            }
            sb.append("\n| mechanism | window | messages | median (ms) | min (ms) | msg/s (median) | msg/s (best) |\n");
            sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (DeliveryRow d : r.delivery()) {
                sb.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %.1f | %.1f | %,.0f | %,.0f |%n",
                        d.variant().id(), d.window(), d.messages(), d.timings().median() / 1e6,
                        d.timings().min() / 1e6, d.perSecond(), d.bestPerSecond()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
