package dev.weft.bench.cluster;

/**
 * One configuration of the fan-out throughput part: the fan-out flow ({@code dev.weft.demo.cluster.FanOut}) with
 * {@code runs} runs of {@code fanout.io}, each {@code ms} milliseconds of simulated I/O, on {@code workers} worker
 * JVMs (0: the same flow run by the orchestrator in the report's own JVM, no cluster).
 *
 * @param workers worker JVMs (0: local, one JVM)
 * @param runs    operation runs per round
 * @param ms      simulated I/O per run, milliseconds
 * @param warmup  untimed rounds before the timed ones
 * @param timings the timed rounds
 * @param perWorker runs each worker answered over the timed rounds, in start order (empty when local)
 */
public record FanOutRow(int workers, int runs, int ms, int warmup, Timings timings, java.util.List<Long> perWorker) {
    /** Copies the list. */
    public FanOutRow {
        perWorker = java.util.List.copyOf(perWorker);
    }

    /** "local (1 JVM)" or "N worker JVMs". */
    public String where() {
        return workers == 0 ? "local (1 JVM)" : workers + (workers == 1 ? " worker JVM" : " worker JVMs");
    }

    /** Runs per second at the median round. */
    public double runsPerSecond() {
        return timings.perSecond(runs);
    }

    /** Runs per second at the fastest round. */
    public double bestRunsPerSecond() {
        return timings.bestPerSecond(runs);
    }
}
