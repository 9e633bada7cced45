package dev.weft.demo.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The request/response and actor examples run to completion and say what they show, and the list has them. */
@Timeout(30)
class AskActorExamplesTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void requestResponseAnswersEachCustomerAndCountsTheLateReply() throws Exception {
        RequestResponse.run(out);
        assertThat(lines()).contains("customer-0 asked apples: 3", "customer-7 asked lemons: 1",
                "asked apples again: 3", "shop: 1 late reply dropped and counted, 0 ask(s) open",
                "     asks 0 open, 1 late replies dropped");
        assertThat(lines()).anyMatch(l -> l.startsWith("asked durian: AskException, cause: "
                + "java.util.NoSuchElementException: no price for 'durian'"));
        assertThat(lines()).anyMatch(l -> l.startsWith("asked inventory: no reply from service 'prices'"));
        assertThat(lines()).anyMatch(l -> l.contains("(inventory) late: dropped, its asker had given up"));
    }

    @Test
    void actorSupervisionRestartsTwiceThenFailsTheBank() throws Exception {
        ActorSupervision.run(out);
        assertThat(lines()).containsSubsequence("4 tellers deposited 25 x 10 each: balance 1000",
                "corrupt slip 1: account restarted (1 restart(s)), state rebuilt from the journal: balance 1000",
                "corrupt slip 2: account restarted (2 restart(s)), state rebuilt from the journal: balance 1000",
                "account FAILED after 2 restarts, 3 failures; state made 3 times; journal total 1005");
        assertThat(lines()).anyMatch(l -> l.contains("└─ city/bank/account (Actor): RUNNING"));
        assertThat(lines()).anyMatch(l -> l.contains("in  mailbox  0/8 queued"));
        assertThat(lines()).anyMatch(l -> l.startsWith("the bank failed: component 'city/bank/account' failed: "
                + "dev.weft.component.RestartLimitException"));
    }

    @Test
    void theExampleListHasBoth() throws Exception {
        List<String> names = Examples.list().stream().map(Examples.Example::name).toList();
        assertThat(names).contains("request-response", "actor-supervision");
    }
}
