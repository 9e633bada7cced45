package dev.weft.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import dev.weft.scope.Outcome;
import dev.weft.scope.Scope;
import dev.weft.scope.ScopeOptions;
import dev.weft.scope.Task;
import dev.weft.scope.TaskFailedException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What scopes and tasks record into the Metrics given in their options: counts per outcome, tags, gauges. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MetricsScopeTest {

    static long timerCount(MeterRegistry r, String name, String... tags) {
        var timer = r.find(name).tags(tags).timer();
        return timer == null ? 0 : timer.count();
    }

    static double gauge(MeterRegistry r, String name, String... tags) {
        return RequiredSearch.in(r).name(name).tags(tags).gauge().value();
    }

    @Test
    void settleScopeCountsEverySuccessAndFailure() throws InterruptedException {
        Metrics metrics = Metrics.simple();
        MeterRegistry r = metrics.registry();
        try (var scope = Scope.<Integer>settle(ScopeOptions.named("jobs").withObserver(metrics))) {
            for (int i = 0; i < 5; i++) {
                int n = i;
                scope.fork(() -> {
                    if (n % 2 == 1) {
                        throw new IllegalStateException("odd " + n);
                    }
                    return n;
                });
            }
            List<Outcome<Integer>> outcomes = scope.join();
            assertThat(outcomes).hasSize(5);
        }
        assertThat(r.get("weft.task.started").tags("scope", "jobs").counter().count()).isEqualTo(5);
        assertThat(timerCount(r, "weft.task.ended", "scope", "jobs", "outcome", "succeeded")).isEqualTo(3);
        assertThat(timerCount(r, "weft.task.ended", "scope", "jobs", "outcome", "failed")).isEqualTo(2);
        assertThat(timerCount(r, "weft.task.ended", "scope", "jobs", "outcome", "cancelled")).isZero();
        assertThat(timerCount(r, "weft.task.queued", "scope", "jobs")).isEqualTo(5);
        assertThat(gauge(r, "weft.task.active", "scope", "jobs")).isZero();
        assertThat(r.get("weft.scope.started").tags("scope", "jobs").counter().count()).isEqualTo(1);
        assertThat(timerCount(r, "weft.scope.ended", "scope", "jobs", "outcome", "succeeded")).isEqualTo(1);
        assertThat(gauge(r, "weft.scope.active", "scope", "jobs")).isZero();
    }

    @Test
    void failureCancelsTheRestAndEachIsCountedOnce() {
        Metrics metrics = Metrics.simple();
        MeterRegistry r = metrics.registry();
        CountDownLatch started = new CountDownLatch(1);
        assertThatThrownBy(() -> {
            try (var scope = Scope.open(ScopeOptions.named("all").withObserver(metrics))) {
                scope.fork("blocker", () -> {
                    started.countDown();
                    new CountDownLatch(1).await(); // until cancelled
                    return null;
                });
                started.await();
                // while both run, the active gauge sees them
                CountDownLatch release = new CountDownLatch(1);
                scope.fork("failer", () -> {
                    release.await();
                    throw new IllegalArgumentException("boom");
                });
                assertThat(gauge(r, "weft.task.active", "scope", "all")).isEqualTo(2);
                assertThat(gauge(r, "weft.scope.active", "scope", "all")).isEqualTo(1);
                release.countDown();
                scope.join();
            }
        }).isInstanceOf(TaskFailedException.class);
        assertThat(r.get("weft.task.started").tags("scope", "all").counter().count()).isEqualTo(2);
        assertThat(timerCount(r, "weft.task.ended", "scope", "all", "outcome", "failed")).isEqualTo(1);
        assertThat(timerCount(r, "weft.task.ended", "scope", "all", "outcome", "cancelled")).isEqualTo(1);
        assertThat(timerCount(r, "weft.task.ended", "scope", "all", "outcome", "succeeded")).isZero();
        assertThat(timerCount(r, "weft.scope.ended", "scope", "all", "outcome", "failed")).isEqualTo(1);
        assertThat(gauge(r, "weft.task.active", "scope", "all")).isZero();
        assertThat(gauge(r, "weft.scope.active", "scope", "all")).isZero();
    }

    @Test
    void taskForkedAfterCancelNeverRunsAndCountsAsCancelled() {
        Metrics metrics = Metrics.simple();
        MeterRegistry r = metrics.registry();
        Task<?> late;
        try (var scope = Scope.open(ScopeOptions.named("late").withObserver(metrics))) {
            scope.cancel();
            late = scope.fork(() -> "never");
            assertThatThrownBy(scope::join).isInstanceOf(java.util.concurrent.CancellationException.class);
        }
        assertThat(late.state()).isEqualTo(Task.State.CANCELLED);
        assertThat(r.get("weft.task.started").tags("scope", "late").counter().count()).isEqualTo(1);
        assertThat(timerCount(r, "weft.task.ended", "scope", "late", "outcome", "cancelled")).isEqualTo(1);
        assertThat(timerCount(r, "weft.task.queued", "scope", "late")).isZero(); // it never started
        assertThat(timerCount(r, "weft.scope.ended", "scope", "late", "outcome", "cancelled")).isEqualTo(1);
        assertThat(gauge(r, "weft.task.active", "scope", "late")).isZero();
    }

    @Test
    void nestedScopesInheritAndTasksReportThroughWeftMetrics() throws InterruptedException {
        Metrics metrics = Metrics.simple().withTags("run", "t1");
        MeterRegistry r = metrics.registry();
        try (var outer = Scope.open(ScopeOptions.named("outer").withObserver(metrics))) {
            outer.fork("parent", () -> {
                assertThat(Weft.metrics().tags()).extracting(Object::toString)
                        .contains("tag(run=t1)", "tag(scope=outer)");
                try (var inner = Scope.open(ScopeOptions.named("inner"))) { // no metrics given: inherited
                    inner.fork(() -> {
                        Weft.metrics().counter("pages.parsed").increment(3);
                        return null;
                    });
                    inner.join();
                }
                return null;
            });
            outer.join();
        }
        assertThat(r.get("pages.parsed").tags("run", "t1", "scope", "inner").counter().count()).isEqualTo(3);
        assertThat(timerCount(r, "weft.task.ended", "run", "t1", "scope", "inner", "outcome", "succeeded"))
                .isEqualTo(1);
        assertThat(timerCount(r, "weft.task.ended", "run", "t1", "scope", "outer", "outcome", "succeeded"))
                .isEqualTo(1);
        assertThat(r.get("weft.scope.started").tags("scope", "inner").counter().count()).isEqualTo(1);
    }

    @Test
    void withoutMetricsNothingIsRecordedAndWeftMetricsIsNone() throws InterruptedException {
        try (var scope = Scope.open(ScopeOptions.named("plain"))) {
            assertThat(Metrics.ofCurrentScope()).isNull();
            Task<Metrics> t = scope.fork(Weft::metrics);
            scope.join();
            assertThat(t.get()).isSameAs(Metrics.none());
        }
        Metrics none = Metrics.none();
        assertThat(none.isEnabled()).isFalse();
        none.counter("x").increment();
        none.gauge("g").set(5);
        assertThat(none.registry().getMeters()).isEmpty();
        assertThat(none.withTags("a", "b")).isSameAs(none);
    }

    @Test
    void metricsNoneTurnsOffInheritance() throws InterruptedException {
        Metrics metrics = Metrics.simple();
        try (var outer = Scope.open(ScopeOptions.named("outer").withObserver(metrics))) {
            try (var quiet = Scope.open(ScopeOptions.named("quiet").withObserver(Metrics.none()))) {
                assertThat(Metrics.ofCurrentScope()).isNull();
                quiet.fork(() -> null);
                quiet.join();
            }
            outer.join();
        }
        assertThat(metrics.registry().find("weft.task.started").tags("scope", "quiet").counter()).isNull();
    }

    @Test
    void badTagsAndNullsAreRejected() {
        assertThatThrownBy(() -> Metrics.of(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Metrics.simple().withTags("odd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Metrics.callWith(null, () -> 1)).isInstanceOf(NullPointerException.class);
    }
}
