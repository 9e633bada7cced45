package dev.weft.flow;

import dev.weft.event.Event;
import dev.weft.event.EventSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A data flow run started by {@link Orchestrator#start}: it runs on a virtual thread of its own, which owns the
 * contexts' scope, and this handle observes it.
 *
 * {@snippet :
 * try (FlowRun run = orchestrator.start(flow, inputsByContext)) {
 *     run.results().forEach(r -> System.out.println(r.context() + " -> " + r.results()));  // completion order
 * }                                                    // close: cancels what is left, waits for it to end
 * }
 *
 * <ul>
 *   <li>{@link #results()} / {@link #iterator()}: each context's result as it finishes; blocks for the next; ends
 *       when the run ends, then throws the run's failure if it failed (strict mode, or cancelled). Every context
 *       whose event succeeded is in it, cancelled or not. One consumer only.</li>
 *   <li>{@link #future()}: completes with every result (completion order), or exceptionally with the failure.</li>
 *   <li>{@link #event()}: a read-only event that SUCCEEDS when the run ends without failure and FAILS otherwise;
 *       {@link #contextEvent(String)}: the same for one context. Events of any device can wait on them.</li>
 *   <li>{@link #stats()}: per-instance run counts and timings so far.</li>
 * </ul>
 *
 * <p>Thread safety: every method may be called from any thread, except that {@link #results()} and
 * {@link #iterator()} hand out one shared sequence meant for one consumer.
 */
public final class FlowRun implements AutoCloseable, Iterable<ContextResult> {
    private static final Object END = new Object();

    private final Orchestrator.Shared shared;
    private final EventSource done = new EventSource("flow run");
    private final CompletableFuture<List<ContextResult>> future = new CompletableFuture<>();
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Thread runner;

    FlowRun(Orchestrator orchestrator, Orchestrator.Shared shared, Map<String, List<Input>> contexts) {
        this.shared = shared;
        List<ContextResult> all = Collections.synchronizedList(new ArrayList<>());
        this.runner = Thread.ofVirtual().name("weft-flow-run").start(() -> {
            try {
                orchestrator.run(shared, contexts, r -> {
                    all.add(r);
                    queue.add(r);
                });
                done.succeed();
                future.complete(List.copyOf(all));
            } catch (Throwable t) {
                done.fail(t);
                future.completeExceptionally(t);
                queue.add(new Failure(t));
            } finally {
                queue.add(END);
            }
        });
    }

    private record Failure(Throwable cause) {
    }

    /** Each context's result in completion order; see the class description. */
    public Stream<ContextResult> results() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false);
    }

    /** The results as an iterator: {@link #results()}. Interrupting the consumer ends it with a FlowException. */
    @Override
    public Iterator<ContextResult> iterator() {
        return new Iterator<>() {
            private Object next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = queue.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new FlowException("interrupted while waiting for the next context result", e);
                    }
                    if (next == END) {
                        queue.add(END); // stays at the end for any later call
                    }
                }
                if (next instanceof Failure f) {
                    next = END;
                    queue.add(END);
                    if (f.cause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new FlowException("the run failed", f.cause());
                }
                return next != END;
            }

            @Override
            public ContextResult next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the run has no more context results");
                }
                ContextResult r = (ContextResult) next;
                next = null;
                return r;
            }
        };
    }

    /** Every result when the run ends, or its failure. */
    public CompletableFuture<List<ContextResult>> future() {
        return future.copy();
    }

    /**
     * Blocks until the run ends and returns every result in completion order.
     *
     * @throws OperationException   if it failed in strict mode
     * @throws InterruptedException if interrupted while waiting
     */
    public List<ContextResult> join() throws InterruptedException {
        runner.join();
        if (future.state() == Future.State.SUCCESS) {
            return future.resultNow();
        }
        Throwable t = future.exceptionNow();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        throw new FlowException("the run failed", t);
    }

    /** The run's completion as a read-only event. */
    public Event event() {
        return done.event();
    }

    /**
     * One context's completion as a read-only event.
     *
     * @throws IllegalArgumentException if the run has no such context, naming the ones it has
     */
    public Event contextEvent(String context) {
        EventSource s = shared.contextEvents.get(Objects.requireNonNull(context, "context"));
        if (s == null) {
            throw new IllegalArgumentException("no context '" + context + "' in this run; contexts: "
                    + shared.contextEvents.keySet());
        }
        return s.event();
    }

    /**
     * The live view of a run with an optimisation goal: its latest {@link dev.weft.adapt.Decision} (the limit now, why
     * it last moved, what was in flight and queued then); empty without a goal, or before the run started.
     */
    public java.util.Optional<dev.weft.adapt.Decision> limit() {
        dev.weft.adapt.AdaptiveLimit a = shared.adaptive;
        return a == null ? java.util.Optional.empty() : java.util.Optional.of(a.lastDecision());
    }

    /** Per-instance counts and timings so far, in the flow's order. */
    public Map<String, OperationStats> stats() {
        return shared.stats();
    }

    /**
     * Cancels the run: running operations are interrupted, and it ends failed unless it had finished. Nothing that
     * finished is lost: every context whose {@linkplain #contextEvent(String) event} succeeded, before or during the
     * cancellation, comes out of {@link #results()} before the run's failure.
     */
    public void cancel() {
        runner.interrupt();
    }

    /** Cancels what is left and waits until every thread the run started has ended. */
    @Override
    public void close() {
        if (runner.isAlive()) {
            cancel();
        }
        boolean interrupted = false;
        while (true) {
            try {
                runner.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // close must not return before the run has ended
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
