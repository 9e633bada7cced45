package dev.weft.component;

import java.util.Objects;

/**
 * Options for an {@link Actor}: immutable, made with {@code with…} methods from {@link #defaults()}.
 */
public final class ActorOptions {
    private static final ActorOptions DEFAULTS = new ActorOptions(null, Component.DEFAULT_CAPACITY,
            Supervision.escalate());
    private final String name;
    private final int mailboxCapacity;
    private final Supervision supervision;

    private ActorOptions(String name, int mailboxCapacity, Supervision supervision) {
        this.name = name;
        this.mailboxCapacity = mailboxCapacity;
        this.supervision = supervision;
    }

    /** Named after the class with a number, a mailbox of {@link Component#DEFAULT_CAPACITY}, escalate on failure. */
    public static ActorOptions defaults() {
        return DEFAULTS;
    }

    /** The actor's component name (non-blank, no {@code '/'}): its last path segment in views and errors. */
    public ActorOptions withName(String name) {
        if (name == null || name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("actor name must be non-blank and contain no '/', got '" + name + "'");
        }
        return new ActorOptions(name, mailboxCapacity, supervision);
    }

    /**
     * How many messages (tells and asks) the mailbox holds: a {@code tell} or {@code ask} from another thread waits
     * for room when it is full (backpressure); a tell from the actor's own thread never does (see {@link Actor}).
     */
    public ActorOptions withMailboxCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("an actor's mailbox needs a capacity >= 1, got " + capacity);
        }
        return new ActorOptions(name, capacity, supervision);
    }

    /** What a failing message does to the actor ({@link Supervision#escalate()} unless told otherwise). */
    public ActorOptions withSupervision(Supervision supervision) {
        return new ActorOptions(name, mailboxCapacity, Objects.requireNonNull(supervision, "supervision"));
    }

    /** The name, or null to name the actor after its class. */
    public String name() {
        return name;
    }

    /** The mailbox's capacity. */
    public int mailboxCapacity() {
        return mailboxCapacity;
    }

    /** The supervision policy. */
    public Supervision supervision() {
        return supervision;
    }

    /** {@code "ActorOptions[name=…, mailbox=…, supervision=…]"}. */
    @Override
    public String toString() {
        return "ActorOptions[name=" + name + ", mailbox=" + mailboxCapacity + ", supervision=" + supervision + "]";
    }
}
