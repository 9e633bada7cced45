package dev.weft.bench;

import dev.weft.component.Component;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import dev.weft.component.Pipeline;
import dev.weft.component.Prioritized;
import dev.weft.component.PriorityInboxOptions;
import dev.weft.scope.Priority;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Issue 16's costs of priority inboxes and batching, side by side with the plain inbox in the same run:
 * <ul>
 *   <li>{@link PriorityCost}: a source component sends {@value PriorityCost#MESSAGES} messages to a sink component;
 *       ns per message with the sink's inbox plain ({@code plain}), a priority inbox fed bare messages
 *       ({@code priority}), or fed {@link Prioritized} messages of four levels in turn ({@code priority-mixed}; the
 *       envelopes are made before the run). The goal: a priority inbox costs at most 1.5x a plain one.</li>
 *   <li>{@link Batching}: a source, a {@link Components#batcher batcher} and a sink whose every call costs a fixed
 *       {@code callTokens} of CPU (JMH's {@link Blackhole#consumeCPU}) plus a little per message: what batching
 *       gains, in ns per message, at {@code maxSize} 1 (no batching), 16 and 64.</li>
 *   <li>{@link BatchLatency}: what the wait costs when traffic is light: one message into an idle batcher
 *       ({@code maxSize} 64) and out of the sink, in microseconds, at {@code maxWaitMicros} 0, 100 and 1,000.</li>
 * </ul>
 * The overload figures (HIGH's wait against LOW's) come from {@link PriorityOverloadReport}.
 */
public class EventPatternsBenchmark {
    private EventPatternsBenchmark() {
    }

    /** Sends the given messages in turn, {@code count} in all. */
    static final class Source extends Component {
        private final Object[] messages;
        private final int count;

        Source(Object[] messages, int count) {
            super("source");
            this.messages = messages;
            this.count = count;
        }

        @Override
        protected void main() throws InterruptedException {
            for (int i = 0; i < count; i++) {
                send(messages[i % messages.length]);
            }
        }
    }

    /** Counts what it receives; with {@code callTokens > 0}, pays them per message received (a batch is one). */
    static final class Sink extends Component {
        private final long callTokens;
        long count;

        Sink(PriorityInboxOptions priority, long callTokens) {
            super("sink");
            this.callTokens = callTokens;
            if (priority != null) {
                addPriorityInbox(INBOX, priority);
            }
        }

        @Override
        protected void main() {
            for (Object m : messages()) {
                if (callTokens > 0) {
                    Blackhole.consumeCPU(callTokens);
                    int n = m instanceof List<?> l ? l.size() : 1;
                    Blackhole.consumeCPU(n); // a little per message, too
                    count += n;
                } else {
                    count++;
                }
            }
        }
    }

    static long run(Component... stages) throws InterruptedException {
        try (ComponentSystem system = Components.open()) {
            system.start(Pipeline.of(stages));
            system.join();
        }
        return ((Sink) stages[stages.length - 1]).count;
    }

    /** See the class description. */
    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(value = 1, jvmArgsAppend = {"--enable-preview"})
    public static class PriorityCost {
        static final int MESSAGES = 100_000;

        @Param({"plain", "priority", "priority-mixed"})
        public String inbox;

        private Object[] messages;
        private PriorityInboxOptions options;

        @Setup
        public void setup() {
            options = inbox.equals("plain") ? null : PriorityInboxOptions.defaults();
            if (inbox.equals("priority-mixed")) {
                Priority[] levels = {Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.of(20)};
                messages = new Object[levels.length];
                for (int i = 0; i < levels.length; i++) {
                    messages[i] = Prioritized.of(91, levels[i]);
                }
            } else {
                messages = new Object[]{91};
            }
        }

        /** ns per message from source to sink. */
        @Benchmark
        @OperationsPerInvocation(MESSAGES)
        public long sendReceive() throws InterruptedException {
            return run(new Source(messages, MESSAGES), new Sink(options, 0));
        }
    }

    /** See the class description. */
    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(value = 1, jvmArgsAppend = {"--enable-preview"})
    public static class Batching {
        static final int MESSAGES = 50_000;

        @Param({"1", "16", "64"})
        public int maxSize;

        /** Fixed cost of one sink call, in JMH CPU tokens (about 1.5 ns each here; 1,000 is some microseconds). */
        @Param({"1000"})
        public long callTokens;

        /** ns per message from source to sink through the batcher (maxWait 1 ms). */
        @Benchmark
        @OperationsPerInvocation(MESSAGES)
        public long batched() throws InterruptedException {
            return run(new Source(new Object[]{91}, MESSAGES),
                    Components.batcher(maxSize, Duration.ofMillis(1)), new Sink(null, callTokens));
        }
    }

    /** See the class description. */
    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 3, time = 2)
    @Fork(value = 1, jvmArgsAppend = {"--enable-preview"})
    public static class BatchLatency {
        @Param({"0", "100", "1000"})
        public long maxWaitMicros;

        private ComponentSystem system;
        private Component batcher;
        private Arrivals sink;

        /** Counts down a latch per batch. */
        static final class Arrivals extends Component {
            volatile CountDownLatch next = new CountDownLatch(1);

            @Override
            protected void main() {
                for (Object ignored : messages()) {
                    next.countDown();
                }
            }
        }

        @Setup(Level.Trial)
        public void setup() {
            system = Components.open();
            batcher = Components.batcher(64, Duration.ofNanos(maxWaitMicros * 1000));
            sink = new Arrivals();
            system.start(Pipeline.of(batcher, sink));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            system.close();
        }

        /** One message in, its batch out at the sink. */
        @Benchmark
        public void oneMessage() throws InterruptedException {
            CountDownLatch arrived = new CountDownLatch(1);
            sink.next = arrived;
            batcher.deliver(91, Component.INBOX);
            arrived.await();
        }
    }
}
