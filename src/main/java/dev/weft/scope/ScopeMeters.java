package dev.weft.scope;

import dev.weft.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one scope, looked up once when it opens so that each task pays a few adds: made only when the scope
 * has {@link Metrics} (its own or inherited). Thread safe (Micrometer meters and atomics).
 */
final class ScopeMeters {
    final Metrics base; // as given: what nested scopes that inherit are tagged from
    final Metrics metrics; // tagged with the scope, what Weft.metrics() gives its tasks
    private final Counter tasksStarted;
    private final Timer tasksQueued;
    private final Timer tasksSucceeded, tasksFailed, tasksCancelled;
    private final AtomicLong tasksActive;
    private final Timer scopeSucceeded, scopeFailed, scopeCancelled;
    private final AtomicLong scopesActive;

    ScopeMeters(Metrics base, String scopeName) {
        this.base = base;
        boolean tagged = false;
        for (io.micrometer.core.instrument.Tag t : base.tags()) {
            tagged |= t.getKey().equals("scope");
        }
        // a scope tag given with the metrics is kept: many scopes (one per data flow context) can share one value
        this.metrics = tagged ? base : base.withTags("scope", scopeName == null ? "unnamed" : scopeName);
        tasksStarted = metrics.counter("weft.task.started");
        tasksQueued = metrics.timer("weft.task.queued");
        tasksSucceeded = metrics.timer("weft.task.ended", "outcome", "succeeded");
        tasksFailed = metrics.timer("weft.task.ended", "outcome", "failed");
        tasksCancelled = metrics.timer("weft.task.ended", "outcome", "cancelled");
        tasksActive = metrics.gauge("weft.task.active");
        scopeSucceeded = metrics.timer("weft.scope.ended", "outcome", "succeeded");
        scopeFailed = metrics.timer("weft.scope.ended", "outcome", "failed");
        scopeCancelled = metrics.timer("weft.scope.ended", "outcome", "cancelled");
        scopesActive = metrics.gauge("weft.scope.active");
        metrics.counter("weft.scope.started").increment();
        scopesActive.incrementAndGet();
    }

    void forked() {
        tasksStarted.increment();
        tasksActive.incrementAndGet();
    }

    void started(long queuedNanos) {
        tasksQueued.record(queuedNanos, TimeUnit.NANOSECONDS);
    }

    void ended(Task.State state, long runNanos) {
        Timer t = switch (state) {
            case SUCCEEDED -> tasksSucceeded;
            case FAILED -> tasksFailed;
            default -> tasksCancelled;
        };
        t.record(runNanos, TimeUnit.NANOSECONDS);
        tasksActive.decrementAndGet();
    }

    /** The scope closed; {@code outcome}: 0 succeeded, 1 failed, 2 cancelled. */
    void closed(int outcome, long openNanos) {
        (outcome == 0 ? scopeSucceeded : outcome == 1 ? scopeFailed : scopeCancelled)
                .record(openNanos, TimeUnit.NANOSECONDS);
        scopesActive.decrementAndGet();
    }
}
