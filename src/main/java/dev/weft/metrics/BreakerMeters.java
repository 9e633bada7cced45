package dev.weft.metrics;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import java.util.Objects;

/**
 * Circuit breakers' meters: Resilience4j's own Micrometer binding ({@code TaggedCircuitBreakerMetrics} from
 * {@code resilience4j-micrometer}) for every breaker of a {@link CircuitBreakerRegistry}, those added later included.
 * The meters are Resilience4j's, tagged {@code name} (the breaker's) plus the breaker's and registry's own tags:
 * {@code resilience4j.circuitbreaker.state} (a gauge per state, tag {@code state}; 1 for the breaker's state now, 0
 * for the others), {@code .calls} (tag {@code kind}: successful, failed, ignored, not_permitted),
 * {@code .not.permitted.calls}, {@code .buffered.calls}, {@code .failure.rate}, {@code .slow.calls},
 * {@code .slow.call.rate}.
 *
 * <p>Kept apart from {@link Metrics} so that Resilience4j loads only for programs that call this class; both
 * Resilience4j and Micrometer are optional dependencies, and a program that binds breakers' meters names both (and
 * {@code resilience4j-micrometer}). The {@code Metrics} handle's common tags are not applied (Resilience4j's binder
 * takes none): tag the registry ({@code CircuitBreakerRegistry.custom().withTags}) or the MeterRegistry's
 * {@code commonTags} instead. Stateless and thread safe.
 */
public final class BreakerMeters {
    private BreakerMeters() {
    }

    /**
     * Binds the meters of every breaker in {@code breakers}, now and later, to {@code metrics}' registry (nothing is
     * recorded for {@link Metrics#none()}).
     */
    public static void bind(Metrics metrics, CircuitBreakerRegistry breakers) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(breakers, "breakers");
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(metrics.registry());
    }
}
