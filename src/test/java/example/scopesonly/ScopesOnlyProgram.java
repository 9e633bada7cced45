package example.scopesonly;

import dev.weft.Weft;
import dev.weft.event.Event;
import dev.weft.event.EventOptions;
import dev.weft.lock.LockSet;
import dev.weft.lock.OrderedLock;
import dev.weft.scope.Scope;
import dev.weft.scope.ScopeOptions;
import dev.weft.scope.Task;
import java.time.Duration;
import java.util.List;

/**
 * A program that uses only scopes, events, locks and the facade, run by {@code ScopesOnlyClassPathTest} in a JVM whose
 * path holds the Weft classes and SLF4J and nothing else: no Micrometer, no Jackson, no Resilience4j. Prints one line
 * per check and {@code scopes-only: ok} at the end; any failure ends the JVM with a stack trace and a non-zero exit.
 */
public final class ScopesOnlyProgram {
    private ScopesOnlyProgram() {
    }

    public static void main(String[] args) throws Exception {
        for (String absent : List.of("io.micrometer.core.instrument.MeterRegistry",
                "com.fasterxml.jackson.databind.ObjectMapper",
                "io.github.resilience4j.circuitbreaker.CircuitBreaker", "com.netflix.concurrency.limits.Limit")) {
            try {
                Class.forName(absent);
                throw new AssertionError(absent + " is on the path: the check would prove nothing");
            } catch (ClassNotFoundException expected) {
                System.out.println("absent: " + absent);
            }
        }
        OrderedLock account = new OrderedLock("account");
        Event done = Event.cpu(EventOptions.named("done"));
        done.record();
        int sum;
        try (var scope = Scope.<Integer>settle(ScopeOptions.named("jobs").withTimeout(Duration.ofSeconds(30)))) {
            Task<Integer> a = scope.fork("a", () -> LockSet.of(account).call(Duration.ofSeconds(5), () -> 1));
            Task<Integer> b = scope.fork("b", () -> {
                done.setFinished();
                return 2;
            });
            scope.join();
            sum = a.get() + b.get();
        }
        done.await();
        List<Integer> all = Weft.all(List.of(() -> 3, () -> 4));
        System.out.println("scopes: " + sum + ", event: " + done.query() + ", facade: " + all
                + ", dump: " + Scope.dump().strip());
        if (sum != 3 || !all.equals(List.of(3, 4))) {
            throw new AssertionError("wrong results " + sum + " " + all);
        }
        // adaptive limits need nothing more for the default speed law; a Netflix law says what is missing
        try (var limit = dev.weft.adapt.AdaptiveLimit.start(dev.weft.adapt.Goal.SPEED, dev.weft.adapt.Limits.none())) {
            List<Integer> doubled = Weft.map(List.of(1, 2, 3), i -> i * 2, limit);
            System.out.println("adaptive map: " + doubled);
            if (!doubled.equals(List.of(2, 4, 6))) {
                throw new AssertionError("wrong adaptive results " + doubled);
            }
        }
        try {
            dev.weft.adapt.AdaptiveLimit.start(dev.weft.adapt.Goal.SPEED,
                    dev.weft.adapt.Limits.none().withSpeedLaw(dev.weft.adapt.SpeedLaw.GRADIENT2)).close();
            throw new AssertionError("GRADIENT2 started without Netflix concurrency-limits");
        } catch (IllegalStateException expected) {
            System.out.println("gradient2 without its jar: " + expected.getMessage());
        }
        System.out.println("scopes-only: ok");
    }
}
