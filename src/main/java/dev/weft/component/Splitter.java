package dev.weft.component;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * One inbox fanned out to sinks added and removed while it runs (Kamaelia's {@code Splitter}/{@code PlugSplitter}):
 * the core refuses to link one outbox to many inboxes, so a splitter takes each message from its {@value #INBOX} and
 * puts it straight into every current sink's inbox, in the order it took them. A sink is one inbox of a component,
 * optionally with a control inbox that hears how the splitter ended.
 *
 * <p><b>Adding and removing sinks.</b> Three ways, for three kinds of caller:
 * <ul>
 *   <li>{@link AddSink} / {@link RemoveSink} messages on {@value #INBOX}: applied in order with the data, so a sink
 *       added this way gets exactly the messages sent after it on the same path;</li>
 *   <li>the same messages on {@value #CONFIGURATION} (Kamaelia's box, to register as a service): applied before the
 *       next data message is taken;</li>
 *   <li>{@link #addSink} / {@link #removeSink} from any thread: effective for the messages fanned out after they
 *       return (one being fanned out at that moment may or may not reach the sink).</li>
 * </ul>
 * A sink added with a control inbox gets {@link ProducerFinished} there when it is removed (after the messages
 * already put into it), so a sink fed only by the splitter ends once it passed them on. A sink whose component ended is
 * removed by itself (the message that found it closed is counted dropped).
 *
 * <p><b>Full sinks.</b> A splitter waits for room in each sink's inbox in turn (Kamaelia's splitter holds back all
 * data while any sink is full): the slowest sink paces the splitter, and through its bounded inbox, the senders.
 * While it waits it does not see its {@value #CONTROL}; a sink that ends releases it. Messages that arrive while
 * there is no sink are counted ({@link #unheard()}).
 *
 * <p><b>Ending.</b> {@link Shutdown} on {@value #CONTROL} ends the splitter at once, {@link ProducerFinished} once its
 * inbox is drained; either way every sink added with a control inbox gets that message there, and the splitter
 * forwards it on {@value #SIGNAL}.
 *
 * <p>Thread safe where stated: {@link #addSink}, {@link #removeSink} and the views from any thread.
 */
public final class Splitter extends Component {
    /** The inbox for {@link AddSink} and {@link RemoveSink} messages, served before the data. */
    public static final String CONFIGURATION = "configuration";
    private static final Duration FOREVER = Duration.ofNanos(-1);

    private final Fanout fanout;

    /** A splitter named after its class. */
    public Splitter() {
        this(null);
    }

    /** A splitter named {@code name} (or after its class if null). */
    public Splitter(String name) {
        super(name);
        addInbox(CONFIGURATION);
        fanout = new Fanout(this);
    }

    /**
     * Adds {@code sink}'s {@code inbox} as a sink (from any thread), or returns the sink already feeding it.
     *
     * @throws IllegalArgumentException if the component has no such inbox
     */
    public Sink addSink(Component sink, String inbox) {
        return fanout.add(sink, inbox, null, Backplane.Overflow.BLOCK);
    }

    /**
     * Adds {@code sink}'s {@code inbox} as a sink whose {@code control} inbox gets the message the splitter ends with
     * (from any thread), or returns the sink already feeding that inbox.
     *
     * @throws IllegalArgumentException if the component has no such inbox
     */
    public Sink addSink(Component sink, String inbox, String control) {
        return fanout.add(sink, inbox, Objects.requireNonNull(control, "control"), Backplane.Overflow.BLOCK);
    }

    /**
     * Removes the sink feeding {@code sink}'s {@code inbox} (from any thread); if it was added with a control inbox,
     * that gets {@link ProducerFinished}, after every message already put into the sink.
     *
     * @return false if there was no such sink
     */
    public boolean removeSink(Component sink, String inbox) {
        return fanout.removeAndTell(sink, inbox);
    }

    /** The current sinks, in the order they were added. */
    public List<Sink> sinks() {
        return fanout.sinks();
    }

    /** Messages that arrived while there was no sink, and so went nowhere. */
    public long unheard() {
        return fanout.unheard();
    }

    @Override
    protected void main() throws InterruptedException {
        ControlMessage finishing = null;
        try {
            while (true) {
                for (Optional<Object> c; (c = poll(CONFIGURATION)).isPresent(); ) {
                    configure(c.get(), CONFIGURATION);
                }
                Optional<Object> control = poll(CONTROL);
                if (control.isPresent()) {
                    switch (control.get()) {
                        case Shutdown s -> throw end(s);
                        case ProducerFinished p -> finishing = p;
                        default -> send(control.get(), SIGNAL); // not ours: passed on, as Kamaelia does
                    }
                    continue;
                }
                Optional<Object> m = poll(INBOX);
                if (m.isPresent()) {
                    if (m.get() instanceof AddSink || m.get() instanceof RemoveSink) {
                        configure(m.get(), INBOX);
                    } else {
                        fanout.deliver(m.get());
                    }
                    continue;
                }
                if (finishing != null) {
                    throw end(finishing);
                }
                awaitAny(FOREVER);
            }
        } finally {
            fanout.end(new Shutdown("splitter '" + path() + "' failed or was cancelled")); // no-op once ended
        }
    }

    private ShutdownSignal end(ControlMessage m) {
        fanout.end(m);
        return new ShutdownSignal(path(), m);
    }

    private void configure(Object message, String box) {
        switch (message) {
            case AddSink a -> fanout.add(a.sink, a.inbox, a.control, Backplane.Overflow.BLOCK);
            case RemoveSink r -> fanout.removeAndTell(r.sink, r.inbox);
            default -> throw new IllegalArgumentException("splitter '" + path() + "' got " + message + " on '"
                    + box + "'; it takes only Splitter.AddSink and Splitter.RemoveSink there");
        }
    }

    /** A message asking a splitter to add a sink; see {@link Splitter}. Immutable. */
    public static final class AddSink {
        private final Component sink;
        private final String inbox;
        private final String control;

        /** Add {@code sink}'s {@code inbox} as a sink. */
        public AddSink(Component sink, String inbox) {
            this.sink = Objects.requireNonNull(sink, "sink");
            this.inbox = Objects.requireNonNull(inbox, "inbox");
            this.control = null;
        }

        /** Add {@code sink}'s {@code inbox} as a sink, its {@code control} to hear how the splitter ended. */
        public AddSink(Component sink, String inbox, String control) {
            this.sink = Objects.requireNonNull(sink, "sink");
            this.inbox = Objects.requireNonNull(inbox, "inbox");
            this.control = Objects.requireNonNull(control, "control");
        }

        @Override
        public String toString() {
            return "AddSink[" + sink.path() + "." + inbox + (control == null ? "" : ", control " + control) + "]";
        }
    }

    /** A message asking a splitter to remove a sink; see {@link Splitter}. Immutable. */
    public static final class RemoveSink {
        private final Component sink;
        private final String inbox;

        /** Remove the sink feeding {@code sink}'s {@code inbox}. */
        public RemoveSink(Component sink, String inbox) {
            this.sink = Objects.requireNonNull(sink, "sink");
            this.inbox = Objects.requireNonNull(inbox, "inbox");
        }

        @Override
        public String toString() {
            return "RemoveSink[" + sink.path() + "." + inbox + "]";
        }
    }

    /**
     * One sink of a {@link Splitter} or one subscriber of a {@link Backplane}: the inbox it is fed, its policy for a
     * full inbox, and its counters. A live view: the counters move while the fan-out runs.
     */
    public static final class Sink {
        private final Component component;
        private final String inbox;
        private final String control;
        private final Backplane.Overflow overflow;
        final LongAdder delivered = new LongAdder();
        final LongAdder dropped = new LongAdder();
        volatile boolean active = true;

        Sink(Component component, String inbox, String control, Backplane.Overflow overflow) {
            this.component = component;
            this.inbox = inbox;
            this.control = control;
            this.overflow = overflow;
        }

        /** The component fed. */
        public Component component() {
            return component;
        }

        /** The inbox fed. */
        public String inbox() {
            return inbox;
        }

        /** The control inbox told how the fan-out ended (or that the sink was removed), or null. */
        String control() {
            return control;
        }

        /** What happens when the inbox is full. */
        public Backplane.Overflow overflow() {
            return overflow;
        }

        /** Messages put into the inbox. */
        public long delivered() {
            return delivered.sum();
        }

        /**
         * Messages this sink lost: the oldest ones taken out of its full inbox under
         * {@link Backplane.Overflow#DROP_OLDEST} (so they were delivered, then dropped), or one that found its
         * component ended.
         */
        public long dropped() {
            return dropped.sum();
        }

        /** Whether the sink is still fed (false once removed, or once the fan-out ended). */
        public boolean isActive() {
            return active;
        }

        /** {@code "Sink[component.inbox, policy, delivered n, dropped m]"}. */
        @Override
        public String toString() {
            return "Sink[" + component.path() + "." + inbox + ", " + overflow + ", delivered " + delivered()
                    + ", dropped " + dropped() + (active ? "" : ", inactive") + "]";
        }
    }
}
