package dev.weft.bench;

import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Attribution for {@link ScopeForkJoinBenchmark}: the JDK's {@link StructuredTaskScope} forking 100,000 trivial
 * tasks, plus one of the per-task costs Weft's {@code Scope.fork} / {@code TaskImpl.call} add, imitated outside Weft
 * (src/main is not touched): {@code liveSet} (ConcurrentHashMap key-set add by the owner, remove by the task, and an
 * AtomicInteger inc/dec), {@code scopedValue} (the body called inside {@code ScopedValue.where(..).call}),
 * {@code nanoTime} (a per-task record stamped with System.nanoTime at fork and at end), or {@code all} of them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class ForkOverheadBenchmark {
    private static final ScopedValue<Object> CURRENT = ScopedValue.newInstance();
    private static final Callable<Integer> TRIVIAL = () -> 42;

    @Param({"none", "liveSet", "scopedValue", "nanoTime", "all"})
    public String extra;

    /** Stands in for TaskImpl: a record of the task with fork/end timestamps. */
    static final class Rec {
        final long forkedNanos = System.nanoTime();
        volatile long endNanos;
        volatile Object value;
    }

    @Benchmark
    public Object jdkPlusExtra() throws InterruptedException {
        boolean live = extra.equals("liveSet") || extra.equals("all");
        boolean sv = extra.equals("scopedValue") || extra.equals("all");
        boolean nanos = extra.equals("nanoTime") || extra.equals("all");
        Set<Object> liveSet = ConcurrentHashMap.newKeySet();
        AtomicInteger running = new AtomicInteger();
        try (var scope = StructuredTaskScope.<Object>open()) {
            for (int i = 0; i < ScopeForkJoinBenchmark.TASKS; i++) {
                Object rec = nanos ? new Rec() : new Object();
                if (live) {
                    running.incrementAndGet();
                    liveSet.add(rec);
                }
                scope.fork(() -> {
                    Object v = sv ? ScopedValue.where(CURRENT, rec).call(TRIVIAL::call) : TRIVIAL.call();
                    if (nanos) {
                        Rec r = (Rec) rec;
                        r.value = v;
                        r.endNanos = System.nanoTime();
                    }
                    if (live) {
                        liveSet.remove(rec);
                        running.decrementAndGet();
                    }
                    return v;
                });
            }
            return scope.join();
        }
    }
}
