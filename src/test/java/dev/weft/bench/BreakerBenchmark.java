package dev.weft.bench;

import dev.weft.breaker.Breakers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a circuit breaker costs per call: a trivial call made directly, through Weft's {@code Breakers.callable} (which
 * drives Resilience4j's permission protocol itself, to give cancelled calls' permissions back), and through
 * Resilience4j's own {@code CircuitBreaker.decorateCallable}, with a default breaker (count-based window of 100)
 * that stays closed. {@code *1}: one thread; {@code *2}: two threads (the machine has two cores) sharing one breaker,
 * so they contend on its sliding window's lock.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview"})
public class BreakerBenchmark {

    /** One breaker and the three ways to call through it, shared by the threads of a benchmark. */
    @State(Scope.Benchmark)
    public static class Calls {
        final CircuitBreaker breaker = CircuitBreaker.ofDefaults("bench");
        long counter;
        final Callable<Long> plain = () -> counter++;
        final Callable<Long> weft = Breakers.callable(breaker, "bench call", plain);
        final Callable<Long> resilience4j = CircuitBreaker.decorateCallable(breaker, plain);
    }

    @Benchmark
    @Threads(1)
    public Long direct1(Calls c) throws Exception {
        return c.plain.call();
    }

    @Benchmark
    @Threads(1)
    public Long weft1(Calls c) throws Exception {
        return c.weft.call();
    }

    @Benchmark
    @Threads(1)
    public Long resilience4j1(Calls c) throws Exception {
        return c.resilience4j.call();
    }

    @Benchmark
    @Threads(2)
    public Long weft2(Calls c) throws Exception {
        return c.weft.call();
    }

    @Benchmark
    @Threads(2)
    public Long resilience4j2(Calls c) throws Exception {
        return c.resilience4j.call();
    }
}
