package example.breakeronly;

import dev.weft.breaker.Breakers;
import dev.weft.breaker.WhenOpen;
import dev.weft.component.Collector;
import dev.weft.component.Components;
import dev.weft.component.Pipeline;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.List;

/**
 * A program that uses circuit breakers on components and retries, run by {@code BreakerWithoutMicrometerTest} in a
 * JVM whose path holds the Weft classes, SLF4J and Resilience4j's breaker (and its core) and nothing else: breakers
 * must not need Micrometer. Prints {@code breaker-only: ok} at the end; any failure ends the JVM with a non-zero exit.
 */
public final class BreakerOnlyProgram {
    private BreakerOnlyProgram() {
    }

    public static void main(String[] args) throws Exception {
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry");
            throw new AssertionError("Micrometer is on the path: the check would prove nothing");
        } catch (ClassNotFoundException expected) {
            System.out.println("absent: io.micrometer.core.instrument.MeterRegistry");
        }
        CircuitBreaker cb = CircuitBreaker.ofDefaults("only");
        Collector sink = Components.collector();
        Pipeline.of(Components.source(List.of("a", "b")), Breakers.transformer(cb, m -> m + "!", WhenOpen.fail()),
                sink).run();
        String r = Breakers.retry(cb, 2, Duration.ZERO, () -> "retried");
        System.out.println("pipeline: " + sink.items() + ", retry: " + r + ", " + Breakers.status(cb));
        if (!sink.items().equals(List.of("a!", "b!")) || !r.equals("retried")) {
            throw new AssertionError("wrong results " + sink.items() + " " + r);
        }
        System.out.println("breaker-only: ok");
    }
}
