package dev.weft.component;

/**
 * "No more data": the sender will send nothing more. A component that receives it on {@code "control"} still processes
 * the messages already in its {@code "inbox"}, then ends, and by default passes a {@code ProducerFinished} on through
 * its {@code "signal"} outbox, so a finite pipeline drains completely and then ends from its first stage to its last.
 */
public final class ProducerFinished extends ControlMessage {
    /** A plain "no more data". */
    public ProducerFinished() {
        super(null);
    }

    /** "No more data", carrying {@code detail} (for example, who finished or how many messages it sent). */
    public ProducerFinished(Object detail) {
        super(detail);
    }
}
