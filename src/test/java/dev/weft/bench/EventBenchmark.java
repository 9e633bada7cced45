package dev.weft.bench;

import dev.weft.event.Event;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Issue 4's comparison: a CPU {@link Event} side by side with a plain {@link CompletableFuture} doing the same work.
 * All times are ns per operation.
 *
 * <p><b>Callbacks</b> (one thread, the JMH worker): one operation is one fresh event or future with exactly one
 * callback, which increments {@link #hits}.
 * <ul>
 *   <li>{@code eventRecordFinishCallback}: {@code Event.cpu()}, {@code record()}, {@code onComplete(cb)},
 *       {@code setFinished()} (the callback is pending and runs inside setFinished) vs
 *       {@code cfCompleteCallback}: {@code new CompletableFuture<>()}, {@code thenAccept(cb)}, {@code complete(x)}.
 *       The event does one more step (record, a CAS to the shared SCHEDULED state); the future has no equivalent.
 *       {@code thenAccept} is the future's cheapest way to register a callback; it also allocates the dependent
 *       future it returns, which the event's {@code onComplete} does not need.</li>
 *   <li>{@code eventFinishThenCallback} vs {@code cfCompleteThenCallback}: the same, but the callback is registered
 *       after completion and runs at once on the registering thread. {@code eventFinishThenCallbackUnrecorded}
 *       leaves out {@code record()}, to show what that step costs.</li>
 * </ul>
 *
 * <p><b>Wake-ups</b>: two virtual threads play {@value #ROUNDS} rounds of ping-pong. In round {@code i} thread A
 * completes {@code ping[i]} and then waits for {@code pong[i]}; thread B waits for {@code ping[i]} and then completes
 * {@code pong[i]}. So each round is two wake-ups of a virtual thread blocked on the other's completion, and one
 * operation is one wake-up ({@code @OperationsPerInvocation(2 * ROUNDS)}). {@code eventAwaitPingPong} blocks in
 * {@link Event#await()}, {@code cfJoinPingPong} in {@link CompletableFuture#join()}; both create their
 * 2 x {@value #ROUNDS} events/futures and start and join the two threads inside the invocation (amortised over
 * 2,000 wake-ups: well under 1 % of the time).
 *
 * <p>Does the waiter really park? After completing the other side's object a thread goes straight into its own
 * wait, which reaches {@code park} within a few hundred ns, while the other side needs a whole virtual-thread wake-up
 * (scheduling onto a carrier, microseconds) before it can complete that wait. So in steady state the waiter is
 * already parked. This is measured, not assumed: just before completing, the completing side reads the waiter's
 * {@link Thread#getState()} and counts a round as <i>parked</i> when it is {@code WAITING} (a virtual thread parked
 * in {@code LockSupport.park}, unmounted from its carrier). The fraction is printed per iteration as
 * {@code parked <benchmark>: P of W wake-ups (x %)}. Measured on 2 cores: at least 99.9 % when the two threads take
 * turns on one carrier, 94-99 % when they run on both carriers in parallel (then the waiter is sometimes still on its
 * way into {@code park}: an unmounting virtual thread reads as RUNNABLE). The state read is the same (one volatile
 * read) on both sides.
 *
 * <p>Bounded and leak-free: each invocation joins both threads with a {@value #TIMEOUT_S} s limit; past it, every
 * event and future is completed so that both threads end, they are joined again, and the invocation throws. A thread
 * that fails rethrows its exception in the benchmark thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview"})
@State(org.openjdk.jmh.annotations.Scope.Thread)
public class EventBenchmark {
    static final int ROUNDS = 1000;
    static final long TIMEOUT_S = 30;
    private static final Object VALUE = "done";

    /** What the callbacks do: a plain field increment, which the JIT cannot drop (the field is read at teardown). */
    int hits;
    private final Consumer<Event> onEvent = e -> hits++;
    private final Consumer<Object> onValue = v -> hits++;

    /** Wake-ups in this iteration, and how many found the waiter parked. */
    private long wakeups;
    private long parked;

    // ---- callbacks ----

    @Benchmark
    public Event eventRecordFinishCallback() {
        Event e = Event.cpu();
        e.record();
        e.onComplete(onEvent);
        e.setFinished();
        return e;
    }

    @Benchmark
    public CompletableFuture<Object> cfCompleteCallback() {
        CompletableFuture<Object> f = new CompletableFuture<>();
        f.thenAccept(onValue);
        f.complete(VALUE);
        return f;
    }

    @Benchmark
    public Event eventFinishThenCallback() {
        Event e = Event.cpu();
        e.record();
        e.setFinished();
        e.onComplete(onEvent);
        return e;
    }

    /** Attribution only: {@code eventFinishThenCallback} without {@code record()} (setFinished from INITIALIZED). */
    @Benchmark
    public Event eventFinishThenCallbackUnrecorded() {
        Event e = Event.cpu();
        e.setFinished();
        e.onComplete(onEvent);
        return e;
    }

    @Benchmark
    public CompletableFuture<Object> cfCompleteThenCallback() {
        CompletableFuture<Object> f = new CompletableFuture<>();
        f.complete(VALUE);
        f.thenAccept(onValue);
        return f;
    }

    // ---- wake-ups of a parked virtual thread ----

    @Benchmark
    @OperationsPerInvocation(2 * ROUNDS)
    public long eventAwaitPingPong() throws InterruptedException {
        Event[] ping = new Event[ROUNDS];
        Event[] pong = new Event[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            ping[i] = Event.cpu();
            ping[i].record();
            pong[i] = Event.cpu();
            pong[i].record();
        }
        PingPong game = new PingPong();
        game.a = Thread.ofVirtual().name("ping").unstarted(() -> {
            Thread b = game.b;
            int seen = 0;
            for (int i = 0; i < ROUNDS; i++) {
                seen += b.getState() == Thread.State.WAITING ? 1 : 0;
                ping[i].setFinished();
                await(pong[i]);
            }
            game.parkedSeenByA = seen;
        });
        game.b = Thread.ofVirtual().name("pong").unstarted(() -> {
            Thread a = game.a;
            int seen = 0;
            for (int i = 0; i < ROUNDS; i++) {
                await(ping[i]);
                seen += a.getState() == Thread.State.WAITING ? 1 : 0;
                pong[i].setFinished();
            }
            game.parkedSeenByB = seen;
        });
        return game.play(() -> {
            for (Event[] events : new Event[][] {ping, pong}) {
                for (Event e : events) {
                    try {
                        e.setFinished();
                    } catch (IllegalStateException finishedAlready) {
                        // the game got this far
                    }
                }
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROUNDS)
    public long cfJoinPingPong() throws InterruptedException {
        @SuppressWarnings("unchecked") CompletableFuture<Object>[] ping = (CompletableFuture<Object>[]) new CompletableFuture<?>[ROUNDS];
        @SuppressWarnings("unchecked") CompletableFuture<Object>[] pong = (CompletableFuture<Object>[]) new CompletableFuture<?>[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            ping[i] = new CompletableFuture<>();
            pong[i] = new CompletableFuture<>();
        }
        PingPong game = new PingPong();
        game.a = Thread.ofVirtual().name("ping").unstarted(() -> {
            Thread b = game.b;
            int seen = 0;
            for (int i = 0; i < ROUNDS; i++) {
                seen += b.getState() == Thread.State.WAITING ? 1 : 0;
                ping[i].complete(VALUE);
                pong[i].join();
            }
            game.parkedSeenByA = seen;
        });
        game.b = Thread.ofVirtual().name("pong").unstarted(() -> {
            Thread a = game.a;
            int seen = 0;
            for (int i = 0; i < ROUNDS; i++) {
                ping[i].join();
                seen += a.getState() == Thread.State.WAITING ? 1 : 0;
                pong[i].complete(VALUE);
            }
            game.parkedSeenByB = seen;
        });
        return game.play(() -> {
            for (CompletableFuture<Object> f : ping) {
                f.complete(VALUE);
            }
            for (CompletableFuture<Object> f : pong) {
                f.complete(VALUE);
            }
        });
    }

    private static void await(Event e) {
        try {
            e.await();
        } catch (InterruptedException ie) {
            throw new IllegalStateException("ping-pong interrupted", ie);
        }
    }

    /** The two players, what they counted, and a bounded, leak-free run of both. */
    private final class PingPong {
        Thread a;
        Thread b;
        int parkedSeenByA;
        int parkedSeenByB;
        private volatile Throwable failure;

        /** Starts both, joins both within the limit (else runs {@code release} so they end, and throws). */
        long play(Runnable release) throws InterruptedException {
            Thread.UncaughtExceptionHandler record = (t, x) -> failure = x;
            a.setUncaughtExceptionHandler(record);
            b.setUncaughtExceptionHandler(record);
            b.start();
            a.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            boolean ended = a.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                    && b.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (!ended) {
                release.run();
                a.join(Duration.ofSeconds(TIMEOUT_S));
                b.join(Duration.ofSeconds(TIMEOUT_S));
                throw new IllegalStateException("ping-pong did not end within " + TIMEOUT_S + " s (threads a: "
                        + a.getState() + ", b: " + b.getState() + ")");
            }
            if (failure != null) {
                throw new IllegalStateException("a ping-pong thread failed", failure);
            }
            // join() gives happens-before: the counts are visible
            wakeups += 2L * ROUNDS;
            parked += parkedSeenByA + parkedSeenByB;
            return parkedSeenByA + parkedSeenByB;
        }
    }

    @TearDown(Level.Iteration)
    public void report(BenchmarkParams params) {
        String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        if (wakeups > 0) {
            System.out.printf("parked %s: %d of %d wake-ups (%.2f %%)%n", name, parked, wakeups,
                    100.0 * parked / wakeups);
        }
        if (hits < 0) {
            System.out.println("unreachable: " + hits);
        }
        wakeups = 0;
        parked = 0;
    }
}
