package dev.weft.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 12, item 6: a default timeout must be positive, as the javadoc of withDefaultTimeout says. */
class LockSetDefaultTimeoutTest {
    @Test
    void zeroOrNegativeDefaultTimeoutIsRejectedNamingTheLocks() {
        LockSet set = LockSet.of(new OrderedLock("accounts"));
        assertThatThrownBy(() -> set.withDefaultTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("accounts").hasMessageContaining("positive");
        assertThatThrownBy(() -> set.withDefaultTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("accounts");
        assertThat(set.withDefaultTimeout(Duration.ofNanos(1)).defaultTimeout()).isEqualTo(Duration.ofNanos(1));
    }

    @Test
    void acquireWithAnExplicitZeroTimeoutStillTriesOnce() throws Exception {
        LockSet set = LockSet.of(new OrderedLock("once"));
        try (var held = set.acquire(Duration.ZERO)) {
            assertThat(held).isNotNull();
        }
    }
}
