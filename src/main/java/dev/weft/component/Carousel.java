package dev.weft.component;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A new child for every message on {@value #NEXT} (Kamaelia's {@code Carousel}): the message is given to a factory,
 * and the component it makes becomes the carousel's child, with the carousel's {@code "inbox"} passed through to its
 * {@code "inbox"} and its {@code "outbox"} passed through to the carousel's {@code "outbox"}. When that child ends, the
 * carousel unwires it and sends {@value #NEXT_REQUEST} on {@value #REQUEST_NEXT}, so that a chooser (a playlist) can
 * answer with the next message on {@value #NEXT}. A message on {@value #NEXT} while a child runs replaces it at once:
 * the old child is unwired and sent {@link Shutdown}, the new one wired in. Things that normally run once and stop (a
 * file reader) become reusable this way.
 *
 * <pre>{@code
 * Carousel readers = Carousel.requestingFirst(name -> new FileReader((String) name));
 * Graphline.builder().component("playlist", playlist).component("reader", readers)
 *         .link("reader", "requestNext", "playlist", "inbox")
 *         .link("playlist", "outbox", "reader", "next")
 *         .link("playlist", "signal", "reader", "control")
 *         ...
 * }</pre>
 *
 * <p><b>Control.</b> A {@link Shutdown} on {@code "control"} shuts the running child down (Shutdown to its
 * {@code "control"}) and ends the carousel, which forwards it on {@code "signal"} once the child ended. A
 * {@link ProducerFinished} ("no more orders and no more data"; Kamaelia's carousel takes it as Shutdown) lets the
 * carousel finish first: it is passed to the running child's {@code "control"} (a child reading the inbox drains it and
 * ends), messages already waiting on {@value #NEXT} are still served (each child started then is handed the
 * {@code ProducerFinished} too), no more {@value #NEXT_REQUEST} is sent, and the carousel ends when its child ended,
 * forwarding the {@code ProducerFinished} on {@code "signal"}. Anything else arriving on {@code "control"} is passed to
 * the running child.
 *
 * <p><b>Between children.</b> Messages sent to the carousel's {@code "inbox"} while no child runs wait there and move on
 * to the next child when it is wired in. A child's {@code "signal"} is not linked (its end is seen by the carousel
 * itself), so its end message is dropped and counted on the child, never passed on. What a child left unread when it
 * ended or was replaced is lost with it, as in Kamaelia.
 *
 * <p><b>Failure.</b> A child that fails (or a factory that throws or returns null) fails the carousel. Every child,
 * replaced ones included, stays a child until it ended: the carousel ends only after all of them.
 *
 * <p>Thread safety: as any component; the factory is called on the carousel's own thread, one message at a time;
 * {@link #current()} may be read from any thread.
 */
public final class Carousel extends Component {
    /** The inbox whose messages make the next child. */
    public static final String NEXT = "next";
    /** The outbox on which the carousel asks for the next child's message when one ended. */
    public static final String REQUEST_NEXT = "requestNext";
    /** The message sent on {@value #REQUEST_NEXT}. */
    public static final String NEXT_REQUEST = "NEXT";

    private final Function<Object, ? extends Component> factory;
    private final boolean requestFirst;
    private volatile Component current;
    private Linkage currentIn;
    private Linkage currentOut;

    private Carousel(Function<Object, ? extends Component> factory, boolean requestFirst) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.requestFirst = requestFirst;
        addInbox(NEXT);
        addOutbox(REQUEST_NEXT);
    }

    /** A carousel making a child with {@code factory} for each message on {@value #NEXT}; it waits for the first. */
    public static Carousel of(Function<Object, ? extends Component> factory) {
        return new Carousel(factory, false);
    }

    /**
     * As {@link #of}, but the carousel asks for its first child as soon as it starts, by sending
     * {@value #NEXT_REQUEST} on {@value #REQUEST_NEXT} (Kamaelia's {@code make1stRequest}).
     */
    public static Carousel requestingFirst(Function<Object, ? extends Component> factory) {
        return new Carousel(factory, true);
    }

    /** The child wired in now, if any. */
    public Optional<Component> current() {
        return Optional.ofNullable(current);
    }

    /** What woke the carousel. */
    private sealed interface Event permits Control, Order, ChildEnded {
    }

    private record Control(Object message) implements Event {
    }

    private record Order(Object message) implements Event {
    }

    private record ChildEnded(Component child) implements Event {
    }

    @Override
    protected void main() throws InterruptedException {
        if (requestFirst) {
            send(NEXT_REQUEST, REQUEST_NEXT);
        }
        ProducerFinished finishing = null;
        while (true) {
            if (finishing != null && current == null && !dataReady(NEXT)) {
                throw new ShutdownSignal(path(), finishing); // forwarded on "signal" once every child ended
            }
            switch (awaitEvent()) {
                case Control(Shutdown s) -> {
                    Component child = current;
                    if (child != null) {
                        unplug();
                        child.deliver(s, CONTROL);
                    }
                    throw new ShutdownSignal(path(), s);
                }
                case Control(ProducerFinished p) -> {
                    finishing = p;
                    Component child = current;
                    if (child != null && child.state() == State.RUNNING) {
                        child.deliver(p, CONTROL);
                    }
                }
                case Control(Object other) -> {
                    Component child = current;
                    if (child != null && child.state() == State.RUNNING) {
                        child.deliver(other, CONTROL);
                    }
                }
                case ChildEnded(Component child) -> {
                    unplug();
                    if (child.state() != State.SUCCEEDED) {
                        return; // failed or cancelled: ending now lets the failure reach this carousel's owner
                    }
                    if (finishing == null) {
                        send(NEXT_REQUEST, REQUEST_NEXT);
                    }
                }
                case Order(Object order) -> {
                    Component old = current;
                    if (old != null) {
                        unplug();
                        old.deliver(new Shutdown("replaced by carousel '" + path() + "'"), CONTROL);
                    }
                    wireIn(order, finishing);
                }
            }
        }
    }

    private void wireIn(Object order, ProducerFinished finishing) throws InterruptedException {
        Component child = factory.apply(order);
        if (child == null) {
            throw new IllegalStateException("carousel '" + path() + "': its factory returned null for " + order);
        }
        if (finishing != null) {
            child.deliver(finishing, CONTROL);
        }
        // Linked before the child is added (and so started): a child that sends at once must find its outbox passed
        // through. The kinds are given because the child is not yet ours when the links are made.
        currentIn = Links.link(Linkage.Kind.INBOX_PASSTHROUGH, this, INBOX, child, INBOX, Delivery.BLOCK);
        currentOut = Links.link(Linkage.Kind.OUTBOX_PASSTHROUGH, child, OUTBOX, this, OUTBOX, Delivery.BLOCK);
        current = child;
        addChildren(child);
    }

    private void unplug() {
        currentIn.unlink();
        currentOut.unlink();
        currentIn = null;
        currentOut = null;
        current = null;
    }

    /** Waits for a control message, the running child's end, or an order on "next", in that order of priority. */
    private Event awaitEvent() throws InterruptedException {
        Inbox control = inbox(CONTROL, "receive from");
        Inbox next = inbox(NEXT, "receive from");
        lock.lock();
        try {
            waitingOn = CONTROL + ", " + NEXT + " or the running child";
            while (true) {
                Object c = control.take();
                if (c != null) {
                    return new Control(c);
                }
                Component child = current;
                if (child != null && child.state() != State.RUNNING) {
                    return new ChildEnded(child); // a child's end wakes its parent
                }
                Object n = next.take();
                if (n != null) {
                    return new Order(n);
                }
                arrived.await();
            }
        } finally {
            waitingOn = null;
            lock.unlock();
        }
    }
}
