package dev.weft.bench;

import dev.weft.lock.DeadlockDetector;
import dev.weft.lock.DeadlockException;
import dev.weft.lock.LockSet;
import dev.weft.lock.OrderedLock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Detection latency of a running {@link DeadlockDetector} with policy BREAK: one operation closes a two-lock deadlock
 * and ends when the detector has found it and failed the victim's wait. Before each operation a second thread holds
 * lock {@code a} and waits for lock {@code b}, which the benchmark thread holds; the operation asks for {@code a}
 * (out of order), which closes the cycle. Its wait is the youngest, so it is the victim: the operation's time is the
 * time from the cycle forming to its {@link DeadlockException} (detection, confirmation, the interrupt and the wake),
 * then the release of {@code b}. Expected: about half a period on average, at most a period plus a round.
 * Sample mode gives the percentiles; the goal is a cycle found within 100 ms with continuous detection on.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview"})
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class DeadlockDetectionBenchmark {
    static final Duration LONG = Duration.ofSeconds(60);

    /** The detector's period. */
    @Param({"10", "20", "50"})
    public int periodMillis;

    private DeadlockDetector detector;
    private OrderedLock a;
    private OrderedLock b;
    private LockSet.Held heldB;
    private Thread other;

    @Setup(Level.Trial)
    public void startDetector() {
        detector = DeadlockDetector.start(DeadlockDetector.Options.defaults()
                .withPeriod(Duration.ofMillis(periodMillis)).withPolicy(DeadlockDetector.Policy.BREAK)
                .withListener(_ -> { })); // no log line per deadlock
    }

    /** This thread holds b; the other holds a and waits for b. */
    @Setup(Level.Invocation)
    public void halfACycle() throws InterruptedException {
        a = new OrderedLock("a");
        b = new OrderedLock("b");
        heldB = LockSet.of(b).acquire(LONG);
        CountDownLatch holdsA = new CountDownLatch(1);
        OrderedLock la = a;
        OrderedLock lb = b;
        other = Thread.ofVirtual().start(() -> {
            try (var _ = LockSet.of(la).acquire(LONG)) {
                holdsA.countDown();
                try (var _ = LockSet.of(lb).allowingOutOfOrder().acquire(LONG)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        holdsA.await();
        while (!b.hasQueuedThread(other)) { // until it waits for b
            Thread.onSpinWait();
        }
    }

    @Benchmark
    public Object closeTheCycleAndAwaitItsBreaking() throws InterruptedException {
        try (var _ = LockSet.of(a).allowingOutOfOrder().acquire(LONG)) {
            throw new AssertionError("no deadlock detected within " + LONG);
        } catch (DeadlockException e) {
            return e;
        } finally {
            heldB.close();
        }
    }

    @TearDown(Level.Invocation)
    public void awaitTheOther() throws InterruptedException {
        other.join();
    }

    @TearDown(Level.Trial)
    public void stopDetector() {
        detector.close();
    }
}
