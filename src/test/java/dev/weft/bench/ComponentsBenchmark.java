package dev.weft.bench;

import com.softwaremill.jox.Channel;
import dev.weft.component.Component;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import dev.weft.component.Pipeline;
import dev.weft.metrics.Metrics;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 14's measurements of components ({@code dev.weft.component}), each side by side with the same shape on Jox
 * channels ({@code com.softwaremill.jox:channels}, a test-scope comparator) and on {@link ArrayBlockingQueue}s
 * between plain virtual threads. Four groups, each a nested class (run one with {@code ./weft bench
 * ComponentsBenchmark.Pairs} and so on):
 *
 * <ul>
 *   <li>{@link Pairs} and {@link Chain}: Jox's own JMH shapes ({@code ParallelBenchmark}, {@code ChainedBenchmark} in
 *       Jox's {@code bench/bench-java}): {@value #OPS} send-receive pairs per invocation, in ns per pair. Pairs:
 *       {@code parallelism} (10,000) producer/consumer pairs, each on its own channel, each pair moving
 *       {@code OPS / parallelism} messages. Chain: {@code stages} (10,000) channels and one thread more, a producer
 *       into the first, each middle thread forwarding from one channel to the next, a consumer on the last; each of
 *       {@code OPS / stages} messages crosses every channel. Capacities 16 and 100 ({@code @Param capacity}). For Weft
 *       every thread is a component started in one {@link ComponentSystem}, every channel a linkage from an
 *       {@code "outbox"} into an inbox of that capacity, and the invocation ends when the system's {@code join()}
 *       returns; the other two start their virtual threads and wait for the consumers as Jox's benchmarks do. Setup
 *       (creating and linking the components or channels, starting the threads) is inside the measurement for all
 *       three, as in Jox's.</li>
 *   <li>{@link Idle}: {@code components} (100,000) started components each parked in {@code receive()}: heap per
 *       component (used heap after a full GC, minus the same before, divided by the count) and the process's CPU while
 *       they sit idle for {@code idleSeconds} after {@code settleSeconds} (from {@code ProcessCpuTime}, in % of one
 *       core), with the CPU of the
 *       same idle window before they started as a baseline; side by side with as many plain virtual threads parked
 *       in {@link ArrayBlockingQueue#take()}. The figures are JMH secondary results ({@code :heapBytesPerThing},
 *       {@code :idleCpuPercent}, {@code :baselineCpuPercent}) and are printed; the primary score (one shot's wall
 *       time, mostly the idle wait and the system's close) means nothing.</li>
 *   <li>{@link TransformerPipeline}: a source, {@value TransformerPipeline#STAGES} transformers and a sink in a
 *       {@link Pipeline} (default inboxes of {@value Component#DEFAULT_CAPACITY}; shutdown by
 *       {@code ProducerFinished} down the chain), in messages per second; run with {@code -prof gc}, JMH's
 *       {@code gc.alloc.rate.norm} is the allocation per message (the function allocates nothing, messages are one
 *       preallocated object, so what it shows is the components' own). Also with a {@link Metrics} observer
 *       attached, and the same 12 threads on Jox channels and on queues of capacity 64.</li>
 * </ul>
 *
 * <p>Defaults follow Jox's harness (3 x 4 s warm-up, 10 x 4 s measurement, 2 forks) for Pairs and Chain; see each
 * class. A smoke run: {@code ./weft bench 'ComponentsBenchmark.Pairs' -f 1 -wi 1 -i 1 -w 1 -r 1}.
 */
public class ComponentsBenchmark {
    /** Send-receive pairs per invocation of the Pairs and Chain shapes, as in Jox's benchmarks. */
    static final int OPS = 10_000_000;
    /** The message every shape sends (a cached boxed integer, as Jox's benchmarks send). */
    static final Integer MESSAGE = 91;
    /** The inbox the benchmark components receive on, declared with the capacity under test. */
    static final String DATA = "data";

    private ComponentsBenchmark() {
    }

    // ---- Weft components used by the shapes ----

    /** Sends {@code count} messages on "outbox". */
    static final class Producer extends Component {
        private final int count;

        Producer(int count) {
            super("producer");
            this.count = count;
        }

        @Override
        protected void main() throws InterruptedException {
            for (int i = 0; i < count; i++) {
                send(MESSAGE);
            }
        }
    }

    /** Receives {@code count} messages from "data" (of the given capacity), then ends. */
    static final class Consumer extends Component {
        private final int count;

        Consumer(int count, int capacity) {
            super("consumer");
            this.count = count;
            addInbox(DATA, capacity);
        }

        @Override
        protected void main() throws InterruptedException {
            for (int i = 0; i < count; i++) {
                receive(DATA);
            }
        }
    }

    /** Forwards {@code count} messages from "data" (of the given capacity) to "outbox". */
    static final class Forwarder extends Component {
        private final int count;

        Forwarder(int count, int capacity) {
            super("stage");
            this.count = count;
            addInbox(DATA, capacity);
        }

        @Override
        protected void main() throws InterruptedException {
            for (int i = 0; i < count; i++) {
                send(receive(DATA));
            }
        }
    }

    private static void startVirtual(List<Thread> threads, AtomicReference<Throwable> failure, Body body) {
        threads.add(Thread.startVirtualThread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }));
    }

    /** A thread's body that may be interrupted. */
    @FunctionalInterface
    interface Body {
        void run() throws InterruptedException;
    }

    private static void joinAll(List<Thread> threads, AtomicReference<Throwable> failure) throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a benchmark thread failed", failure.get());
        }
    }

    // ---- Jox's shapes ----

    /** {@code parallelism} producer/consumer pairs, each on its own channel; ns per message sent and received. */
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 4)
    @Measurement(iterations = 10, time = 4)
    @Fork(value = 2, jvmArgsAppend = {"--enable-preview"})
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Pairs {
        @Param({"16", "100"})
        public int capacity;

        @Param({"10000"})
        public int parallelism;

        @Benchmark
        @OperationsPerInvocation(OPS)
        public void weftComponents() throws InterruptedException {
            int each = OPS / parallelism;
            try (ComponentSystem system = Components.open(Components.Options.defaults().withName("pairs"))) {
                for (int t = 0; t < parallelism; t++) {
                    Producer producer = new Producer(each);
                    Consumer consumer = new Consumer(each, capacity);
                    Components.link(producer, Component.OUTBOX, consumer, DATA);
                    system.start(consumer).start(producer);
                }
                system.join();
            }
        }

        @Benchmark
        @OperationsPerInvocation(OPS)
        public void joxChannels() throws InterruptedException {
            int each = OPS / parallelism;
            CountDownLatch done = new CountDownLatch(parallelism);
            List<Thread> threads = new ArrayList<>(2 * parallelism);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int t = 0; t < parallelism; t++) {
                Channel<Integer> ch = Channel.newBufferedChannel(capacity);
                startVirtual(threads, failure, () -> {
                    for (int i = 0; i < each; i++) {
                        ch.send(MESSAGE);
                    }
                });
                startVirtual(threads, failure, () -> {
                    for (int i = 0; i < each; i++) {
                        ch.receive();
                    }
                    done.countDown();
                });
            }
            done.await();
            joinAll(threads, failure);
        }

        @Benchmark
        @OperationsPerInvocation(OPS)
        public void arrayBlockingQueues() throws InterruptedException {
            int each = OPS / parallelism;
            CountDownLatch done = new CountDownLatch(parallelism);
            List<Thread> threads = new ArrayList<>(2 * parallelism);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int t = 0; t < parallelism; t++) {
                BlockingQueue<Integer> q = new ArrayBlockingQueue<>(capacity);
                startVirtual(threads, failure, () -> {
                    for (int i = 0; i < each; i++) {
                        q.put(MESSAGE);
                    }
                });
                startVirtual(threads, failure, () -> {
                    for (int i = 0; i < each; i++) {
                        q.take();
                    }
                    done.countDown();
                });
            }
            done.await();
            joinAll(threads, failure);
        }
    }

    /** A chain of {@code stages} channels and {@code stages + 1} threads; ns per message sent and received. */
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 4)
    @Measurement(iterations = 10, time = 4)
    @Fork(value = 2, jvmArgsAppend = {"--enable-preview"})
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Chain {
        @Param({"16", "100"})
        public int capacity;

        @Param({"10000"})
        public int stages;

        @Benchmark
        @OperationsPerInvocation(OPS)
        public void weftComponents() throws InterruptedException {
            int each = OPS / stages;
            try (ComponentSystem system = Components.open(Components.Options.defaults().withName("chain"))) {
                Component previous = new Producer(each);
                List<Component> all = new ArrayList<>(stages + 1);
                all.add(previous);
                for (int t = 1; t <= stages; t++) {
                    Component next = t < stages ? new Forwarder(each, capacity) : new Consumer(each, capacity);
                    Components.link(previous, Component.OUTBOX, next, DATA);
                    all.add(next);
                    previous = next;
                }
                for (int i = all.size() - 1; i >= 0; i--) {
                    system.start(all.get(i)); // consumers first, as the other two start their threads in order
                }
                system.join();
            }
        }

        @Benchmark
        @OperationsPerInvocation(OPS)
        public void joxChannels() throws InterruptedException {
            int each = OPS / stages;
            List<Channel<Integer>> channels = new ArrayList<>(stages);
            for (int i = 0; i < stages; i++) {
                channels.add(Channel.newBufferedChannel(capacity));
            }
            List<Thread> threads = new ArrayList<>(stages + 1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Channel<Integer> first = channels.getFirst();
            startVirtual(threads, failure, () -> {
                for (int i = 0; i < each; i++) {
                    first.send(MESSAGE);
                }
            });
            for (int t = 1; t < stages; t++) {
                Channel<Integer> in = channels.get(t - 1);
                Channel<Integer> out = channels.get(t);
                startVirtual(threads, failure, () -> {
                    for (int i = 0; i < each; i++) {
                        out.send(in.receive());
                    }
                });
            }
            Channel<Integer> last = channels.getLast();
            startVirtual(threads, failure, () -> {
                for (int i = 0; i < each; i++) {
                    last.receive();
                }
            });
            joinAll(threads, failure);
        }

        @Benchmark
        @OperationsPerInvocation(OPS)
        public void arrayBlockingQueues() throws InterruptedException {
            int each = OPS / stages;
            List<BlockingQueue<Integer>> queues = new ArrayList<>(stages);
            for (int i = 0; i < stages; i++) {
                queues.add(new ArrayBlockingQueue<>(capacity));
            }
            List<Thread> threads = new ArrayList<>(stages + 1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            BlockingQueue<Integer> first = queues.getFirst();
            startVirtual(threads, failure, () -> {
                for (int i = 0; i < each; i++) {
                    first.put(MESSAGE);
                }
            });
            for (int t = 1; t < stages; t++) {
                BlockingQueue<Integer> in = queues.get(t - 1);
                BlockingQueue<Integer> out = queues.get(t);
                startVirtual(threads, failure, () -> {
                    for (int i = 0; i < each; i++) {
                        out.put(in.take());
                    }
                });
            }
            BlockingQueue<Integer> last = queues.getLast();
            startVirtual(threads, failure, () -> {
                for (int i = 0; i < each; i++) {
                    last.take();
                }
            });
            joinAll(threads, failure);
        }
    }

    // ---- idle components ----

    /**
     * {@code components} parked components (or virtual threads): heap per component and CPU while idle, reported as
     * secondary results; see {@link ComponentsBenchmark}. One shot per fork; the heap is fixed so that GC sizing does
     * not move between the two measurements.
     */
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(value = 1, jvmArgsAppend = {"--enable-preview", "-Xms2g", "-Xmx2g"})
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Idle {
        @Param({"100000"})
        public int components;

        /**
         * The idle window. {@code ProcessCpuTime} moves in clock ticks here (10 ms: 0.33 % of a core over 3 s), so
         * a short window reads as noise; 10 s resolves 0.1 %.
         */
        @Param({"10"})
        public int idleSeconds;

        /**
         * Seconds left unmeasured after the heap's full GC and before the idle window: G1's service thread works for
         * a second or two after a full GC of 100,000 parked threads (seen as ~7 % of a core in the first 2 s window,
         * ~0.5 % after), which is the heap measurement's cost, not the components'.
         */
        @Param({"3"})
        public int settleSeconds;

        /** The figures, as JMH secondary results (one shot: the values as measured). */
        @AuxCounters(AuxCounters.Type.EVENTS)
        @State(org.openjdk.jmh.annotations.Scope.Thread)
        public static class Figures {
            /** Used heap after a full GC with everything parked, minus before, per component or thread. */
            public long heapBytesPerThing;
            /** Process CPU while everything is parked, in % of one core. */
            public double idleCpuPercent;
            /** Process CPU over an equal window before anything started, in % of one core. */
            public double baselineCpuPercent;

            @Setup(Level.Iteration)
            public void clear() {
                heapBytesPerThing = 0;
                idleCpuPercent = 0;
                baselineCpuPercent = 0;
            }
        }

        /** A component that waits on its inbox until the system stops it. */
        static final class Sleeper extends Component {
            Sleeper() {
                super("sleeper");
            }

            @Override
            protected void main() throws InterruptedException {
                receive();
            }
        }

        @Benchmark
        public void weftComponents(Figures f) throws InterruptedException {
            f.baselineCpuPercent = idleCpuPercent(idleSeconds);
            long before = usedHeapAfterGc();
            List<Sleeper> all = new ArrayList<>(components);
            try (ComponentSystem system = Components.open(Components.Options.defaults().withName("idle"))) {
                for (int i = 0; i < components; i++) {
                    Sleeper s = new Sleeper();
                    all.add(s);
                    system.start(s);
                }
                for (Sleeper s : all) {
                    while (s.waitingOn().isEmpty()) {
                        LockSupport.parkNanos(100_000); // a benchmark's wait for the setup, not a test's sync
                    }
                }
                f.heapBytesPerThing = (usedHeapAfterGc() - before) / components;
                Thread.sleep(TimeUnit.SECONDS.toMillis(settleSeconds)); // see settleSeconds
                f.idleCpuPercent = idleCpuPercent(idleSeconds);
            }
            report("weftComponents", f, all.size());
        }

        @Benchmark
        public void virtualThreads(Figures f) throws InterruptedException {
            f.baselineCpuPercent = idleCpuPercent(idleSeconds);
            long before = usedHeapAfterGc();
            List<Thread> threads = new ArrayList<>(components);
            List<BlockingQueue<Object>> queues = new ArrayList<>(components);
            for (int i = 0; i < components; i++) {
                BlockingQueue<Object> q = new ArrayBlockingQueue<>(Component.DEFAULT_CAPACITY);
                queues.add(q);
                threads.add(Thread.startVirtualThread(() -> {
                    try {
                        q.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            for (Thread t : threads) {
                while (t.getState() != Thread.State.WAITING) {
                    LockSupport.parkNanos(100_000);
                }
            }
            f.heapBytesPerThing = (usedHeapAfterGc() - before) / components;
            Thread.sleep(TimeUnit.SECONDS.toMillis(settleSeconds)); // see settleSeconds
            f.idleCpuPercent = idleCpuPercent(idleSeconds);
            for (BlockingQueue<Object> q : queues) {
                q.add(MESSAGE);
            }
            for (Thread t : threads) {
                t.join();
            }
            report("virtualThreads", f, threads.size());
        }

        private static void report(String what, Figures f, int count) {
            System.out.printf("idle %s: %d parked, %d heap bytes each, CPU while idle %.3f %% of a core "
                    + "(baseline %.3f %%)%n", what, count, f.heapBytesPerThing, f.idleCpuPercent,
                    f.baselineCpuPercent);
        }

        private static long usedHeapAfterGc() {
            System.gc();
            System.gc();
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }

        /** The process's CPU time over {@code seconds} of wall time, in % of one core. */
        private static double idleCpuPercent(int seconds) throws InterruptedException {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds)); // the idle window being measured
            long cpu = os.getProcessCpuTime() - cpu0;
            long wall = System.nanoTime() - wall0;
            return 100.0 * cpu / wall;
        }
    }

    // ---- a pipeline of transformers ----

    /**
     * A source, {@value #STAGES} transformers and a sink: messages per second through all of them; with
     * {@code -prof gc}, bytes allocated per message ({@code gc.alloc.rate.norm}).
     */
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 3, time = 4)
    @Measurement(iterations = 5, time = 4)
    @Fork(value = 1, jvmArgsAppend = {"--enable-preview"})
    @State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class TransformerPipeline {
        static final int STAGES = 10;
        static final int MESSAGES = 100_000;
        /** The transformers' function: allocates nothing, so that the allocation measured is the components'. */
        static final UnaryOperator<Object> FUNCTION = m -> m;

        private final Metrics metrics = Metrics.simple();

        /** Sends {@code count} messages, then returns (ProducerFinished flows down the pipeline). */
        static final class Source extends Component {
            private final int count;

            Source(int count) {
                super("source");
                this.count = count;
            }

            @Override
            protected void main() throws InterruptedException {
                for (int i = 0; i < count; i++) {
                    send(MESSAGE);
                }
            }
        }

        /** Kamaelia's PureTransformer: each message through the function, until the end signal. */
        static final class Transformer extends Component {
            private final UnaryOperator<Object> function;

            Transformer(UnaryOperator<Object> function) {
                super("transformer");
                this.function = function;
            }

            @Override
            protected void main() throws InterruptedException {
                for (Object m : messages()) {
                    send(function.apply(m));
                }
            }
        }

        /** Counts messages until the end signal. */
        static final class Sink extends Component {
            long count;

            Sink() {
                super("sink");
            }

            @Override
            protected void main() {
                for (Object ignored : messages()) {
                    count++;
                }
            }
        }

        private static long run(Components.Options options) throws InterruptedException {
            Component[] stages = new Component[STAGES + 2];
            stages[0] = new Source(MESSAGES);
            for (int i = 1; i <= STAGES; i++) {
                stages[i] = new Transformer(FUNCTION);
            }
            Sink sink = new Sink();
            stages[STAGES + 1] = sink;
            try (ComponentSystem system = Components.open(options)) {
                system.start(Pipeline.of(stages));
                system.join();
            }
            if (sink.count != MESSAGES) {
                throw new IllegalStateException("sink got " + sink.count + " of " + MESSAGES);
            }
            return sink.count;
        }

        @Benchmark
        @OperationsPerInvocation(MESSAGES)
        public long weftComponents() throws InterruptedException {
            return run(Components.Options.defaults().withName("pipeline"));
        }

        /** As {@link #weftComponents()} with {@link Metrics} observing: what the observer costs per message. */
        @Benchmark
        @OperationsPerInvocation(MESSAGES)
        public long weftComponentsWithMetrics() throws InterruptedException {
            return run(Components.Options.defaults().withName("pipeline").withObserver(metrics));
        }

        @Benchmark
        @OperationsPerInvocation(MESSAGES)
        public void joxChannels() throws InterruptedException {
            List<Channel<Object>> channels = new ArrayList<>(STAGES + 1);
            for (int i = 0; i <= STAGES; i++) {
                channels.add(Channel.newBufferedChannel(Component.DEFAULT_CAPACITY));
            }
            List<Thread> threads = new ArrayList<>(STAGES + 2);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            startVirtual(threads, failure, () -> {
                for (int i = 0; i < MESSAGES; i++) {
                    channels.getFirst().send(MESSAGE);
                }
            });
            for (int t = 1; t <= STAGES; t++) {
                Channel<Object> in = channels.get(t - 1);
                Channel<Object> out = channels.get(t);
                startVirtual(threads, failure, () -> {
                    for (int i = 0; i < MESSAGES; i++) {
                        out.send(FUNCTION.apply(in.receive()));
                    }
                });
            }
            startVirtual(threads, failure, () -> {
                for (int i = 0; i < MESSAGES; i++) {
                    channels.getLast().receive();
                }
            });
            joinAll(threads, failure);
        }

        @Benchmark
        @OperationsPerInvocation(MESSAGES)
        public void arrayBlockingQueues() throws InterruptedException {
            List<BlockingQueue<Object>> queues = new ArrayList<>(STAGES + 1);
            for (int i = 0; i <= STAGES; i++) {
                queues.add(new ArrayBlockingQueue<>(Component.DEFAULT_CAPACITY));
            }
            List<Thread> threads = new ArrayList<>(STAGES + 2);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            startVirtual(threads, failure, () -> {
                for (int i = 0; i < MESSAGES; i++) {
                    queues.getFirst().put(MESSAGE);
                }
            });
            for (int t = 1; t <= STAGES; t++) {
                BlockingQueue<Object> in = queues.get(t - 1);
                BlockingQueue<Object> out = queues.get(t);
                startVirtual(threads, failure, () -> {
                    for (int i = 0; i < MESSAGES; i++) {
                        out.put(FUNCTION.apply(in.take()));
                    }
                });
            }
            startVirtual(threads, failure, () -> {
                for (int i = 0; i < MESSAGES; i++) {
                    queues.getLast().take();
                }
            });
            joinAll(threads, failure);
        }
    }
}
