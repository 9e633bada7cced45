package dev.weft.bench;

import dev.weft.scope.Priority;
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
 * Forks and joins {@value #TASKS} trivial tasks in a scope with {@code maxConcurrency = limit}; one operation is all
 * of them. Plain {@code fork(task)}, whose owner parks while every slot is taken, side by side with
 * {@code fork(name, priority, task)} (priorities LOW, NORMAL, HIGH in turn), whose tasks wait for a slot on threads of
 * their own (up to {@code maxWaitingForks}, here the limit) and are admitted by priority. With {@code limit = 1000} a
 * slot is nearly always free: the fast path, where a prioritised fork must cost what a plain one does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class PriorityForkBenchmark {
    static final int TASKS = 100_000;
    private static final Callable<Integer> TRIVIAL = () -> 42;
    private static final Priority[] PRIORITIES = {Priority.LOW, Priority.NORMAL, Priority.HIGH};

    /** The scope's concurrency limit: 4 keeps the slots full (forks wait), 1000 mostly finds one free. */
    @Param({"4", "1000"})
    public int limit;

    @Benchmark
    public Object plainFork() throws InterruptedException {
        try (var scope = Scope.open(ScopeOptions.defaults().withMaxConcurrency(limit))) {
            for (int i = 0; i < TASKS; i++) {
                scope.fork(TRIVIAL);
            }
            return scope.join();
        }
    }

    @Benchmark
    public Object prioritisedFork() throws InterruptedException {
        try (var scope = Scope.open(ScopeOptions.defaults().withMaxConcurrency(limit))) {
            for (int i = 0; i < TASKS; i++) {
                scope.fork(null, PRIORITIES[i % 3], TRIVIAL);
            }
            return scope.join();
        }
    }
}
