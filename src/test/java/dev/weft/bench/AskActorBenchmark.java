package dev.weft.bench;

import com.softwaremill.jox.Channel;
import dev.weft.component.Actor;
import dev.weft.component.ActorOptions;
import dev.weft.component.Asks;
import dev.weft.component.Component;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import dev.weft.component.Request;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 16, items 3 and 4: the cost of one ask (a round trip: request in, reply back, the asker parked meanwhile) and
 * of one tell, from one caller (JMH's platform thread) to a server on a virtual thread, in ns per operation.
 *
 * <ul>
 *   <li>{@code componentAsk}: {@link Asks#ask} of a component answering {@link Request}s from its inbox (64).</li>
 *   <li>{@code actorAsk} / {@code actorTell}: {@link Actor#ask(java.util.function.BiFunction, Object, Duration)} and
 *       {@link Actor#tell(java.util.function.BiConsumer, Object)} on a counter, mailbox 16.</li>
 *   <li>{@code joxShapedAsk} / {@code joxShapedTell}: the shape of Jox's {@code ActorRef} (a virtual thread taking
 *       functions from a Jox channel of Jox's default capacity, 16, and running them on the state; an ask completes a
 *       {@link CompletableFuture} the caller waits on), built here on Jox's channels, the test-scope comparator
 *       (Jox's {@code structured} module, where {@code ActorRef} lives, is not a dependency).</li>
 *   <li>{@code queueAsk}: the same shape on an {@link ArrayBlockingQueue} of 16: what a hand-written request/response
 *       would be.</li>
 * </ul>
 *
 * <p>Tells are measured in steady state: the server keeps up or the bounded mailbox pushes back. The
 * {@code …FromVirtual} variants make {@value #BATCH} asks per invocation from one virtual thread (started and joined in
 * the invocation, its cost spread over the batch): the usual case in Weft, where both sides are virtual threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class AskActorBenchmark {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Asks per invocation of the {@code …FromVirtual} variants. */
    static final int BATCH = 1_000;

    /** An ask, for the virtual-thread variants. */
    interface AskOnce {
        long ask() throws Exception;
    }

    /** The state the actors hold. */
    static final class Counter {
        long total;

        void add(long n) {
            total += n;
        }

        long addAndGet(long n) {
            total += n;
            return total;
        }
    }

    /** Answers each request with its question. */
    static final class Echo extends Component {
        @Override
        protected void main() {
            for (Object m : messages()) {
                ((Request) m).reply(((Request) m).question());
            }
        }
    }

    private ComponentSystem system;
    private Echo echo;
    private Actor<Counter> actor;
    private Channel<Consumer<Counter>> jox;
    private BlockingQueue<Consumer<Counter>> queue;
    private Thread joxServer;
    private Thread queueServer;
    private final Long one = 1L;

    /** Starts the servers; owned by the benchmark thread (JMH's setup and teardown run on it). */
    @Setup(Level.Trial)
    public void setUp() {
        system = Components.open(Components.Options.defaults().withName("bench"));
        echo = new Echo();
        actor = Actor.of(Counter::new, ActorOptions.defaults().withMailboxCapacity(16));
        system.start(echo).start(actor);
        jox = Channel.newBufferedChannel(16);
        Counter joxState = new Counter();
        joxServer = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    jox.receive().accept(joxState);
                }
            } catch (InterruptedException e) {
                // torn down
            }
        });
        queue = new ArrayBlockingQueue<>(16);
        Counter queueState = new Counter();
        queueServer = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    queue.take().accept(queueState);
                }
            } catch (InterruptedException e) {
                // torn down
            }
        });
    }

    /** Stops the servers. */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        system.close();
        joxServer.interrupt();
        queueServer.interrupt();
        joxServer.join();
        queueServer.join();
    }

    /** One ask of a component. */
    @Benchmark
    public Object componentAsk() throws InterruptedException {
        return Asks.ask(echo, Component.INBOX, one, TIMEOUT);
    }

    /** One ask of an actor. */
    @Benchmark
    public long actorAsk() throws InterruptedException {
        return actor.ask(Counter::addAndGet, one, TIMEOUT);
    }

    /** One tell to an actor. */
    @Benchmark
    public boolean actorTell() throws InterruptedException {
        return actor.tell(Counter::add, one);
    }

    /** One ask in Jox's ActorRef shape. */
    @Benchmark
    public long joxShapedAsk() throws Exception {
        CompletableFuture<Long> reply = new CompletableFuture<>();
        long n = one;
        jox.send(c -> reply.complete(c.addAndGet(n)));
        return reply.get(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** One tell in Jox's ActorRef shape. */
    @Benchmark
    public void joxShapedTell() throws InterruptedException {
        long n = one;
        jox.send(c -> c.add(n));
    }

    /** One ask over a blocking queue and a future. */
    @Benchmark
    public long queueAsk() throws Exception {
        CompletableFuture<Long> reply = new CompletableFuture<>();
        long n = one;
        queue.put(c -> reply.complete(c.addAndGet(n)));
        return reply.get(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** {@value #BATCH} asks from one virtual thread; returns their sum. */
    private static long fromVirtual(AskOnce once) throws InterruptedException {
        long[] sum = {0};
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < BATCH; i++) {
                    sum[0] += once.ask();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.join();
        return sum[0];
    }

    /** Asks of a component from a virtual thread. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long componentAskFromVirtual() throws InterruptedException {
        return fromVirtual(() -> (Long) componentAsk());
    }

    /** Asks of an actor from a virtual thread. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long actorAskFromVirtual() throws InterruptedException {
        return fromVirtual(this::actorAsk);
    }

    /** Asks in Jox's ActorRef shape from a virtual thread. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long joxShapedAskFromVirtual() throws InterruptedException {
        return fromVirtual(this::joxShapedAsk);
    }

    /** Asks over a blocking queue and a future from a virtual thread. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long queueAskFromVirtual() throws InterruptedException {
        return fromVirtual(this::queueAsk);
    }
}
