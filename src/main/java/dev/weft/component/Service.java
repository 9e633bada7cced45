package dev.weft.component;

import java.time.Duration;
import java.util.Objects;

/**
 * A registered service: a name for one inbox of one component (Kamaelia's {@code (component, inbox)} pair), as
 * {@link Services#retrieve(String)} returns it. Link an outbox to it ({@link #linkFrom}) or put messages straight into
 * it ({@link #deliver}). Immutable; what it names may end (then deliveries are dropped and counted at that inbox).
 */
public final class Service {
    private final String name;
    private final Component component;
    private final String inbox;

    Service(String name, Component component, String inbox) {
        this.name = name;
        this.component = component;
        this.inbox = inbox;
    }

    /** The name the service is registered under. */
    public String name() {
        return name;
    }

    /** The component offering the service. */
    public Component component() {
        return component;
    }

    /** The inbox of {@link #component()} the service takes its messages in. */
    public String inbox() {
        return inbox;
    }

    /**
     * Links {@code from}'s {@code outbox} to this service's inbox ({@link Components#link(Component, String,
     * Component, String)}, blocking when full). Many components may link to one service.
     *
     * @throws IllegalStateException if {@code outbox} is already linked
     */
    public Linkage linkFrom(Component from, String outbox) {
        return Components.link(Objects.requireNonNull(from, "from"), outbox, component, inbox);
    }

    /**
     * Puts {@code message} into the service's inbox from any thread ({@link Component#deliver}), waiting for room.
     *
     * @return true if delivered, false if dropped because the service's component ended
     */
    public boolean deliver(Object message) throws InterruptedException {
        return component.deliver(message, inbox);
    }

    /**
     * Asks the service ({@link Asks#ask(Service, Object, Duration)}): puts a {@link Request} carrying
     * {@code question} into its inbox and waits up to {@code timeout} for the reply.
     *
     * @throws AskTimeoutException if no reply came in time
     * @throws AskException if the service's component failed the request, or ended without replying
     */
    public Object ask(Object question, Duration timeout) throws InterruptedException {
        return Asks.ask(this, question, timeout);
    }

    /** As {@link #ask(Object, Duration)}, with the reply checked to be a {@code replyType}. */
    public <R> R ask(Object question, Class<R> replyType, Duration timeout) throws InterruptedException {
        return Asks.ask(this, question, replyType, timeout);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Service s && name.equals(s.name) && component == s.component && inbox.equals(s.inbox);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, System.identityHashCode(component), inbox);
    }

    /** {@code "name -> component.inbox"}. */
    @Override
    public String toString() {
        return name + " -> " + component.path() + "." + inbox;
    }
}
