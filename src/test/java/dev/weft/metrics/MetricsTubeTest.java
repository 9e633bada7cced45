package dev.weft.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.tube.NodeRegistry;
import dev.weft.tube.NodeSpec;
import dev.weft.tube.NodeType;
import dev.weft.tube.Runners;
import dev.weft.tube.Tube;
import dev.weft.tube.TubeRunner;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a tube runner records into the Metrics given as its observer: node runs by outcome, epochs, in flight. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MetricsTubeTest {
    @Test
    void nodeRunsEpochsAndInFlightAreRecorded() {
        NodeRegistry reg = NodeRegistry.builder()
                .register("count", NodeType.source(p -> LongStream.iterate(0, i -> i + 1).iterator()))
                .register("odd_fails", NodeType.function(a -> {
                    if (a.<Long>get("v") % 2 == 1) {
                        throw new IllegalStateException("odd");
                    }
                    return a.get("v");
                }))
                .build();
        Tube tube = Tube.builder("measured")
                .withNode("a", NodeSpec.of("count"))
                .withNode("b", NodeSpec.of("odd_fails").withNamedDepends("v", "a.value"))
                .withNode("r", NodeSpec.of("return").withDepends("b.value"))
                .build(reg);
        Metrics m = Metrics.simple();
        try (TubeRunner r = Runners.concurrent(tube, Runners.Options.defaults().withObserver(m))) {
            assertThat(r.run(1)).containsExactly(0L);
            assertThatThrownBy(r::process).hasMessageContaining("node 'b' failed in epoch 1");
            assertThat(r.process()).isEqualTo(2L);
        }
        Timer ok = m.registry().find("weft.tube.node.run").tags("tube", "measured", "node", "b", "outcome",
                "succeeded").timer();
        Timer failed = m.registry().find("weft.tube.node.run").tags("tube", "measured", "node", "b", "outcome",
                "failed").timer();
        assertThat(ok.count()).isEqualTo(2);
        assertThat(failed.count()).isEqualTo(1);
        assertThat(m.registry().find("weft.tube.node.run").tags("node", "a").timer().count()).isEqualTo(3);
        assertThat(m.registry().find("weft.tube.epoch").tags("tube", "measured").timer().count()).isEqualTo(3);
        assertThat(m.registry().find("weft.tube.epochs.inflight").tags("tube", "measured").gauge().value())
                .isZero();
    }
}
