package dev.weft.component;

import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * One linkage: an outbox to an inbox, an outbox to a {@link SharedInbox}, or a pass-through (a parent's inbox to a
 * child's inbox, a child's outbox to a parent's outbox), made by {@link Components#link}, a {@link Pipeline} or a
 * {@link Graphline}. A send follows the
 * chain of linkages from the sender's outbox to the final inbox and puts the message straight in it ("direct
 * delivery": no router thread). The linkage whose hop reaches that inbox decides what happens when it is full
 * ({@link #delivery()}) and counts what it dropped.
 *
 * <p>Thread safe. {@link #unlink()} takes effect at once for every later send; a send that already found its inbox
 * still delivers (nothing in flight is lost).
 */
public final class Linkage {
    /** What a linkage connects. */
    enum Kind { OUTBOX_TO_INBOX, INBOX_PASSTHROUGH, OUTBOX_PASSTHROUGH, OUTBOX_TO_SHARED }

    final Kind kind;
    final Component from;
    final String fromBox;
    /** The destination component and box; null for {@link Kind#OUTBOX_TO_SHARED}. */
    final Component to;
    final String toBox;
    final Delivery delivery;
    /** Set when made; the destination box of this hop (an inbox, or for an outbox pass-through, an outbox). */
    final Inbox toInbox;
    final Outbox toOutbox;
    /** The destination of {@link Kind#OUTBOX_TO_SHARED}, else null. */
    final SharedInbox toShared;
    private final LongAdder dropped = new LongAdder();
    private volatile boolean linked = true;

    Linkage(Kind kind, Component from, String fromBox, Component to, String toBox, Delivery delivery) {
        this.kind = kind;
        this.from = from;
        this.fromBox = fromBox;
        this.to = to;
        this.toBox = toBox;
        this.delivery = delivery;
        this.toInbox = kind == Kind.OUTBOX_PASSTHROUGH ? null : to.inbox(toBox, "link to");
        this.toOutbox = kind == Kind.OUTBOX_PASSTHROUGH ? to.outbox(toBox, "link to") : null;
        this.toShared = null;
    }

    /** An outbox to a shared inbox. */
    Linkage(Component from, String fromBox, SharedInbox to, Delivery delivery) {
        this.kind = Kind.OUTBOX_TO_SHARED;
        this.from = from;
        this.fromBox = fromBox;
        this.to = null;
        this.toBox = null;
        this.delivery = delivery;
        this.toInbox = null;
        this.toOutbox = null;
        this.toShared = to;
    }

    /** The shared inbox this linkage leads to, if it leads to one ({@link SharedInbox}). */
    public Optional<SharedInbox> sharedInbox() {
        return Optional.ofNullable(toShared);
    }

    /** Removes the linkage: later sends no longer follow it. Idempotent. */
    public void unlink() {
        Links.unlink(this);
    }

    /** Whether the linkage is still in place. */
    public boolean isLinked() {
        return linked;
    }

    void markUnlinked() {
        linked = false;
    }

    /** The policy for a full destination inbox. */
    public Delivery delivery() {
        return delivery;
    }

    /**
     * Messages this linkage dropped: by {@link Delivery#DROP} on a full inbox, or because the destination component had
     * ended.
     */
    public long dropped() {
        return dropped.sum();
    }

    void countDrop() {
        dropped.increment();
    }

    /** {@code "from.outbox -> to.inbox"}, with the components' paths ({@code "-> shared inbox 'name'"}). */
    @Override
    public String toString() {
        return from.path() + "." + fromBox + " -> " + (toShared != null ? "shared inbox '" + toShared.name() + "'"
                : to.path() + "." + toBox)
                + (kind == Kind.OUTBOX_TO_INBOX || kind == Kind.OUTBOX_TO_SHARED ? "" : " (pass-through)")
                + (linked ? "" : " (unlinked)");
    }
}
