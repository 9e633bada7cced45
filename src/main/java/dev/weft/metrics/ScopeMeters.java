package dev.weft.metrics;

import dev.weft.scope.ScopeObserver;
import dev.weft.scope.Task;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one scope, looked up once when it opens so that each task pays a few adds: the {@link ScopeObserver}
 * probe that {@link Metrics} gives a scope. Thread safe (Micrometer meters and atomics).
 */
final class ScopeMeters implements ScopeObserver.Probe {
    final Metrics metrics; // tagged with the scope: what Metrics.current() gives its tasks
    private final Counter tasksStarted;
    private final Timer tasksQueued;
    private final Timer tasksSucceeded, tasksFailed, tasksCancelled;
    private final AtomicLong tasksActive;
    private final Timer scopeSucceeded, scopeFailed, scopeCancelled;
    private final AtomicLong scopesActive;

    ScopeMeters(Metrics base, String scopeName) {
        boolean tagged = false;
        for (Tag t : base.tags()) {
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

    @Override
    public void forked() {
        tasksStarted.increment();
        tasksActive.incrementAndGet();
    }

    @Override
    public void started(long queuedNanos) {
        tasksQueued.record(queuedNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void ended(Task.State state, long runNanos) {
        Timer t = switch (state) {
            case SUCCEEDED -> tasksSucceeded;
            case FAILED -> tasksFailed;
            default -> tasksCancelled;
        };
        t.record(runNanos, TimeUnit.NANOSECONDS);
        tasksActive.decrementAndGet();
    }

    @Override
    public void closed(Task.State outcome, long openNanos) {
        Timer t = switch (outcome) {
            case SUCCEEDED -> scopeSucceeded;
            case FAILED -> scopeFailed;
            default -> scopeCancelled;
        };
        t.record(openNanos, TimeUnit.NANOSECONDS);
        scopesActive.decrementAndGet();
    }
}
