package dev.weft.bench;

import dev.weft.scope.Priority;
import dev.weft.scope.Scope;
import dev.weft.scope.ScopeOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * {@value #TASKS} tasks that each sleep {@value #SLEEP_MS} ms, at most {@value #LIMIT} at a time: Weft's
 * {@code maxConcurrency} side by side with a virtual-thread-per-task executor whose submissions a
 * {@link Semaphore} limits. The lower bound on wall time is TASKS / LIMIT x SLEEP_MS = 1 s.
 *
 * <p>Peak heap: the heap pools' peaks are reset before each iteration and their peak usage summed after it, printed
 * as {@code peak heap <benchmark>: N MiB (per-pool peaks)} (an upper bound: the pools may peak at different moments).
 * Most of it is young-generation garbage awaiting collection, so it tracks the allocation rate as much as the live set;
 * the old-generation peak is the better view of what survived.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "-Xms2g", "-Xmx2g"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class MillionSleepersBenchmark {
    static final int TASKS = 1_000_000;
    static final int LIMIT = 10_000;
    static final long SLEEP_MS = 10;

    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).toList();

    @Setup(Level.Iteration)
    public void resetPeaks() {
        System.gc();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    @TearDown(Level.Iteration)
    public void reportPeaks(BenchmarkParams params) {
        long bytes = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        StringBuilder pools = new StringBuilder();
        for (MemoryPoolMXBean p : heapPools) {
            pools.append(pools.isEmpty() ? "" : ", ").append(p.getName()).append(' ')
                    .append(p.getPeakUsage().getUsed() >> 20);
        }
        System.out.println("peak heap " + name + ": " + (bytes >> 20) + " MiB (" + pools + ")");
    }

    private static Object sleep() throws InterruptedException {
        Thread.sleep(SLEEP_MS); // the workload being measured, not synchronisation
        return null;
    }

    @Benchmark
    public Object weftMaxConcurrency() throws InterruptedException {
        try (var scope = Scope.open(ScopeOptions.defaults().withMaxConcurrency(LIMIT))) {
            for (int i = 0; i < TASKS; i++) {
                scope.fork(MillionSleepersBenchmark::sleep);
            }
            return scope.join();
        }
    }

    /**
     * {@link #weftMaxConcurrency()} with {@code fork(name, priority, task)}, priorities LOW, NORMAL, HIGH in turn:
     * up to {@value #LIMIT} more tasks wait for a slot on threads of their own (maxWaitingForks defaults to the
     * limit), so memory stays bounded by twice the limit, not by the million forks.
     */
    @Benchmark
    public Object weftPrioritisedMaxConcurrency() throws InterruptedException {
        Priority[] priorities = {Priority.LOW, Priority.NORMAL, Priority.HIGH};
        try (var scope = Scope.open(ScopeOptions.defaults().withMaxConcurrency(LIMIT))) {
            for (int i = 0; i < TASKS; i++) {
                scope.fork(null, priorities[i % 3], MillionSleepersBenchmark::sleep);
            }
            return scope.join();
        }
    }

    @Benchmark
    public void semaphoreLimitedExecutor() throws InterruptedException {
        Semaphore permits = new Semaphore(LIMIT);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < TASKS; i++) {
                permits.acquire();
                executor.submit(() -> {
                    try {
                        return sleep();
                    } finally {
                        permits.release();
                    }
                });
            }
        }
    }
}
