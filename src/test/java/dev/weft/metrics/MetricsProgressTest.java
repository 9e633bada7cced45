package dev.weft.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Progress reports and estimated time to completion, as values and as gauges. */
class MetricsProgressTest {

    @Test
    void estimateGivenDirectlyIsPublished() {
        Metrics metrics = Metrics.simple();
        MeterRegistry r = metrics.registry();
        Progress p = metrics.progress("stub");
        assertThat(p.estimatedRemaining()).isEmpty();
        assertThat(p.fractionDone()).isNaN();
        assertThat(r.get("weft.progress.remaining").tags("progress", "stub").timeGauge().value()).isNaN();
        p.estimate(Duration.ofSeconds(3));
        assertThat(p.estimatedRemaining()).contains(Duration.ofSeconds(3));
        assertThat(r.get("weft.progress.remaining").tags("progress", "stub").timeGauge().value(TimeUnit.SECONDS))
                .isEqualTo(3.0);
        assertThat(metrics.progress("stub")).isSameAs(p);
        p.done();
        assertThat(p.fractionDone()).isEqualTo(1.0);
        assertThat(p.estimatedRemaining()).contains(Duration.ZERO);
        assertThat(r.get("weft.progress.fraction").tags("progress", "stub").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void estimateFromWorkDoneScalesElapsedTime() {
        Progress p = Metrics.simple().progress("work");
        p.update(0, 4);
        assertThat(p.estimatedRemaining()).isEmpty(); // nothing done yet: no basis
        assertThat(p.fractionDone()).isZero();
        p.update(1, 4);
        assertThat(p.fractionDone()).isEqualTo(0.25);
        assertThat(p.estimatedRemaining()).isPresent(); // three times the time so far
        p.update(4, 4);
        assertThat(p.estimatedRemaining()).contains(Duration.ZERO);
    }

    @Test
    void misuseThrows() {
        Progress p = Metrics.simple().progress("bad");
        assertThatThrownBy(() -> p.update(5, 4)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad");
        assertThatThrownBy(() -> p.update(-1, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.update(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.estimate(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.estimate(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void progressOnNoneWorksButRegistersNothing() {
        Progress p = Metrics.none().progress("x");
        p.estimate(Duration.ofSeconds(1));
        assertThat(p.estimatedRemaining()).contains(Duration.ofSeconds(1));
        assertThat(Metrics.none().registry().getMeters()).isEmpty();
    }
}
