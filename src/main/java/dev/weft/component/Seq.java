package dev.weft.component;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs components one after another (Kamaelia's {@code Seq}): each becomes a child of the seq when the one before it
 * ended, and while it runs the seq's {@code "inbox"} passes through to its {@code "inbox"} and its {@code "outbox"}
 * passes through to the seq's {@code "outbox"}. The children's {@code "signal"} is not linked, so a seq pipelined into
 * another component does not stop it when one child ends. After the last child ended the seq ends, sending
 * {@link ProducerFinished} on {@code "signal"}.
 *
 * <pre>{@code
 * Pipeline.of(Seq.of(Components.oneShot("BEGIN"), Components.oneShot("Hello"), Components.oneShot("END")),
 *             Components.consoleEchoer()).run();   // BEGIN, Hello, END: each one-shot starts when the last ended
 * }</pre>
 *
 * <p><b>Control.</b> Kamaelia's seq ignores its {@code "control"}; this one passes what arrives there to the running
 * child's {@code "control"}, and remembers it: after a {@link Shutdown} no further child starts and the seq ends once
 * the running one ended, forwarding the {@code Shutdown} on {@code "signal"}; after a {@link ProducerFinished} ("no
 * more data on the inbox") every later child is handed one on its {@code "control"} as it starts, so that children
 * reading the inbox drain it and end instead of waiting for data that will never come.
 *
 * <p><b>Messages between children.</b> Messages sent to the seq while no child runs wait in its own inbox and move on
 * to the next child when it starts. A message that reaches a child after it stopped reading (it ended, the pass-through
 * not yet removed) is dropped and counted at that child's inbox and on the sender's linkage, as any send to an ended
 * component; what a child left unread in its inbox when it ended is lost with it, as in Kamaelia.
 *
 * <p><b>Failure.</b> If a child fails (or is cancelled), no further child starts and the seq fails with it.
 *
 * <p>Thread safety: as any component; the views ({@link #sequence()}, {@link #current()}) may be read from any thread.
 */
public final class Seq extends Component {
    private final List<Component> sequence;
    private volatile Component current;

    private Seq(List<? extends Component> sequence) {
        List<Component> copy = new ArrayList<>(sequence.size());
        for (int i = 0; i < sequence.size(); i++) {
            Component c = Objects.requireNonNull(sequence.get(i), "seq component " + i);
            if (c.state() != State.NEW || c.parent() != null || c.system() != null) {
                throw new IllegalStateException("seq component " + i + " '" + c.path()
                        + "' already started or belongs elsewhere; a component runs once, under one owner");
            }
            if (copy.contains(c)) {
                throw new IllegalArgumentException("seq lists component '" + c.name() + "' twice; a component runs"
                        + " once");
            }
            copy.add(c);
        }
        this.sequence = List.copyOf(copy);
    }

    /** A seq running {@code components} in this order; none may have started or belong elsewhere. */
    public static Seq of(Component... components) {
        return new Seq(List.of(components));
    }

    /** A seq running {@code components} in list order; none may have started or belong elsewhere. */
    public static Seq of(List<? extends Component> components) {
        return new Seq(components);
    }

    /** The components, in the order they run. */
    public List<Component> sequence() {
        return sequence;
    }

    /** The child running now, if any. */
    public Optional<Component> current() {
        return Optional.ofNullable(current);
    }

    @Override
    protected void main() throws InterruptedException {
        ProducerFinished finished = null;
        Shutdown stopping = null;
        for (Component child : sequence) {
            if (stopping != null) {
                break;
            }
            if (finished != null) {
                child.deliver(finished, CONTROL); // before it starts: it sees the end of the data at once
            }
            // Linked before the child is added (and so started): a child that sends at once must find its outbox
            // passed through. The kinds are given because the child is not yet ours when the links are made.
            Linkage in = Links.link(Linkage.Kind.INBOX_PASSTHROUGH, this, INBOX, child, INBOX, Delivery.BLOCK);
            Linkage out = Links.link(Linkage.Kind.OUTBOX_PASSTHROUGH, child, OUTBOX, this, OUTBOX, Delivery.BLOCK);
            current = child;
            addChildren(child);
            try {
                for (Optional<Object> c = awaitChildrenOrControl(); c.isPresent(); c = awaitChildrenOrControl()) {
                    Object m = c.get();
                    if (m instanceof Shutdown s) {
                        stopping = s;
                    } else if (m instanceof ProducerFinished p) {
                        finished = p;
                    }
                    if (child.state() == State.RUNNING) {
                        child.deliver(m, CONTROL);
                    }
                }
            } finally {
                in.unlink();
                out.unlink();
                current = null;
            }
            if (child.state() != State.SUCCEEDED) {
                return; // failed or cancelled: ending now lets the failure reach this seq's owner
            }
        }
        if (stopping != null) {
            throw new ShutdownSignal(path(), stopping); // forwarded on "signal" when main has ended
        }
    }
}
