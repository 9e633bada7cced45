package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Regression tests for faults the component properties' work turned up in the core (issue 14, item 11).
 *
 * <p>A component started as its owner's scope was cancelled was skipped by the scope and never ran: it stayed
 * {@code RUNNING} forever, and {@code join()} on it never returned. Owners now end such components as cancelled once
 * their scope was joined or closed ({@code Component.endIfNeverRan}).
 */
@Timeout(30)
class ComponentRegressionTest {

    /** Ends at once. */
    static final class Idle extends Component {
        @Override
        protected void main() {
        }
    }

    @Test
    void aChildAddedAfterItsSystemWasCancelledStillEnds() throws Exception {
        Idle child = new Idle();
        CountDownLatch running = new CountDownLatch(1);
        Component parent = new Component("parent") {
            @Override
            protected void main() throws Exception {
                running.countDown();
                try {
                    new CountDownLatch(1).await(); // ignores Shutdown: only the system's cancellation ends this
                } catch (InterruptedException e) {
                    addChildren(child); // a scope opened under a cancelled one never runs the child
                    throw e;
                }
            }
        };
        try (var system = Components.open(Components.Options.defaults().withCloseGracePeriod(Duration.ZERO))) {
            system.start(parent);
            running.await();
        }
        assertThat(parent.state()).isEqualTo(Component.State.CANCELLED);
        assertThat(child.state()).isEqualTo(Component.State.CANCELLED);
        // join returns (it used to wait forever) and reports the cancellation, as for any cancelled component
        assertThatThrownBy(() -> child.join(Duration.ofSeconds(5))).isInstanceOf(CancellationException.class)
                .hasMessageContaining("was cancelled");
    }

    @Test
    void aComponentStartedAfterAFailureCancelledItsSystemStillEnds() throws Exception {
        Component bad = new Component("bad") {
            @Override
            protected void main() {
                throw new IllegalStateException("boom");
            }
        };
        Idle late = new Idle();
        // bad.join() reported the failure, so the closing system does not throw it again
        assertThatCode(() -> {
            try (var system = Components.open()) {
                system.start(bad);
                try {
                    bad.join(Duration.ofSeconds(10));
                } catch (ComponentFailedException expected) {
                    // the failure cancels the system's scope (almost always before the next start)
                }
                system.start(late);
            }
        }).doesNotThrowAnyException();
        assertThat(late.state()).isIn(Component.State.SUCCEEDED, Component.State.CANCELLED);
        boolean ended;
        try {
            ended = late.join(Duration.ofSeconds(5));
        } catch (CancellationException e) {
            ended = true;
        }
        assertThat(ended).as("join of the component started late returned").isTrue();
    }
}
