package dev.weft.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.component.Component;
import dev.weft.component.ComponentFailedException;
import dev.weft.component.ComponentSystem;
import dev.weft.component.Components;
import dev.weft.component.Pipeline;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A component's handler through a breaker ({@link BreakerTransformer}): failures go out on "rejected" and open the
 * breaker; each {@link WhenOpen} policy; the breaker's state in the live views. Messages are fed one at a time from the
 * test thread and their results taken from queues, so every step is seen before the next (no sleeps).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BreakerTransformerTest {

    /** Puts what arrives on "inbox" into a queue the test takes from. */
    static final class Tap extends Component {
        final BlockingQueue<Object> got = new LinkedBlockingQueue<>();

        Tap(String name) {
            super(name);
        }

        @Override
        protected void main() throws InterruptedException {
            for (Object m : messages()) {
                got.put(m);
            }
        }

        Object next() throws InterruptedException {
            Object m = got.poll(20, TimeUnit.SECONDS);
            assertThat(m).as("a message reached '%s'", name()).isNotNull();
            return m;
        }
    }

    /** Upper-cases a message, or throws for one starting with "bad". */
    static Object handle(Object m, AtomicInteger calls) throws IOException {
        calls.incrementAndGet();
        String s = (String) m;
        if (s.startsWith("bad")) {
            throw new IOException("service down for " + s);
        }
        return s.toUpperCase();
    }

    @Test
    void failuresAreRejectedAndOpenTheBreakerWhichRejectsUntilTheWaitAndTrialCallsClose() throws Exception {
        TestClock clock = new TestClock();
        CircuitBreaker cb = BreakersTest.breaker("pay", clock);
        AtomicInteger calls = new AtomicInteger();
        BreakerTransformer t = Breakers.transformer("charge", cb, m -> handle(m, calls), WhenOpen.reject());
        Tap out = new Tap("out");
        Tap rejected = new Tap("rejected");
        Components.link(t, Component.OUTBOX, out, Component.INBOX);
        Components.link(t, BreakerTransformer.REJECTED, rejected, Component.INBOX);
        try (ComponentSystem system = Components.open(Components.Options.defaults().withName("shop"))) {
            system.start(t);
            system.start(out);
            system.start(rejected);

            t.deliver("ok", Component.INBOX);
            assertThat(out.next()).isEqualTo("OK");
            for (String m : List.of("bad1", "bad2", "bad3")) {
                t.deliver(m, Component.INBOX);
                Rejected r = (Rejected) rejected.next();
                assertThat(r.message()).isEqualTo(m);
                assertThat(r.breaker()).isEqualTo("pay");
                assertThat(r.notPermitted()).isFalse();
                assertThat(r.reason()).isInstanceOf(IOException.class).hasMessage("service down for " + m);
            }
            assertThat(cb.getState()).as("3 of 4 failed").isEqualTo(State.OPEN);
            assertThat(t.state()).isEqualTo(Component.State.RUNNING);
            // the state line: "RUNNING" (", waiting on inbox" once its thread is back at receive), then the status
            assertThat(system.describe()).containsPattern("shop/charge \\(BreakerTransformer\\): RUNNING(, waiting on "
                    + "inbox)?; breaker 'pay' OPEN: failure rate 75\\.0% \\(3 of 4 calls failed\\), 0 not permitted\n");
            assertThat(system.mermaid()).contains("breaker 'pay' OPEN");

            t.deliver("while open", Component.INBOX);
            Rejected r = (Rejected) rejected.next();
            assertThat(r.notPermitted()).isTrue();
            assertThat(r.reason()).isInstanceOf(CallNotPermittedException.class);
            assertThat(r.message()).isEqualTo("while open");
            assertThat(calls).as("the handler was not called while open").hasValue(4);

            clock.advance(BreakersTest.WAIT.plusSeconds(1));
            t.deliver("trial1", Component.INBOX);
            assertThat(out.next()).isEqualTo("TRIAL1");
            assertThat(cb.getState()).isEqualTo(State.HALF_OPEN);
            assertThat(t.status()).hasValueSatisfying(s -> assertThat(s).startsWith("breaker 'pay' HALF_OPEN"));
            t.deliver("trial2", Component.INBOX);
            assertThat(out.next()).isEqualTo("TRIAL2");
            assertThat(cb.getState()).isEqualTo(State.CLOSED);
            assertThat(system.describe()).contains("breaker 'pay' CLOSED: 0 of 0 calls failed, 0 not permitted");
            t.stop();
            out.stop();
            rejected.stop();
            system.join();
        }
        assertThat(t.state()).isEqualTo(Component.State.SUCCEEDED);
    }

    @Test
    void failPolicyFailsTheComponentNamingItAndTheBreaker() throws Exception {
        CircuitBreaker cb = CircuitBreaker.ofDefaults("inventory");
        cb.transitionToOpenState();
        AtomicInteger calls = new AtomicInteger();
        BreakerTransformer t = Breakers.transformer("reserve", cb, m -> handle(m, calls), WhenOpen.fail());
        Pipeline p = Pipeline.of(Components.source(List.of("a", "b")), t, Components.collector());
        assertThatThrownBy(p::run).isInstanceOf(ComponentFailedException.class)
                .rootCause().isInstanceOf(CallNotPermittedException.class);
        assertThat(t.state()).isEqualTo(Component.State.FAILED);
        assertThatThrownBy(t::join).hasCauseInstanceOf(BreakerOpenException.class)
                .cause().hasMessageContaining("component '" + t.path() + "' not run: circuit breaker 'inventory' is"
                        + " OPEN");
        assertThat(calls).hasValue(0);
    }

    @Test
    void fallbackPolicySendsTheFallbackDownstream() throws Exception {
        CircuitBreaker cb = CircuitBreaker.ofDefaults("prices");
        cb.transitionToOpenState();
        AtomicInteger calls = new AtomicInteger();
        BreakerTransformer t = Breakers.transformer(cb, m -> handle(m, calls),
                WhenOpen.fallback(m -> m.equals("skip") ? null : "cached " + m));
        var sink = Components.collector();
        Pipeline.of(Components.source(List.of("a", "skip", "b")), t, sink).run();
        assertThat(sink.items()).containsExactly("cached a", "cached b");
        assertThat(calls).hasValue(0);
        assertThat(cb.getMetrics().getNumberOfNotPermittedCalls()).isEqualTo(3);
        assertThat(t.name()).startsWith("BreakerTransformer-");
    }

    @Test
    void aClosedBreakerPassesEverythingThroughAndTheStatusShowsIt() throws Exception {
        CircuitBreaker cb = CircuitBreaker.ofDefaults("echo");
        AtomicInteger calls = new AtomicInteger();
        BreakerTransformer t = Breakers.transformer("up", cb, m -> handle(m, calls), WhenOpen.fail());
        var sink = Components.collector();
        Pipeline.of(Components.source(List.of("x", "y")), t, sink).run();
        assertThat(sink.items()).containsExactly("X", "Y");
        assertThat(t.status()).contains("breaker 'echo' CLOSED: 0 of 2 calls failed, 0 not permitted");
        assertThat(t.breaker()).isSameAs(cb);
        assertThat(WhenOpen.reject()).hasToString("WhenOpen.reject");
    }

    @Test
    void aRefusalFromABreakerInsideTheHandlerIsTheHandlersFailure() throws Exception {
        CircuitBreaker inner = CircuitBreaker.ofDefaults("inner");
        inner.transitionToOpenState();
        CircuitBreaker outer = CircuitBreaker.ofDefaults("outer");
        BreakerTransformer t = Breakers.transformer("nested", outer, m -> inner.executeCallable(() -> m),
                WhenOpen.fail());
        Tap rejected = new Tap("rejected");
        Components.link(t, BreakerTransformer.REJECTED, rejected, Component.INBOX);
        try (ComponentSystem system = Components.open()) {
            system.start(t);
            system.start(rejected);
            t.deliver("m", Component.INBOX);
            Rejected r = (Rejected) rejected.next();
            assertThat(r.notPermitted()).as("the outer breaker permitted it; the inner one refused").isFalse();
            assertThat(r.reason()).isInstanceOf(CallNotPermittedException.class).hasMessageContaining("'inner'");
            assertThat(outer.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
            assertThat(t.state()).as("WhenOpen.fail applies to the outer breaker only").isEqualTo(
                    Component.State.RUNNING);
            t.stop();
            rejected.stop();
            system.join();
        }
    }

    @Test
    void aStatusThatThrowsDoesNotBreakTheView() throws Exception {
        Component odd = new Component("odd") {
            @Override
            protected void main() throws InterruptedException {
                receive(CONTROL);
            }

            @Override
            public java.util.Optional<String> status() {
                throw new IllegalStateException("no status today");
            }
        };
        try (ComponentSystem system = Components.open(Components.Options.defaults().withName("v"))) {
            system.start(odd);
            assertThat(system.describe()).contains("v/odd: RUNNING").contains("; status failed: "
                    + "java.lang.IllegalStateException: no status today");
            odd.stop();
            system.join();
        }
    }
}
