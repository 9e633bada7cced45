package dev.weft.adapt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Netflix latency laws behind {@link SpeedLaw#GRADIENT2} and {@link SpeedLaw#VEGAS}, through an AdaptiveLimit. */
class NetflixLawTest {

    @ParameterizedTest
    @EnumSource(value = SpeedLaw.class, names = {"GRADIENT2", "VEGAS"})
    void roundTripsThatGrowFiveFoldBringTheLimitDownWithLatencyDecisions(SpeedLaw law) {
        List<Decision> heard = new CopyOnWriteArrayList<>();
        try (AdaptiveLimit limit = AdaptiveLimit.start(Goal.SPEED,
                Limits.none().withSpeedLaw(law).withInitialLimit(100).withMaxInFlight(1_000), heard::add)) {
            assertThat(limit.current()).isEqualTo(100);
            for (int i = 0; i < 2_000; i++) { // steady 10 ms round trips with the limit full
                limit.onTaskEnd(10_000_000, 100, 50, false);
            }
            int steady = limit.current();
            int low = steady;
            for (int i = 0; i < 50; i++) { // then 50 ms: a queue has built up
                limit.onTaskEnd(50_000_000, limit.current(), 50, false);
                low = Math.min(low, limit.current());
            }
            assertThat(low).as("%s soon after round trips grew five-fold (steady %d)", law, steady)
                    .isLessThan(steady);
            for (int i = 0; i < 5_000; i++) { // and they stay there
                limit.onTaskEnd(50_000_000, limit.current(), 50, false);
            }
            // what makes a latency law a poor speed goal on work whose round trips grow as it speeds up: once the
            // longer round trip is the new normal, the law grows again (here to its ceiling)
            System.out.printf("%s: steady %d, low %d, after 5,000 more ends at 50 ms %d%n", law, steady, low,
                    limit.current());
            assertThat(limit.current()).as("%s once 50 ms is the new normal", law).isGreaterThan(low);
            assertThat(heard).extracting(Decision::reason).contains(Decision.Reason.LATENCY);
            assertThat(heard.getLast().detail()).contains(law.name()).contains("round trip of 50.0 ms");
        }
    }

    @Test
    void aMapUnderGradient2ReturnsEveryResultInOrder() {
        try (AdaptiveLimit limit = AdaptiveLimit.start(Goal.SPEED,
                Limits.none().withSpeedLaw(SpeedLaw.GRADIENT2).withInitialLimit(4))) {
            List<Integer> items = IntStream.range(0, 200).boxed().toList();
            assertThat(Weft.map(items, i -> i * 2, limit)).isEqualTo(items.stream().map(i -> i * 2).toList());
        }
    }
}
