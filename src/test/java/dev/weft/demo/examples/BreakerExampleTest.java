package dev.weft.demo.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The breaker example opens, rejects, half-opens and closes, and {@code ./weft example} finds it. */
@Timeout(30)
class BreakerExampleTest {

    @Test
    void theBreakerOpensRejectsAndClosesAgain() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BreakerOpensAndCloses.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        var lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).containsSubsequence("order 2: receipt for order 2",
                "order 4: failed: payment service unavailable", "  breaker: CLOSED -> OPEN",
                "order 5: rejected, breaker open (service not called)", "-- the live view:",
                "  breaker: OPEN -> HALF_OPEN", "order 8: receipt for order 8", "  breaker: HALF_OPEN -> CLOSED");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("  shop/charge (BreakerTransformer): RUNNING")
                .endsWith("breaker 'payments' OPEN: failure rate 50.0% (2 of 4 calls failed), 2 not permitted"));
        assertThat(lines.getLast()).isEqualTo("breaker-opens-and-closes: breaker 'payments' CLOSED: 0 of 0 calls"
                + " failed, 0 not permitted");
        assertThat(Examples.list()).anySatisfy(e -> assertThat(e.name()).isEqualTo("breaker-opens-and-closes"));
    }
}
