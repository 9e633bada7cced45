package dev.weft.component;

/**
 * "Stop now": a component that receives it on {@code "control"} ends without processing what is still in its
 * {@code "inbox"}, and by default forwards the same {@code Shutdown} through its {@code "signal"} outbox. A component
 * whose {@code main} throws also sends one, carrying its failure as the detail. {@link Component#stop()} sends one.
 */
public final class Shutdown extends ControlMessage {
    /** A plain "stop now". */
    public Shutdown() {
        super(null);
    }

    /** "Stop now", carrying {@code detail} (for example, a reason or the failure that caused it). */
    public Shutdown(Object detail) {
        super(detail);
    }
}
