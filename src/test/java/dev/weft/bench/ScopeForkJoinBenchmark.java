package dev.weft.bench;

import dev.weft.metrics.Metrics;
import dev.weft.scope.Scope;
import dev.weft.scope.ScopeOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.StructuredTaskScope;
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

/**
 * Forks and joins {@value #TASKS} trivial tasks; one operation is all of them. Weft's {@link Scope#open()} side by side
 * with the JDK's preview {@link StructuredTaskScope#open()} it is built on, a virtual-thread-per-task executor, and a
 * fixed platform pool of 2 x availableProcessors threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class ScopeForkJoinBenchmark {
    static final int TASKS = 100_000;
    private static final Callable<Integer> TRIVIAL = () -> 42;

    private ExecutorService platformPool;
    private final Metrics metrics = Metrics.simple();

    @Setup(Level.Trial)
    public void startPool() {
        platformPool = Executors.newFixedThreadPool(2 * Runtime.getRuntime().availableProcessors());
    }

    @TearDown(Level.Trial)
    public void stopPool() {
        platformPool.close();
    }

    @Benchmark
    public Object weftScope() throws InterruptedException {
        try (var scope = Scope.open()) {
            for (int i = 0; i < TASKS; i++) {
                scope.fork(TRIVIAL);
            }
            return scope.join();
        }
    }

    /** {@link #weftScope()} recording into a {@link Metrics#simple()} registry: what metrics cost per task. */
    @Benchmark
    public Object weftScopeWithMetrics() throws InterruptedException {
        try (var scope = Scope.open(ScopeOptions.named("bench").withObserver(metrics))) {
            for (int i = 0; i < TASKS; i++) {
                scope.fork(TRIVIAL);
            }
            return scope.join();
        }
    }

    @Benchmark
    public Object jdkStructuredTaskScope() throws InterruptedException {
        try (var scope = StructuredTaskScope.<Integer>open()) {
            for (int i = 0; i < TASKS; i++) {
                scope.fork(TRIVIAL);
            }
            return scope.join();
        }
    }

    @Benchmark
    public long virtualThreadPerTaskExecutor() throws Exception {
        long sum = 0;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            @SuppressWarnings("unchecked") Future<Integer>[] futures = (Future<Integer>[]) new Future<?>[TASKS];
            for (int i = 0; i < TASKS; i++) {
                futures[i] = executor.submit(TRIVIAL);
            }
            for (Future<Integer> f : futures) {
                sum += f.get();
            }
        }
        return sum;
    }

    @Benchmark
    public long fixedPlatformPool() throws Exception {
        @SuppressWarnings("unchecked") Future<Integer>[] futures = (Future<Integer>[]) new Future<?>[TASKS];
        for (int i = 0; i < TASKS; i++) {
            futures[i] = platformPool.submit(TRIVIAL);
        }
        long sum = 0;
        for (Future<Integer> f : futures) {
            sum += f.get();
        }
        return sum;
    }
}
