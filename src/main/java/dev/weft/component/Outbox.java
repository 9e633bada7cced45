package dev.weft.component;

/**
 * An outbox of one component: at most one linkage leaves it (one-to-many is refused; use a {@link Backplane} or a
 * splitter). A send follows the chain of linkages to the final inbox and puts the message there; a send on an
 * unlinked outbox is dropped and counted, or refused in a strict system. Only the component's own thread sends, so
 * the counts are plain fields (read by other threads only for views, possibly a little stale).
 */
final class Outbox {
    final Component owner;
    final String name;
    /** The linkage leaving this outbox, or null. */
    volatile Linkage link;
    /** How many child outboxes pass through to this one: a component whose signal a child feeds sends none itself. */
    volatile int passthroughSources;
    long sent;
    long droppedUnlinked;

    Outbox(Component owner, String name) {
        this.owner = owner;
        this.name = name;
    }

    /** Sends along the chain; false if dropped. */
    boolean send(Object message) throws InterruptedException {
        Linkage l = link;
        for (int hops = 0; l != null && l.kind == Linkage.Kind.OUTBOX_PASSTHROUGH; hops++) {
            if (hops > Links.MAX_HOPS) {
                throw new IllegalStateException("linkage chain from '" + owner.path() + "." + name
                        + "' is longer than " + Links.MAX_HOPS + " hops: is there a cycle of pass-throughs?");
            }
            l = l.toOutbox.link;
        }
        if (l == null) {
            if (owner.strictOutboxes()) {
                throw new IllegalStateException("outbox '" + owner.path() + "." + name
                        + "' is not linked (strict system: unlinked sends are refused)");
            }
            droppedUnlinked++;
            ComponentObserver.Probe p = owner.probe;
            if (p != null) {
                p.dropped(owner, name, ComponentObserver.Drop.UNLINKED);
            }
            return false;
        }
        sent++;
        ComponentObserver.Probe p = owner.probe;
        if (p != null) {
            p.sent(owner, name);
        }
        if (l.toShared != null) {
            return l.toShared.put(message, l, this);
        }
        return l.toInbox.put(message, l, this); // this: the sender's name is made only for an exception
    }
}
