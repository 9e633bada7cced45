package dev.weft.bench;

import dev.weft.adapt.AdaptiveLimit;
import dev.weft.adapt.Goal;
import dev.weft.adapt.Limits;
import dev.weft.scope.Scope;
import dev.weft.scope.ScopeOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a moving limit costs a scope (issue 17): forks and joins {@value #TASKS} trivial tasks under a fixed
 * {@code maxConcurrency = limit} (the peer), and under an {@link AdaptiveLimit} for {@link Goal#SPEED} whose ceiling
 * and start are the same {@code limit} (so both admit the same number at once: the difference is the cost of the
 * moving limit's bookkeeping, a report and a lock per task end, plus timing each task). One operation is all of them.
 * Prioritised forks in both, as the orchestrator makes them (each waiting fork on a thread of its own).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class AdaptiveLimitBenchmark {
    static final int TASKS = 100_000;
    private static final Callable<Integer> TRIVIAL = () -> 42;

    /** 4 keeps every slot full (forks wait); 1000 mostly finds one free. */
    @Param({"4", "1000"})
    public int limit;

    @Benchmark
    public Object fixedLimit() throws InterruptedException {
        try (var scope = Scope.open(ScopeOptions.defaults().withMaxConcurrency(limit))) {
            for (int i = 0; i < TASKS; i++) {
                scope.fork(null, dev.weft.scope.Priority.NORMAL, TRIVIAL);
            }
            return scope.join();
        }
    }

    @Benchmark
    public Object adaptiveSpeedLimit() throws InterruptedException {
        try (AdaptiveLimit moving = AdaptiveLimit.start(Goal.SPEED,
                Limits.none().withMaxInFlight(limit).withInitialLimit(limit));
             var scope = Scope.open(ScopeOptions.defaults().withMaxConcurrency(limit).withConcurrencyLimit(moving))) {
            for (int i = 0; i < TASKS; i++) {
                scope.fork(null, dev.weft.scope.Priority.NORMAL, TRIVIAL);
            }
            return scope.join();
        }
    }
}
