package dev.weft.component;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Entry points for components: open a {@link ComponentSystem}, and link boxes.
 *
 * <pre>{@code
 * try (var system = Components.open()) {
 *     system.start(Pipeline.of(source, worker, sink));
 *     system.join();
 * }
 * }</pre>
 */
public final class Components {
    private Components() {
    }

    /** Opens a system with the default options, owned by the calling thread. */
    public static ComponentSystem open() {
        return open(Options.defaults());
    }

    /** Opens a system with {@code options}, owned by the calling thread. */
    public static ComponentSystem open(Options options) {
        return new ComponentSystem(Objects.requireNonNull(options, "options"), null);
    }

    /** Links {@code from}'s {@code outbox} to {@code to}'s {@code inbox}, blocking when the inbox is full. */
    public static Linkage link(Component from, String outbox, Component to, String inbox) {
        return link(from, outbox, to, inbox, Delivery.BLOCK);
    }

    /**
     * Links {@code from}'s {@code outbox} to {@code to}'s {@code inbox} with {@code delivery} for a full inbox. When
     * {@code from} is {@code to}'s parent and {@code outbox} names one of its inboxes, the linkage passes that inbox
     * through to the child's; when {@code to} is {@code from}'s parent and {@code inbox} names one of its outboxes,
     * the child's outbox passes through to it. Messages waiting in an inbox that is passed through move on at once.
     *
     * @throws IllegalStateException if the source box is already linked (one-to-many is refused)
     * @throws IllegalArgumentException if a box does not exist, or the linkage would make a cycle of pass-throughs
     */
    public static Linkage link(Component from, String outbox, Component to, String inbox, Delivery delivery) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(delivery, "delivery");
        return Links.link(from, outbox, to, inbox, delivery);
    }

    /**
     * Links {@code from}'s {@code outbox} to the shared inbox {@code to}, blocking while it is full: each message sent
     * goes to exactly one of its consumers ({@link SharedInbox}). Linking {@code "signal"} finishes it when
     * {@code from} ends normally ({@link ProducerFinished}), or stops its consumers if {@code from} fails
     * ({@link Shutdown}).
     *
     * @throws IllegalStateException if the outbox is already linked (one-to-many is refused)
     * @throws IllegalArgumentException if the outbox does not exist
     */
    public static Linkage link(Component from, String outbox, SharedInbox to) {
        return link(from, outbox, to, Delivery.BLOCK);
    }

    /** As {@link #link(Component, String, SharedInbox)}, with {@code delivery} for a full shared inbox. */
    public static Linkage link(Component from, String outbox, SharedInbox to, Delivery delivery) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(outbox, "outbox");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(delivery, "delivery");
        return Links.link(from, outbox, to, delivery);
    }

    // ---- stock components (Kamaelia's small ones) ----

    /**
     * A {@link Transformer} applying {@code function} to each message on {@code "inbox"} and sending the result on
     * {@code "outbox"}; a {@code null} result sends nothing.
     */
    public static Transformer transformer(Function<Object, ?> function) {
        return new Transformer(function);
    }

    /**
     * A {@link Transformer} of messages of {@code type} ({@code transformer(String.class, String::trim)}); a message of
     * another type fails it with a {@link ClassCastException} naming it. A {@code null} result sends nothing.
     */
    public static <T> Transformer transformer(Class<T> type, Function<? super T, ?> function) {
        return new Transformer(type, function);
    }

    /**
     * A {@link Batcher}: sends the messages of its {@code "inbox"} on as lists of up to {@code maxSize}, each sent
     * when full or {@code maxWait} after its first message arrived.
     *
     * @throws IllegalArgumentException if {@code maxSize < 1} or {@code maxWait} is negative
     */
    public static Batcher batcher(int maxSize, Duration maxWait) {
        return new Batcher(maxSize, maxWait);
    }

    /** A {@link Source} sending each of {@code items} on {@code "outbox"}, then {@link ProducerFinished}. */
    public static Source source(Iterable<?> items) {
        return new Source(items);
    }

    /** A {@link Source} sending {@code message} once, then {@link ProducerFinished} (Kamaelia's {@code OneShot}). */
    public static Source oneShot(Object message) {
        return new Source(List.of(Objects.requireNonNull(message, "message")));
    }

    /** A {@link Collector}: keeps what it receives, for {@link Collector#items()}. */
    public static Collector collector() {
        return new Collector();
    }

    /** A {@link ConsoleReader} of {@code System.in}, decoded with the default charset (UTF-8 unless configured). */
    public static ConsoleReader consoleReader() {
        return new ConsoleReader(System.in, Charset.defaultCharset());
    }

    /** A {@link ConsoleReader} of {@code in}, decoded as UTF-8. */
    public static ConsoleReader consoleReader(InputStream in) {
        return new ConsoleReader(in, StandardCharsets.UTF_8);
    }

    /** A {@link ConsoleEchoer} printing each message on a line of {@code System.out}. */
    public static ConsoleEchoer consoleEchoer() {
        return new ConsoleEchoer(System.out);
    }

    /** A {@link ConsoleEchoer} printing each message on a line of {@code out}. */
    public static ConsoleEchoer consoleEchoer(PrintStream out) {
        return new ConsoleEchoer(out);
    }

    /** Options for a {@link ComponentSystem}: immutable, made with {@code with…} methods. */
    public static final class Options {
        private static final Options DEFAULTS = new Options("system", false, Duration.ofSeconds(5), null);
        private final String name;
        private final boolean strictOutboxes;
        private final Duration closeGracePeriod;
        private final ComponentObserver observer;

        private Options(String name, boolean strictOutboxes, Duration closeGracePeriod, ComponentObserver observer) {
            this.name = name;
            this.strictOutboxes = strictOutboxes;
            this.closeGracePeriod = closeGracePeriod;
            this.observer = observer;
        }

        /** Name "system", unlinked sends dropped and counted, 5 s for components to stop on close, no observer. */
        public static Options defaults() {
            return DEFAULTS;
        }

        /** The system's name (non-blank, no {@code '/'}): the first segment of its components' paths. */
        public Options withName(String name) {
            if (name == null || name.isBlank() || name.contains("/")) {
                throw new IllegalArgumentException("system name must be non-blank and contain no '/', got '" + name
                        + "'");
            }
            return new Options(name, strictOutboxes, closeGracePeriod, observer);
        }

        /** Whether a send on an unlinked outbox throws instead of being dropped and counted. */
        public Options withStrictOutboxes(boolean strict) {
            return new Options(name, strict, closeGracePeriod, observer);
        }

        /** How long {@link ComponentSystem#close()} waits after sending Shutdown before cancelling what remains. */
        public Options withCloseGracePeriod(Duration grace) {
            if (grace == null || grace.isNegative()) {
                throw new IllegalArgumentException("close grace period must be >= 0, got " + grace);
            }
            return new Options(name, strictOutboxes, grace, observer);
        }

        /**
         * What watches the system's components (messages sent, delivered, received, dropped; starts and ends), e.g.
         * {@code dev.weft.metrics.Metrics}; {@code null} (the default) watches nothing and costs one null check per
         * event.
         */
        public Options withObserver(ComponentObserver observer) {
            return new Options(name, strictOutboxes, closeGracePeriod, observer);
        }

        /** The system's observer, or {@code null}. */
        public ComponentObserver observer() {
            return observer;
        }

        /** The system's name. */
        public String name() {
            return name;
        }

        /** Whether unlinked sends are refused. */
        public boolean strictOutboxes() {
            return strictOutboxes;
        }

        /** How long close waits for components to stop. */
        public Duration closeGracePeriod() {
            return closeGracePeriod;
        }
    }
}
