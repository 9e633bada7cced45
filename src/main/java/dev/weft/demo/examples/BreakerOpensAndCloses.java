package dev.weft.demo.examples;

import dev.weft.breaker.BreakerTransformer;
import dev.weft.breaker.Breakers;
import dev.weft.breaker.Rejected;
import dev.weft.breaker.WhenOpen;
import dev.weft.component.Component;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A circuit breaker (Resilience4j's, through {@code dev.weft.breaker}) opening and closing in front of a flaky payment
 * service: a {@link BreakerTransformer} charges orders; when the service goes down, failed charges come out on
 * {@code "rejected"} until half of the last four failed and the breaker opens; while open, orders are rejected without
 * calling the service (the {@link WhenOpen#reject()} policy) and the live view shows the breaker; once the service is
 * back and the breaker's wait has passed, two trial charges succeed and it closes again. The breaker's 30 second wait
 * runs on a simulated clock the example moves, so the run takes no time and prints the same every time.
 *
 * <p>{@code ./weft example breaker-opens-and-closes}.
 */
public final class BreakerOpensAndCloses {
    /** The line {@code ./weft example} shows. */
    public static final String DESCRIPTION = "a Resilience4j circuit breaker opens on failures, rejects, half-opens"
            + " and closes again";

    private BreakerOpensAndCloses() {
    }

    /** Runs the example; it takes no arguments. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            System.err.println("usage: ./weft example breaker-opens-and-closes (no arguments)");
            System.exit(2);
        }
        run(System.out);
    }

    /** The simulated clock the breaker reads: the example moves it instead of waiting. */
    static final class SimulatedClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Takes receipts and rejections (both linked to its inbox), for the main thread to print one per order. */
    static final class Outcomes extends Component {
        final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

        Outcomes() {
            super("outcomes");
        }

        @Override
        protected void main() throws InterruptedException {
            for (Object m : messages()) {
                queue.put(m);
            }
        }
    }

    /** Runs the example, printing to {@code out}. */
    static void run(PrintStream out) throws Exception {
        SimulatedClock clock = new SimulatedClock();
        CircuitBreaker payments = CircuitBreaker.of("payments", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).slidingWindowSize(4)
                .minimumNumberOfCalls(4).failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(30))
                .permittedNumberOfCallsInHalfOpenState(2).clock(clock).build());
        // transitions happen on the component's thread; printed by the main thread after the order that caused them
        Queue<String> transitions = new ConcurrentLinkedQueue<>();
        payments.getEventPublisher().onStateTransition(e -> transitions.add("  breaker: "
                + e.getStateTransition().getFromState() + " -> " + e.getStateTransition().getToState()));
        AtomicBoolean serviceUp = new AtomicBoolean(true);
        BreakerTransformer charge = Breakers.transformer("charge", payments, order -> {
            if (!serviceUp.get()) {
                throw new IOException("payment service unavailable");
            }
            return "receipt for " + order;
        }, WhenOpen.reject());
        Outcomes outcomes = new Outcomes();
        Components.link(charge, Component.OUTBOX, outcomes, Component.INBOX);
        Components.link(charge, BreakerTransformer.REJECTED, outcomes, Component.INBOX);
        try (ComponentSystem system = Components.open(Components.Options.defaults().withName("shop"))) {
            system.start(charge);
            system.start(outcomes);
            int order = 0;
            for (String phase : List.of("up", "down", "down", "up")) {
                switch (phase) {
                    case "up" -> {
                        if (!serviceUp.get()) {
                            out.println("-- the service is back; 30 s pass (simulated)");
                            clock.advance(Duration.ofSeconds(31));
                        }
                        serviceUp.set(true);
                    }
                    default -> {
                        if (serviceUp.get()) {
                            out.println("-- the payment service goes down");
                        }
                        serviceUp.set(false);
                    }
                }
                for (int i = 0; i < 2; i++) {
                    order++;
                    charge.deliver("order " + order, Component.INBOX);
                    Object outcome = outcomes.queue.poll(30, TimeUnit.SECONDS);
                    out.println("order " + order + ": " + describe(outcome));
                    for (String t = transitions.poll(); t != null; t = transitions.poll()) {
                        out.println(t);
                    }
                }
                if (order == 6) {
                    out.println("-- the live view:");
                    system.describe().lines().filter(l -> l.contains("shop/charge")).findFirst()
                            .ifPresent(l -> out.println("  " + l.substring(l.indexOf("shop/charge"))));
                }
            }
            out.println("breaker-opens-and-closes: " + Breakers.status(payments));
            charge.stop();
            outcomes.stop();
        }
    }

    private static String describe(Object outcome) {
        if (outcome instanceof Rejected r) {
            return r.notPermitted() ? "rejected, breaker open (service not called)"
                    : "failed: " + r.reason().getMessage();
        }
        return String.valueOf(outcome);
    }
}
