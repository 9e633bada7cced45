package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.scope.Priority;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class PriorityInboxTest {

    /** Waits for {@code go}, then receives {@code n} messages from its priority inbox, recording them. */
    static final class Gated extends Component {
        final CountDownLatch go = new CountDownLatch(1);
        final List<Object> got = new CopyOnWriteArrayList<>();
        final int n;

        Gated(PriorityInboxOptions options, int n) {
            this.n = n;
            addPriorityInbox(INBOX, options);
        }

        @Override
        protected void main() throws InterruptedException {
            go.await();
            for (int i = 0; i < n; i++) {
                got.add(receive());
            }
        }
    }

    private static Prioritized p(Object m, Priority priority) {
        return Prioritized.of(m, priority);
    }

    private static List<Object> run(Gated c, Object... messages) throws InterruptedException {
        try (var system = Components.open()) {
            system.start(c);
            for (Object m : messages) {
                c.deliver(m, Component.INBOX);
            }
            c.go.countDown();
            system.join();
        }
        return c.got;
    }

    @Test
    void higherLevelsFirstAndArrivalOrderWithinALevel() throws Exception {
        Gated c = new Gated(PriorityInboxOptions.defaults(), 6);
        assertThat(run(c, p("l1", Priority.LOW), p("h1", Priority.HIGH), "n1", p("l2", Priority.LOW),
                p("h2", Priority.HIGH), p("l3", Priority.LOW)))
                .containsExactly("h1", "h2", "n1", "l1", "l2", "l3");
    }

    @Test
    void earliestDeadlineFirstWithinALevelAndNoDeadlineLast() throws Exception {
        Gated c = new Gated(PriorityInboxOptions.defaults(), 5);
        assertThat(run(c, p("none", Priority.HIGH),
                p("30", Priority.HIGH).withDeadlineIn(Duration.ofSeconds(30)),
                p("10", Priority.HIGH).withDeadlineIn(Duration.ofSeconds(10)),
                p("low", Priority.LOW).withDeadlineIn(Duration.ZERO),
                p("20", Priority.HIGH).withDeadlineIn(Duration.ofSeconds(20))))
                .containsExactly("10", "20", "30", "none", "low");
    }

    @Test
    void starvationGuardServesAWaitingLowerLevelEveryLimitPlusOneReceptions() throws Exception {
        Gated c = new Gated(PriorityInboxOptions.defaults().withStarvationLimit(2), 13);
        Object[] in = new Object[13];
        for (int i = 0; i < 10; i++) {
            in[i] = p("h" + i, Priority.HIGH);
        }
        for (int i = 0; i < 3; i++) {
            in[10 + i] = p("l" + i, Priority.LOW);
        }
        assertThat(run(c, in)).containsExactly("h0", "h1", "l0", "h2", "h3", "l1", "h4", "h5", "l2", "h6", "h7",
                "h8", "h9");
        assertThat(c.starvationRescues(Component.INBOX)).isEqualTo(3);
    }

    @Test
    void withoutAGuardALowerLevelWaitsForEveryHigherMessage() throws Exception {
        Gated c = new Gated(PriorityInboxOptions.defaults().withStarvationLimit(Integer.MAX_VALUE), 4);
        assertThat(run(c, p("l", Priority.LOW), p("h0", Priority.HIGH), p("h1", Priority.HIGH),
                p("h2", Priority.HIGH))).containsExactly("h0", "h1", "h2", "l");
        assertThat(c.starvationRescues(Component.INBOX)).isZero();
    }

    @Test
    void sendersWaitingForRoomAreLetInHighestPriorityFirst() throws Exception {
        Gated c = new Gated(PriorityInboxOptions.defaults().withCapacity(1), 3);
        try (var system = Components.open()) {
            system.start(c);
            c.deliver("first", Component.INBOX); // the inbox is now full
            Thread low = Thread.ofVirtual().start(() -> deliver(c, p("low", Priority.LOW)));
            awaitWaiting(low);
            Thread high = Thread.ofVirtual().start(() -> deliver(c, p("high", Priority.HIGH)));
            awaitWaiting(high);
            c.go.countDown();
            system.join();
            low.join();
            high.join();
        }
        assertThat(c.got).containsExactly("first", "high", "low");
    }

    @Test
    void aPlainInboxDeliversTheEnvelopeWhole() throws Exception {
        Collector sink = Components.collector();
        Prioritized m = p("x", Priority.HIGH);
        Pipeline.of(Components.source(List.of(m)), sink).run();
        assertThat(sink.items()).containsExactly(m);
    }

    @Test
    void priorityTravelsThroughPlainStagesToAPriorityInbox() throws Exception {
        Gated c = new Gated(PriorityInboxOptions.defaults(), 2);
        try (var system = Components.open()) {
            Transformer relay = Components.transformer(m -> m); // a plain stage: passes the envelope on unchanged
            system.start(Pipeline.of(Components.source(List.of(p("l", Priority.LOW), p("h", Priority.HIGH))),
                    relay, c));
            awaitQueued(c, 2);
            c.go.countDown();
            system.join();
        }
        assertThat(c.got).containsExactly("h", "l");
    }

    @Test
    void misuseIsRefusedNamingTheComponent() {
        assertThatThrownBy(() -> new Component("c") {
            {
                addPriorityInbox(CONTROL, PriorityInboxOptions.defaults());
            }

            @Override
            protected void main() {
            }
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("control inbox of 'c'");
        assertThatThrownBy(() -> PriorityInboxOptions.defaults().withStarvationLimit(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("starvation limit");
        assertThatThrownBy(() -> Prioritized.of("m", Priority.LOW).withDeadlineIn(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("message m");
        assertThatThrownBy(() -> Priority.of(32)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void deliver(Component c, Object m) {
        try {
            c.deliver(m, Component.INBOX);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Parks until {@code t} is blocked waiting (for room in the inbox). */
    static void awaitWaiting(Thread t) {
        while (t.getState() != Thread.State.WAITING) {
            LockSupport.parkNanos(100_000);
        }
    }

    static void awaitQueued(Component c, int n) {
        while (c.queued(Component.INBOX) < n) {
            LockSupport.parkNanos(100_000);
        }
    }
}
