package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A FAIL linkage's exception still names the sending outbox by path, now that a send passes the outbox itself and the
 * name is made only for the exception (a send used to build the sender's path as a string every time).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class InboxFullMessageTest {

    @Test
    void failPolicyNamesTheSendingOutboxAndTheFullInbox() throws Exception {
        CountDownLatch refused = new CountDownLatch(1);
        Component slow = new Component("slow") {
            {
                addInbox("tiny", 1);
            }

            @Override
            protected void main() throws InterruptedException {
                refused.await();
            }
        };
        Component fast = new Component("fast") {
            @Override
            protected void main() throws InterruptedException {
                send("fits");
                try {
                    send("too many");
                } finally {
                    refused.countDown();
                }
            }
        };
        Components.link(fast, Component.OUTBOX, slow, "tiny", Delivery.FAIL);
        assertThatThrownBy(() -> {
            try (var system = Components.open(Components.Options.defaults().withName("sys"))) {
                system.start(slow).start(fast);
                system.join();
            }
        }).isInstanceOf(ComponentFailedException.class).hasRootCauseInstanceOf(InboxFullException.class)
                .rootCause().hasMessage("inbox 'sys/slow.tiny' is full (1 messages); send from 'sys/fast.outbox' "
                        + "refused by its linkage's FAIL policy");
        assertThat(slow.delivered("tiny")).isEqualTo(1);
    }
}
