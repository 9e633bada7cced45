package dev.weft.bench;

import dev.weft.component.Component;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import dev.weft.component.SharedInbox;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Issue 19: load-balanced consumers. One operation = a batch of {@value #JOBS} jobs handed out to {@code consumers}
 * workers and run to the end (ms per batch), three ways side by side:
 *
 * <ul>
 *   <li>{@code sharedInbox}: {@code consumers} components attached to one {@link SharedInbox} of capacity
 *       {@value #CAPACITY}, each running the jobs it receives ({@code for (Object m : messages())}); the benchmark's
 *       thread sends the batch into the shared inbox (waiting while it is full).</li>
 *   <li>{@code workStealingPool}: {@link Executors#newWorkStealingPool(int)} of {@code consumers} threads; the batch is
 *       submitted as {@value #JOBS} tasks (its queues are unbounded: no backpressure).</li>
 *   <li>{@code blockingQueue}: seed 002's "Queue.Queue" by hand: {@code consumers} plain virtual threads taking from
 *       one {@link ArrayBlockingQueue} of capacity {@value #CAPACITY}.</li>
 * </ul>
 *
 * <p>A job is {@code work}: {@code cpu}, {@link Blackhole#consumeCPU} of {@value #CPU_TOKENS} tokens (about a
 * microsecond); or {@code park}, {@link LockSupport#parkNanos} of {@value #PARK_NANOS} ns (a short wait for I/O; on
 * Linux a park lasts at least some 50 µs). Each job counts down the batch's latch when done; the operation ends when
 * the latch opens. The consumers, the pool and the queue's threads live for the whole trial, so an operation measures
 * handing out and running the jobs, not starting workers. {@code consumers} 2 (the cores of the machine this was
 * written on) and 8.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview"})
@State(Scope.Benchmark)
public class SharedInboxBenchmark {
    static final int JOBS = 10_000;
    static final int CAPACITY = 256;
    static final long CPU_TOKENS = 400;
    static final long PARK_NANOS = 10_000;

    @Param({"2", "8"})
    public int consumers;

    @Param({"cpu", "park"})
    public String work;

    /** One job of a batch: runs the work, then counts down the batch's latch. */
    record Job(CountDownLatch done, boolean park) implements Runnable {
        @Override
        public void run() {
            if (park) {
                LockSupport.parkNanos(PARK_NANOS);
            } else {
                Blackhole.consumeCPU(CPU_TOKENS);
            }
            done.countDown();
        }
    }

    /** A consumer component: runs each job it receives, until the shared inbox is finished and drained. */
    static final class Worker extends Component {
        Worker(int i) {
            super("worker-" + i);
        }

        @Override
        protected void main() {
            for (Object m : messages()) {
                ((Runnable) m).run();
            }
        }
    }

    /** Ends a blocking-queue consumer. */
    private static final Runnable POISON = () -> { };

    private SharedInbox jobs;
    private Thread owner;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private ExecutorService pool;
    private BlockingQueue<Runnable> queue;
    private final List<Thread> takers = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        jobs = SharedInbox.create("jobs", CAPACITY);
        CountDownLatch started = new CountDownLatch(1);
        // The components' system is owned by a thread of its own: JMH may call setup, the benchmark and teardown from
        // different threads, and a system is owner-confined.
        owner = Thread.ofPlatform().name("shared inbox owner").start(() -> {
            try (ComponentSystem system = Components.open(Components.Options.defaults().withName("bench"))) {
                for (int i = 0; i < consumers; i++) {
                    Worker w = new Worker(i);
                    jobs.attach(w);
                    system.start(w);
                }
                started.countDown();
                system.join();
            } catch (Throwable t) {
                failure.set(t);
                started.countDown();
            }
        });
        started.await();
        pool = Executors.newWorkStealingPool(consumers);
        queue = new ArrayBlockingQueue<>(CAPACITY);
        for (int i = 0; i < consumers; i++) {
            takers.add(Thread.ofVirtual().name("taker-" + i).start(() -> {
                try {
                    for (Runnable r; (r = queue.take()) != POISON; ) {
                        r.run();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        jobs.finish();
        owner.join();
        pool.shutdown();
        if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("work-stealing pool did not end");
        }
        for (int i = 0; i < takers.size(); i++) {
            queue.put(POISON);
        }
        for (Thread t : takers) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("shared inbox consumers failed", failure.get());
        }
    }

    private boolean park() {
        return work.equals("park");
    }

    @Benchmark
    public void sharedInbox() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(JOBS);
        boolean park = park();
        for (int i = 0; i < JOBS; i++) {
            jobs.send(new Job(done, park));
        }
        done.await();
    }

    @Benchmark
    public void workStealingPool() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(JOBS);
        boolean park = park();
        for (int i = 0; i < JOBS; i++) {
            pool.execute(new Job(done, park));
        }
        done.await();
    }

    @Benchmark
    public void blockingQueue() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(JOBS);
        boolean park = park();
        for (int i = 0; i < JOBS; i++) {
            queue.put(new Job(done, park));
        }
        done.await();
    }
}
