package dev.weft.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Breakers' meters through Resilience4j's own binding ({@link BreakerMeters}): state, calls, not permitted. */
class MetricsBreakerTest {

    static double state(MeterRegistry r, String breaker, String state) {
        return r.get("resilience4j.circuitbreaker.state").tags("name", breaker, "state", state).gauge().value();
    }

    @Test
    void theStateAndCallsOfEveryBreakerOfTheRegistryShow() {
        Metrics metrics = Metrics.simple();
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.custom().withCircuitBreakerConfig(
                CircuitBreakerConfig.custom().slidingWindowSize(2).minimumNumberOfCalls(2).failureRateThreshold(50)
                        .build()).withTags(Map.of("app", "shop")).build();
        CircuitBreaker early = breakers.circuitBreaker("early");
        BreakerMeters.bind(metrics, breakers);
        CircuitBreaker late = breakers.circuitBreaker("late"); // added after binding: bound too
        MeterRegistry r = metrics.registry();

        assertThat(state(r, "early", "closed")).isEqualTo(1);
        assertThat(state(r, "late", "closed")).isEqualTo(1);
        assertThat(state(r, "late", "open")).isZero();

        late.onSuccess(1, TimeUnit.MILLISECONDS);
        late.onError(1, TimeUnit.MILLISECONDS, new RuntimeException("down"));
        assertThat(late.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(state(r, "late", "open")).isEqualTo(1);
        assertThat(state(r, "late", "closed")).isZero();
        assertThat(late.tryAcquirePermission()).isFalse();
        assertThat(r.get("resilience4j.circuitbreaker.not.permitted.calls").tags("name", "late").counter().count())
                .isEqualTo(1);
        assertThat(r.get("resilience4j.circuitbreaker.calls").tags("name", "late", "kind", "failed", "app", "shop")
                .timer().count()).isEqualTo(1);

        late.transitionToHalfOpenState();
        assertThat(state(r, "late", "half_open")).isEqualTo(1);
        assertThat(state(r, "early", "closed")).isEqualTo(1);
    }

    @Test
    void noneRecordsNothing() {
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        breakers.circuitBreaker("b");
        BreakerMeters.bind(Metrics.none(), breakers);
        assertThat(Metrics.none().registry().getMeters()).isEmpty();
    }
}
