package dev.weft.bench;

import dev.weft.lock.LockSet;
import dev.weft.lock.OrderedLock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One operation = take four locks, add one to four counters they guard, release the four locks. Weft's
 * {@link LockSet#acquire(Duration)} of a 4-lock set (rank order, timed {@code tryLock}, order check, holder
 * bookkeeping) side by side with the best case a careful programmer writes by hand: four plain {@link ReentrantLock}s
 * nested with {@code lock()} in one fixed order and released in reverse.
 *
 * <p>{@code uncontended*}: one thread, its own locks. {@code contended*}: two threads (the machine this was written
 * on has two cores) hammering the same four locks, the critical section being the four increments; each method has its
 * own locks, so the two variants never contend with each other.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview"})
public class LockSetBenchmark {
    /** Long enough never to expire in a benchmark; a constant, so no Duration is built per operation. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Four locks of each kind and the counters they guard. */
    public static class Locks {
        final OrderedLock o1 = new OrderedLock("l1");
        final OrderedLock o2 = new OrderedLock("l2");
        final OrderedLock o3 = new OrderedLock("l3");
        final OrderedLock o4 = new OrderedLock("l4");
        // given in scrambled order on purpose: LockSet.of sorts them once, up front
        final LockSet set = LockSet.of(o3, o1, o4, o2);
        final ReentrantLock r1 = new ReentrantLock();
        final ReentrantLock r2 = new ReentrantLock();
        final ReentrantLock r3 = new ReentrantLock();
        final ReentrantLock r4 = new ReentrantLock();
        long c1;
        long c2;
        long c3;
        long c4;

        long work() {
            c1++;
            c2++;
            c3++;
            return ++c4;
        }

        long lockSet() throws InterruptedException {
            try (var _ = set.acquire(TIMEOUT)) {
                return work();
            }
        }

        long nested() {
            r1.lock();
            try {
                r2.lock();
                try {
                    r3.lock();
                    try {
                        r4.lock();
                        try {
                            return work();
                        } finally {
                            r4.unlock();
                        }
                    } finally {
                        r3.unlock();
                    }
                } finally {
                    r2.unlock();
                }
            } finally {
                r1.unlock();
            }
        }
    }

    /** Per-thread locks: nobody else ever touches them. */
    @State(org.openjdk.jmh.annotations.Scope.Thread)
    public static class Own extends Locks {
    }

    /** Locks shared by every benchmark thread. */
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Shared extends Locks {
    }

    @Benchmark
    @Threads(1)
    public long uncontendedLockSet(Own s) throws InterruptedException {
        return s.lockSet();
    }

    @Benchmark
    @Threads(1)
    public long uncontendedNestedLock(Own s) {
        return s.nested();
    }

    @Benchmark
    @Threads(2)
    public long contendedLockSet(Shared s) throws InterruptedException {
        return s.lockSet();
    }

    @Benchmark
    @Threads(2)
    public long contendedNestedLock(Shared s) {
        return s.nested();
    }
}
