package dev.weft.demo.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PriorityDeskTest {
    @Test
    void alarmsWaitLessThanReadingsOnlyAtThePriorityDesk() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<PriorityDesk.Run> runs = PriorityDesk.demo(300, 200_000, new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("plain-desk", "priority-desk", "alarm", "reading");
        PriorityDesk.Run plain = runs.get(0);
        PriorityDesk.Run priority = runs.get(1);
        assertThat(plain.alarms().length + plain.readings().length).isEqualTo(300);
        assertThat(priority.alarms().length + priority.readings().length).isEqualTo(300);
        // At the priority desk an alarm is served next, while a reading waits for the whole queue: medians differ by
        // about the queue's length (32 services); at the plain desk both wait for the queue.
        assertThat(PriorityDesk.percentileMillis(priority.alarms(), 0.5))
                .isLessThan(PriorityDesk.percentileMillis(priority.readings(), 0.5));
    }
}
