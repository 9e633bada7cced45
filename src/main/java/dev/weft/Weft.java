package dev.weft;

import dev.weft.flow.ContextResult;
import dev.weft.flow.DataFlow;
import dev.weft.flow.Input;
import dev.weft.flow.Orchestrator;
import dev.weft.function.ThrowingFunction;
import dev.weft.metrics.Metrics;
import dev.weft.scope.ConcurrencyLimit;
import dev.weft.scope.Scope;
import dev.weft.scope.ScopeOptions;
import dev.weft.scope.ScopeTimeoutException;
import dev.weft.scope.Task;
import dev.weft.scope.TaskFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.function.Predicate;

/**
 * The facade for plain code and jshell: one-line structured operations, each running its tasks on virtual threads in
 * a scope that has ended before the method returns.
 *
 * <p>Every method throws only unchecked exceptions: {@link TaskFailedException} for a failed task (its cause is what
 * the task threw), {@link ScopeTimeoutException}, or {@link CancellationException} when the calling thread was
 * interrupted (its interrupt status is then set again). Stateless and thread safe.
 */
public final class Weft {
    private Weft() {
    }

    /**
     * Runs a data flow in one context holding {@code inputs} (and the flow's seed) and returns that context's results:
     * DFFML's {@code run} for the common case. Strict: a failing operation throws
     * {@link dev.weft.flow.OperationException} (unchecked), naming it.
     */
    public static Map<String, Object> run(DataFlow flow, Input... inputs) {
        List<ContextResult> results = Orchestrator.withDefaults().run(flow, Map.of("run", List.of(inputs)));
        return results.get(0).results();
    }

    /**
     * Runs a data flow once per context and returns each context's results by context name, in completion order.
     * Strict, as {@link #run(DataFlow, Input...)}.
     */
    public static Map<String, Map<String, Object>> run(DataFlow flow, Map<String, List<Input>> inputsByContext) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        Orchestrator.withDefaults().run(flow, inputsByContext, r -> out.put(r.context(), r.results()));
        return Collections.unmodifiableMap(out);
    }

    /** The current thread's place in the scope tree; an empty path outside any scope. */
    public static Context context() {
        return new Context(Scope.currentPath(), Scope.currentTaskName());
    }

    /**
     * The current context's metrics handle, for tasks and operations to report their own metrics (counters, timers,
     * gauges, and {@link dev.weft.metrics.Metrics#progress(String) progress} with an estimated time to completion):
     * inside a data flow operation, the run's metrics tagged {@code operation} with the instance; else those of the
     * innermost scope (the one the current thread owns, or the current task's), tagged {@code scope} with its name;
     * else {@link dev.weft.metrics.Metrics#none()}, which records nothing. Never null; thread safe.
     *
     * {@snippet :
     * Weft.metrics().progress("download").update(done, total);
     * Weft.metrics().counter("pages.parsed").increment();
     * }
     */
    public static Metrics metrics() {
        return Metrics.current();
    }

    /**
     * Runs every callable concurrently and returns their results in input order; the first failure cancels the rest.
     *
     * @throws TaskFailedException if any failed
     */
    public static <T> List<T> all(List<? extends Callable<? extends T>> tasks) {
        Objects.requireNonNull(tasks, "tasks");
        try (var scope = Scope.open(ScopeOptions.named("all"))) {
            List<Task<? extends T>> forked = new ArrayList<>(tasks.size());
            for (Callable<? extends T> task : tasks) {
                forked.add(scope.fork(Objects.requireNonNull(task, "null task in Weft.all")));
            }
            join(scope);
            List<T> results = new ArrayList<>(forked.size());
            forked.forEach(t -> results.add(t.get()));
            return Collections.unmodifiableList(results);
        }
    }

    /**
     * Runs every callable concurrently and returns the first successful result, cancelling the rest.
     *
     * @throws TaskFailedException if all failed (every failure attached), or {@code tasks} is empty
     */
    public static <T> T any(List<? extends Callable<? extends T>> tasks) {
        Objects.requireNonNull(tasks, "tasks");
        try (var scope = Scope.<T>race(ScopeOptions.named("any"))) {
            for (Callable<? extends T> task : tasks) {
                scope.fork(Objects.requireNonNull(task, "null task in Weft.any"));
            }
            return join(scope);
        }
    }

    /**
     * Applies {@code fn} to every item, at most {@code maxConcurrency} at once, and returns the results in input
     * order; the first failure cancels the rest.
     *
     * @throws IllegalArgumentException if {@code maxConcurrency < 1}
     * @throws TaskFailedException      if {@code fn} threw for some item
     */
    public static <A, B> List<B> map(Collection<? extends A> items,
                                     ThrowingFunction<? super A, ? extends B, ? extends Exception> fn,
                                     int maxConcurrency) {
        return map(items, fn, ScopeOptions.named("map").withMaxConcurrency(maxConcurrency));
    }

    /**
     * As {@link #map(Collection, ThrowingFunction, int)}, at most {@code limit.current()} at once, a limit that moves
     * while the items run: an adaptive one from {@code dev.weft.adapt.AdaptiveLimit} (for a speed or memory goal), or
     * any {@link ConcurrencyLimit}. Items are forked in input order as the limit admits them.
     *
     * @throws TaskFailedException if {@code fn} threw for some item
     */
    public static <A, B> List<B> map(Collection<? extends A> items,
                                     ThrowingFunction<? super A, ? extends B, ? extends Exception> fn,
                                     ConcurrencyLimit limit) {
        Objects.requireNonNull(limit, "limit");
        return map(items, fn, ScopeOptions.named("map").withConcurrencyLimit(limit));
    }

    /**
     * Forks {@code fn} for each item in a scope of {@code options}, the calling thread parking in {@code fork} while
     * the scope's limit is full (so no item waits on a thread of its own), and returns the results in input order.
     */
    private static <A, B> List<B> map(Collection<? extends A> items,
                                      ThrowingFunction<? super A, ? extends B, ? extends Exception> fn,
                                      ScopeOptions options) {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(fn, "fn");
        try (var scope = Scope.open(options)) {
            List<Task<? extends B>> forked = new ArrayList<>(items.size());
            for (A item : items) {
                forked.add(scope.fork(() -> fn.apply(item)));
            }
            join(scope);
            List<B> results = new ArrayList<>(forked.size());
            forked.forEach(t -> results.add(t.get()));
            return Collections.unmodifiableList(results);
        }
    }

    /**
     * Runs {@code task} on a virtual thread and returns its result, or cancels it when {@code timeout} passes.
     *
     * @throws ScopeTimeoutException    when the timeout passed first
     * @throws TaskFailedException      when the task failed
     * @throws IllegalArgumentException for a negative timeout
     */
    public static <T> T timeout(Duration timeout, Callable<? extends T> task) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(task, "task");
        try (var scope = Scope.open(ScopeOptions.named("timeout").withTimeout(timeout))) {
            Task<? extends T> t = scope.fork(task);
            join(scope);
            return t.get();
        }
    }

    /**
     * Runs {@code task} up to {@code attempts} times, each as a task in its own scope, waiting {@code backoff}
     * between attempts, and returns the first success.
     *
     * @throws IllegalArgumentException if {@code attempts < 1} or {@code backoff} is negative
     * @throws TaskFailedException      when every attempt failed: the cause is the last failure, the earlier ones
     *                                  are suppressed
     */
    public static <T> T retry(int attempts, Duration backoff, Callable<? extends T> task) {
        return retry(attempts, backoff, failure -> true, task);
    }

    /**
     * As {@link #retry(int, Duration, Callable)}, but a failure that {@code retryIf} rejects ends the retries at once,
     * without waiting the backoff: for failures another attempt cannot mend. This is how retries compose with a
     * circuit breaker (dev.weft.breaker): an attempt the open breaker refused is not retried, so that retries do not
     * hammer a dependency the breaker has given up on, nor sleep through backoffs that cannot succeed.
     *
     * @param retryIf whether a failed attempt's exception (the task's own, not wrapped) is worth another attempt;
     *                called on the calling thread
     * @throws IllegalArgumentException if {@code attempts < 1} or {@code backoff} is negative
     * @throws TaskFailedException      when every attempt failed, or one failed that {@code retryIf} rejected: the
     *                                  cause is the last failure, the earlier ones are suppressed
     */
    public static <T> T retry(int attempts, Duration backoff, Predicate<? super Throwable> retryIf,
            Callable<? extends T> task) {
        if (attempts < 1) {
            throw new IllegalArgumentException("retry needs at least 1 attempt, got " + attempts);
        }
        Objects.requireNonNull(backoff, "backoff");
        if (backoff.isNegative()) {
            throw new IllegalArgumentException("retry backoff must not be negative, got " + backoff);
        }
        Objects.requireNonNull(retryIf, "retryIf");
        Objects.requireNonNull(task, "task");
        List<Throwable> failures = new ArrayList<>();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try (var scope = Scope.open(ScopeOptions.named("retry"))) {
                Task<? extends T> t = scope.fork("attempt-" + attempt, task);
                join(scope);
                return t.get();
            } catch (TaskFailedException e) {
                failures.add(e.getCause());
                if (attempt < attempts && !retryIf.test(e.getCause())) {
                    Throwable last = e.getCause();
                    throw new TaskFailedException(Scope.currentPath(), "attempt-" + attempt, "attempt " + attempt
                            + " of " + attempts + " failed and is not retried (retryIf rejected it): " + last, last,
                            failures.subList(0, failures.size() - 1));
                }
            }
            if (attempt < attempts && !backoff.isZero()) {
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    throw interrupted(e);
                }
            }
        }
        Throwable last = failures.getLast();
        throw new TaskFailedException(Scope.currentPath(), "attempt-" + attempts,
                "all " + attempts + " attempt(s) failed; last: " + last, last, failures.subList(0, failures.size() - 1));
    }

    private static <R> R join(Scope<?, R> scope) {
        try {
            return scope.join();
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    private static CancellationException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        CancellationException c = new CancellationException("interrupted while waiting for Weft tasks");
        c.initCause(e);
        return c;
    }
}
