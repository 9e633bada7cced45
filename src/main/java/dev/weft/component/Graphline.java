package dev.weft.component;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Components wired by named linkages into one component (Kamaelia's {@code Graphline}), cycles allowed. In a link,
 * the name {@code "self"} is the graphline: {@code ("self", box)} as a source passes the graphline's inbox through to
 * a child's, and as a destination passes a child's outbox through to the graphline's; boxes named there are created on
 * the graphline. It ends when every child ended.
 *
 * <p>Beyond Kamaelia (whose graphline never touches its own boxes): if nothing links {@code ("self", "control")}, a
 * control message arriving there is passed to every running child's {@code "control"}, so {@link #stop()} reaches
 * them all; and if no child passes through to {@code ("self", "signal")}, the graphline sends
 * {@link ProducerFinished} there when its children ended, like any component.
 *
 * <pre>{@code
 * Graphline g = Graphline.builder()
 *         .component("RC", rateControl).component("RFA", reader)
 *         .link("RC", "outbox", "RFA", "inbox")
 *         .link("RFA", "outbox", "self", "outbox")
 *         .link("RFA", "signal", "RC", "control")
 *         .build();
 * }</pre>
 */
public final class Graphline extends Component {
    /** The name that stands for the graphline itself in links. */
    public static final String SELF = "self";

    private final Map<String, Component> named;

    private Graphline(Builder b) {
        this.named = Collections.unmodifiableMap(new LinkedHashMap<>(b.components));
        for (Link l : b.links) {
            if (l.from.equals(SELF) && !hasInbox(l.fromBox) && !hasOutbox(l.fromBox)) {
                addInbox(l.fromBox);
            }
            if (l.to.equals(SELF) && !hasOutbox(l.toBox) && !hasInbox(l.toBox)) {
                addOutbox(l.toBox);
            }
        }
        addChildren(named.values().toArray(Component[]::new));
        for (Link l : b.links) {
            Components.link(resolve(l.from), l.fromBox, resolve(l.to), l.toBox, l.delivery);
        }
    }

    private Component resolve(String name) {
        if (name.equals(SELF)) {
            return this;
        }
        Component c = named.get(name);
        if (c == null) {
            throw new IllegalArgumentException("graphline link names '" + name + "', which is neither '" + SELF
                    + "' nor one of its components " + named.keySet());
        }
        return c;
    }

    /** A builder of a graphline. */
    public static Builder builder() {
        return new Builder();
    }

    /** The children by the names the links use. */
    public Map<String, Component> named() {
        return named;
    }

    @Override
    protected void main() throws InterruptedException {
        while (true) {
            var control = awaitChildrenOrControl();
            if (control.isEmpty()) {
                return;
            }
            for (Component c : childComponents()) {
                if (c.state() == State.RUNNING) {
                    c.deliver(control.get(), CONTROL); // control messages never wait for room
                }
            }
        }
    }

    private record Link(String from, String fromBox, String to, String toBox, Delivery delivery) {
    }

    /** Collects the named components and links of a {@link Graphline}; not thread safe. */
    public static final class Builder {
        private final Map<String, Component> components = new LinkedHashMap<>();
        private final List<Link> links = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds {@code component} under {@code name}, the name links use.
         *
         * @throws IllegalArgumentException if the name is {@code "self"} or taken
         */
        public Builder component(String name, Component component) {
            Objects.requireNonNull(component, "component");
            if (name == null || name.isBlank() || name.equals(SELF)) {
                throw new IllegalArgumentException("graphline component name must be non-blank and not '" + SELF
                        + "', got '" + name + "'");
            }
            if (components.putIfAbsent(name, component) != null) {
                throw new IllegalArgumentException("graphline already has a component named '" + name + "'");
            }
            return this;
        }

        /** Links {@code fromName}'s {@code outbox} to {@code toName}'s {@code inbox}, blocking when full. */
        public Builder link(String fromName, String outbox, String toName, String inbox) {
            return link(fromName, outbox, toName, inbox, Delivery.BLOCK);
        }

        /** As {@link #link(String, String, String, String)} with {@code delivery} for a full inbox. */
        public Builder link(String fromName, String outbox, String toName, String inbox, Delivery delivery) {
            links.add(new Link(Objects.requireNonNull(fromName, "fromName"), Objects.requireNonNull(outbox, "outbox"),
                    Objects.requireNonNull(toName, "toName"), Objects.requireNonNull(inbox, "inbox"),
                    Objects.requireNonNull(delivery, "delivery")));
            return this;
        }

        /**
         * Makes the graphline: adds the components as its children and makes the links.
         *
         * @throws IllegalArgumentException if a link names an unknown component or box
         * @throws IllegalStateException if a box is linked twice
         */
        public Graphline build() {
            if (components.isEmpty()) {
                throw new IllegalArgumentException("a graphline needs at least one component");
            }
            return new Graphline(this);
        }
    }
}
