package dev.weft.component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A component in Kamaelia's sense, on a virtual thread: user code overrides {@link #main()}, which runs on the
 * component's own virtual thread, receives from named inboxes and sends to named outboxes. Standard boxes:
 * {@value #INBOX} and {@value #CONTROL} in, {@value #OUTBOX} and {@value #SIGNAL} out; declare more in the constructor
 * ({@link #addInbox}, {@link #addOutbox}).
 *
 * <pre>{@code
 * class Upper extends Component {
 *     protected void main() throws InterruptedException {
 *         for (Object line : messages()) {          // until ProducerFinished (drained) or Shutdown on "control"
 *             send(line.toString().toUpperCase());  // to "outbox"
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p><b>Structure.</b> Every running component belongs to a {@link ComponentSystem} or to a parent component, and runs
 * as a task of its owner's {@code Scope}: it ends only when its {@code main} returned and all its children ended, and a
 * failure is never lost ({@link #join()} rethrows it as {@link ComponentFailedException} naming the path; a failed
 * child cancels its siblings and fails its parent).
 *
 * <p><b>Delivery.</b> A send puts the message straight into the final destination inbox (chains of linkages are
 * resolved per send, no router thread). Inboxes are bounded ({@link #DEFAULT_CAPACITY} unless declared otherwise); a
 * send into a full inbox blocks (backpressure) unless its linkage says {@link Delivery#FAIL} or {@link Delivery#DROP}.
 * A send on an unlinked outbox is dropped and counted ({@link #droppedUnlinked()}), or refused in a strict system.
 * Receiving parks the virtual thread (never its carrier) until a delivery wakes it: nothing polls, nothing spins.
 * Several components can consume one bounded queue, each message going to one of them: a {@link SharedInbox}.
 *
 * <p><b>Shutdown.</b> {@link ProducerFinished} ("no more data") and {@link Shutdown} ("stop now") arrive on
 * {@code "control"}. The waits on a data inbox ({@link #receive()}, {@link #messages()}) end with
 * {@link ShutdownSignal} on {@code Shutdown}, or on {@code ProducerFinished} once the inbox is drained. When
 * {@code main} returns, the component sends {@code ProducerFinished} on {@code "signal"} (or forwards the control
 * message that ended it); when {@code main} throws, it sends {@code Shutdown} carrying the failure. A component whose
 * {@code "signal"} a child passes through (a {@link Pipeline}'s last stage) sends nothing itself.
 *
 * <p><b>Threads.</b> The methods that send, receive and add children are for the component's own thread (others get
 * {@link WrongThreadException}); {@link #deliver}, {@link #stop()}, {@link #join()} and the views may be called from
 * any thread. A component runs once.
 */
public abstract class Component {
    /** The standard data inbox. */
    public static final String INBOX = "inbox";
    /** The standard inbox for {@link ControlMessage}s. */
    public static final String CONTROL = "control";
    /** The standard data outbox. */
    public static final String OUTBOX = "outbox";
    /** The standard outbox for {@link ControlMessage}s. */
    public static final String SIGNAL = "signal";
    /** The capacity of an inbox declared without one: big enough to smooth bursts, small enough to push back early. */
    public static final int DEFAULT_CAPACITY = 64;

    /** The states of a component. */
    public enum State {
        /** Made, not started. */
        NEW,
        /** Its thread runs {@code main} or waits for its children. */
        RUNNING,
        /** {@code main} returned and all children ended. */
        SUCCEEDED,
        /** {@code main} (or a child) threw; see {@link #join()}. */
        FAILED,
        /** Its owner's scope was cancelled (a sibling failed, or its system was closed by force). */
        CANCELLED
    }

    private static final AtomicLong IDS = new AtomicLong();

    final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever any inbox of this component receives, or a child ends. */
    final Condition arrived = lock.newCondition();
    private final long id = IDS.incrementAndGet();
    private final String name;
    private final Map<String, Inbox> inboxes = new LinkedHashMap<>();
    private final Map<String, Outbox> outboxes = new LinkedHashMap<>();
    /**
     * Children added and not yet ended, in the order added: an ended child leaves (as Kamaelia's parents unplug
     * stopped children), so a long-lived parent (a server, a carousel) holds only its live ones. Cheap to append.
     */
    private final Queue<Component> children = new ConcurrentLinkedQueue<>();
    /** Children ever added, for views. */
    private final AtomicLong childrenAdded = new AtomicLong();
    private final List<Linkage> linkages = new CopyOnWriteArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Component parent;
    private volatile ComponentSystem system;
    private volatile State state = State.NEW;
    private volatile Thread thread;
    private volatile Throwable failure;
    /** What this component's thread is waiting on, for views: null when running. */
    volatile String waitingOn;
    /** The control message that ended this component's waits, forwarded on "signal" when main returns. */
    private ControlMessage endedBy;
    /** Children of this component, run on its thread's scope; created on first use. */
    private Children kids;
    /**
     * The system's observer probe, or null: set under {@link #lock} when the component is attached, before its thread
     * starts; read by its own thread and under its lock, so a plain field.
     */
    ComponentObserver.Probe probe;
    /** Open asks and late replies ({@link Asks}); made on the first ask, so a component never asked pays nothing. */
    volatile AskBook asks;

    /** A component named after its class (with a number). */
    protected Component() {
        this(null);
    }

    /**
     * A component named {@code name} (non-blank, no {@code '/'}), or after its class if null.
     *
     * @throws IllegalArgumentException if the name is blank or contains {@code '/'}
     */
    // The standard boxes keep a reference to this component (its lock, for views its path); they only store it here,
    // and nothing reads through it before a subclass finished constructing.
    @SuppressWarnings("this-escape")
    protected Component(String name) {
        if (name != null && (name.isBlank() || name.contains("/"))) {
            throw new IllegalArgumentException("component name must be non-blank and contain no '/', got '" + name
                    + "'");
        }
        String simple = getClass().getSimpleName();
        this.name = name != null ? name : (simple.isEmpty() ? "component" : simple) + "-" + id;
        inboxes.put(INBOX, new Inbox(this, INBOX, DEFAULT_CAPACITY));
        inboxes.put(CONTROL, new Inbox(this, CONTROL, DEFAULT_CAPACITY));
        outboxes.put(OUTBOX, new Outbox(this, OUTBOX));
        outboxes.put(SIGNAL, new Outbox(this, SIGNAL));
    }

    /** The component's work, on its own virtual thread. Return to end normally; throw to fail. */
    protected abstract void main() throws Exception;

    // ---- boxes ----

    /** Declares an inbox of {@link #DEFAULT_CAPACITY}; before the component starts. */
    protected final void addInbox(String box) {
        addInbox(box, DEFAULT_CAPACITY);
    }

    /**
     * Declares an inbox holding at most {@code capacity} messages; before the component starts.
     *
     * @throws IllegalStateException if the component started or the box exists
     */
    protected final void addInbox(String box, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("inbox '" + box + "' of '" + name + "' needs a capacity >= 1, got "
                    + capacity);
        }
        declare(box);
        inboxes.put(box, new Inbox(this, box, capacity));
    }

    /**
     * Declares {@code box} as a priority inbox ({@link PriorityInboxOptions}), or turns an inbox already declared, such
     * as the standard {@value #INBOX}, into one; before the component starts. A priority inbox serves
     * {@link Prioritized} messages by level, then by deadline, under a starvation guard, and hands the receiver the
     * bare message; messages that are not wrapped get the options' default priority.
     *
     * @throws IllegalStateException if the component started, or {@code box} is {@value #CONTROL} or an outbox
     */
    protected final void addPriorityInbox(String box, PriorityInboxOptions options) {
        Objects.requireNonNull(box, "box name");
        Objects.requireNonNull(options, "options");
        if (box.equals(CONTROL)) {
            throw new IllegalStateException("the control inbox of '" + name + "' cannot be a priority inbox: "
                    + "control messages are served in the order they come");
        }
        if (inboxes.containsKey(box)) {
            if (state != State.NEW) {
                throw new IllegalStateException("inbox '" + box + "' of '" + path() + "' made a priority inbox "
                        + "after the component started");
            }
        } else {
            declare(box);
        }
        inboxes.put(box, new Inbox(this, box, options.capacity(), options));
    }

    /** Declares an outbox; before the component starts. */
    protected final void addOutbox(String box) {
        declare(box);
        outboxes.put(box, new Outbox(this, box));
    }

    private void declare(String box) {
        Objects.requireNonNull(box, "box name");
        if (state != State.NEW) {
            throw new IllegalStateException("box '" + box + "' declared on '" + path() + "' after it started");
        }
        if (inboxes.containsKey(box) || outboxes.containsKey(box)) {
            throw new IllegalStateException("component '" + name + "' already has a box named '" + box + "'");
        }
    }

    /** The names of this component's inboxes, in declaration order. */
    public final List<String> inboxNames() {
        return List.copyOf(inboxes.keySet());
    }

    /** The names of this component's outboxes, in declaration order. */
    public final List<String> outboxNames() {
        return List.copyOf(outboxes.keySet());
    }

    boolean hasInbox(String box) {
        return inboxes.containsKey(box);
    }

    boolean hasOutbox(String box) {
        return outboxes.containsKey(box);
    }

    Inbox inbox(String box, String what) {
        return box(inboxes, "inbox", box, what);
    }

    Outbox outbox(String box, String what) {
        return box(outboxes, "outbox", box, what);
    }

    private <B> B box(Map<String, B> boxes, String kind, String box, String what) {
        B b = boxes.get(box);
        if (b == null) {
            throw new IllegalArgumentException(what + " " + kind + " '" + box + "': component '" + path()
                    + "' has no such " + kind + "; its " + kind + "es are " + boxes.keySet());
        }
        return b;
    }

    // ---- sending ----

    /** Sends {@code message} on {@value #OUTBOX}; see {@link #send(Object, String)}. */
    protected final void send(Object message) throws InterruptedException {
        send(message, OUTBOX);
    }

    /**
     * Sends {@code message} on {@code outbox}: straight into the inbox its linkages lead to. Blocks while that inbox
     * is full if the linkage says {@link Delivery#BLOCK}.
     *
     * @throws InboxFullException if the inbox is full and the linkage says {@link Delivery#FAIL}
     * @throws IllegalStateException if the outbox is unlinked in a strict system
     * @throws WrongThreadException if called from another thread than the component's
     */
    protected final void send(Object message, String outbox) throws InterruptedException {
        Objects.requireNonNull(message, () -> "null message sent on '" + path() + "." + outbox + "'");
        checkThread("send");
        outbox(outbox, "send on").send(message);
    }

    /**
     * Puts {@code message} into this component's {@code inbox} from outside it (any thread), as a linkage with
     * {@link Delivery#BLOCK} would: for feeding a system from plain code. Dropped and counted if the component ended.
     *
     * @return true if delivered, false if dropped because the component ended
     */
    public final boolean deliver(Object message, String inbox) throws InterruptedException {
        Objects.requireNonNull(message, () -> "null message delivered to '" + path() + "." + inbox + "'");
        return inbox(inbox, "deliver to").put(message, null, "outside");
    }

    // ---- receiving ----

    /**
     * The next message on {@value #INBOX}, waiting for one.
     *
     * @throws ShutdownSignal when a {@link Shutdown} arrives on {@value #CONTROL}, or a {@link ProducerFinished} and
     *     the inbox is empty
     */
    protected final Object receive() throws InterruptedException {
        return receive(INBOX);
    }

    /**
     * The next message on {@code inbox}, waiting for one. Waiting on {@value #CONTROL} returns control messages;
     * waiting on any other inbox ends with {@link ShutdownSignal} as {@link #receive()} does.
     */
    protected final Object receive(String inbox) throws InterruptedException {
        return await(inbox, -1);
    }

    /** As {@link #receive(String)}, but gives up after {@code timeout}: empty then. */
    protected final Optional<Object> receive(String inbox, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        return Optional.ofNullable(await(inbox, Math.max(0, nanos)));
    }

    /** The next message on {@code inbox} if one is there; never waits (and never throws {@link ShutdownSignal}). */
    protected final Optional<Object> poll(String inbox) {
        checkThread("poll");
        Inbox in = inbox(inbox, "poll");
        lock.lock();
        try {
            return Optional.ofNullable(in.take());
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code inbox} holds a message. */
    protected final boolean dataReady(String inbox) {
        return readInbox(inbox, "dataReady", in -> in.queued() > 0);
    }

    /** An inbox holding a message, the first in declaration order, if any. */
    protected final Optional<String> anyReady() {
        lock.lock();
        try {
            for (Inbox in : inboxes.values()) {
                if (in.queued() > 0) {
                    return Optional.of(in.name);
                }
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A batch of messages from {@code inbox}: returns as soon as {@code maxSize} messages are there, or once
     * {@code maxWait} has passed since the first of them arrived, whichever comes first (seed 000's batching with a
     * short wait). The time counts from when the inbox last went from empty to holding a message, so a batch may
     * close early, never late: no message waits in the inbox more than {@code maxWait} while its component is in
     * this call. A {@link ProducerFinished} ends the wait at once with what is there.
     *
     * <p>Never returns an empty list unless the inbox was shut down: a {@link Shutdown}, or a
     * {@link ProducerFinished} with the inbox drained (as with {@link #messages()}, the control message is then
     * forwarded on {@value #SIGNAL} when {@code main} returns), so {@code while (!(batch = receiveBatch(...))
     * .isEmpty())} is the loop. Messages are taken only when the call returns, so an interrupt loses none. A priority
     * inbox fills the batch in its serving order. From an inbox attached to a {@link SharedInbox}, the batch is taken
     * at once whenever the shared inbox holds messages (other consumers could be taking them meanwhile), up to
     * {@code maxSize}; the wait for more applies to the inbox's own messages.
     *
     * @throws IllegalArgumentException if {@code maxSize < 1} or {@code maxWait} is negative
     */
    protected final List<Object> receiveBatch(String inbox, int maxSize, Duration maxWait)
            throws InterruptedException {
        checkThread("receiveBatch");
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxSize < 1 || maxWait.isNegative()) {
            throw new IllegalArgumentException("receiveBatch on '" + path() + "." + inbox + "' needs maxSize >= 1 "
                    + "and maxWait >= 0, got " + maxSize + " and " + maxWait);
        }
        long waitNanos = TimeUnit.NANOSECONDS.convert(maxWait); // saturates
        Inbox in = inbox(inbox, "receiveBatch from");
        Inbox control = inbox.equals(CONTROL) ? null : inboxes.get(CONTROL);
        lock.lock();
        try {
            waitingOn = inbox;
            while (true) {
                int n = in.queued();
                if (control != null) {
                    Object c = control.peek();
                    if (c instanceof Shutdown s) {
                        control.take();
                        endedBy = s;
                        return List.of();
                    }
                    if (c instanceof ProducerFinished p) {
                        if (n > 0) { // no more will come: no point waiting
                            List<Object> batch = takeBatch(in, Math.min(n, maxSize));
                            if (!batch.isEmpty()) {
                                return batch;
                            } // else other consumers took what the shared inbox held: drained now
                        }
                        control.take();
                        endedBy = p;
                        return List.of();
                    }
                    if (endedBy != null && n == 0) {
                        return List.of(); // asked again after the end was signalled
                    }
                }
                if (n > 0) {
                    long left = 0;
                    boolean now = n >= maxSize || n > in.size(); // full, or the shared inbox holds some
                    if (!now) {
                        left = in.nonEmptySince() + waitNanos - System.nanoTime();
                        now = left <= 0 || waitNanos == 0;
                    }
                    if (now) {
                        List<Object> batch = takeBatch(in, Math.min(n, maxSize));
                        if (!batch.isEmpty()) {
                            return batch;
                        }
                        continue; // other consumers took what the shared inbox held: look again
                    }
                    park(in, left);
                } else {
                    in.nonEmptySince(); // start timing arrivals on this inbox
                    park(in, -1);
                }
            }
        } finally {
            waitingOn = null;
            SharedInbox handOff = in.releaseWake();
            lock.unlock();
            if (handOff != null) {
                handOff.passOn();
            }
        }
    }

    /**
     * Under the lock: takes up to {@code n} messages, fewer only if the inbox runs dry (other consumers of its shared
     * inbox took some meanwhile).
     */
    private static List<Object> takeBatch(Inbox in, int n) {
        Object[] batch = new Object[n];
        int got = 0;
        while (got < n) {
            Object m = in.take();
            if (m == null) {
                break;
            }
            batch[got++] = m;
        }
        return Arrays.asList(got == n ? batch : Arrays.copyOf(batch, got));
    }

    /**
     * Waits until any inbox holds a message (or {@code timeout} passes; negative: no limit) and returns its name.
     * For components that serve several inboxes themselves; never throws {@link ShutdownSignal}.
     */
    protected final Optional<String> awaitAny(Duration timeout) throws InterruptedException {
        checkThread("awaitAny");
        long nanos = timeout.isNegative() ? -1 : timeout.toNanos();
        List<SharedInbox> handOffs = null;
        lock.lock();
        try {
            waitingOn = "any inbox";
            while (true) {
                for (Inbox in : inboxes.values()) {
                    if (in.queued() > 0) {
                        return Optional.of(in.name);
                    }
                }
                if (nanos == 0) {
                    return Optional.empty();
                }
                nanos = parkAny(nanos);
            }
        } finally {
            waitingOn = null;
            for (Inbox in : inboxes.values()) { // this call takes nothing: a shared inbox's wake goes on
                SharedInbox s = in.releaseWake();
                if (s != null) {
                    (handOffs == null ? handOffs = new ArrayList<>(1) : handOffs).add(s);
                }
            }
            lock.unlock();
            if (handOffs != null) {
                handOffs.forEach(SharedInbox::passOn);
            }
        }
    }

    /**
     * The messages on {@value #INBOX}, for a for-each loop that ends when the component is asked to stop: at a
     * {@link Shutdown}, or at a {@link ProducerFinished} once the inbox is drained (the control message is then
     * forwarded on {@value #SIGNAL} when {@code main} returns). Interruption ends the loop with
     * {@link ComponentInterruptedException} (unchecked, since {@link Iterator} cannot throw the checked one), so that
     * it is not mistaken for the end of the data.
     */
    protected final Iterable<Object> messages() {
        return () -> new Iterator<>() {
            private Object next;

            @Override
            public boolean hasNext() {
                if (next != null) {
                    return true;
                }
                try {
                    next = receive();
                    return true;
                } catch (ShutdownSignal s) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ComponentInterruptedException(path(), e);
                }
            }

            @Override
            public Object next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("component '" + path() + "' was asked to stop: " + endedBy);
                }
                Object m = next;
                next = null;
                return m;
            }
        };
    }

    /**
     * The wait behind every receive: a message from {@code box}, or (for a data inbox) the end signalled on control.
     * {@code nanos}: -1 waits without limit. Returns null when the time ran out: no {@code Optional} per message, which
     * was 92% of what a 10-stage pipeline allocated.
     */
    private Object await(String box, long nanos) throws InterruptedException {
        checkThread("receive");
        Inbox in = inbox(box, "receive from");
        Inbox control = box.equals(CONTROL) ? null : inboxes.get(CONTROL);
        lock.lock();
        try {
            waitingOn = box;
            while (true) {
                if (control != null && control.peek() instanceof Shutdown s) {
                    control.take();
                    throw stopped(s);
                }
                Object m = in.take();
                if (m != null) {
                    return m;
                }
                // Empty (its shared inbox too, if attached, at the take): now an end signalled on control ends the
                // wait. Deciding after the take, not on a size read before it, keeps a consumer of a shared inbox
                // from parking after other consumers emptied it under its eyes.
                if (control != null) {
                    if (control.peek() instanceof ProducerFinished p) {
                        control.take();
                        throw stopped(p);
                    }
                    if (endedBy != null) {
                        throw new ShutdownSignal(path(), endedBy); // asked again after the end was signalled
                    }
                }
                if (nanos == 0) {
                    return null;
                }
                nanos = park(in, nanos);
            }
        } finally {
            waitingOn = null;
            SharedInbox handOff = in.releaseWake();
            lock.unlock();
            if (handOff != null) {
                handOff.passOn(); // woken for a shared message, left without it: another consumer takes it
            }
        }
    }

    private ShutdownSignal stopped(ControlMessage m) {
        endedBy = m;
        return new ShutdownSignal(path(), m);
    }

    /**
     * Under the lock: parks until signalled, waiting on {@code in}; registered as a consumer waiting on its shared
     * inbox if it is attached to one, so that a put there wakes it (returns at once, nanos unchanged, if a message is
     * there already: the caller takes it). Afterwards, {@code in.wakeFrom} says whether a put woke it for a message.
     */
    private long park(Inbox in, long nanos) throws InterruptedException {
        SharedInbox s = in.shared;
        if (s == null) {
            return park(nanos);
        }
        if (!s.parkIfEmpty(in)) {
            return nanos;
        }
        in.wakeFrom = null; // the shared inbox is empty: a wake held from it has nothing left to hand on
        in.parkedOn = s;
        try {
            return park(nanos);
        } finally {
            unparkShared(in);
        }
    }

    /** As {@link #park(Inbox, long)}, waiting on every inbox: registered with each attached one's shared inbox. */
    private long parkAny(long nanos) throws InterruptedException {
        boolean registered = false;
        try {
            for (Inbox in : inboxes.values()) {
                SharedInbox s = in.shared;
                if (s == null) {
                    continue;
                }
                if (!s.parkIfEmpty(in)) {
                    return nanos; // a message there already: the caller looks again
                }
                in.wakeFrom = null;
                in.parkedOn = s;
                registered = true;
            }
            return park(nanos);
        } finally {
            if (registered) {
                for (Inbox in : inboxes.values()) {
                    unparkShared(in);
                }
            }
        }
    }

    /** Under the lock, after a park: leaves the shared inbox {@code in} was parked on, keeping a wake it was given. */
    private static void unparkShared(Inbox in) {
        SharedInbox s = in.parkedOn;
        if (s != null) {
            in.parkedOn = null;
            if (s.unpark(in)) {
                in.wakeFrom = s;
            }
        }
    }

    /** Under the lock: parks until signalled; returns the nanos left (-1 for no limit, 0 when out of time). */
    private long park(long nanos) throws InterruptedException {
        if (nanos < 0) {
            arrived.await();
            return -1;
        }
        long left = arrived.awaitNanos(nanos);
        return Math.max(0, left);
    }

    // ---- children ----

    /**
     * Adds children: before the start they start with this component; once it runs, from its own thread, they start
     * at once. This component ends only when they all ended.
     */
    protected final void addChildren(Component... components) {
        for (Component c : components) {
            Objects.requireNonNull(c, "child");
            c.adopt(this);
            children.add(c);
            childrenAdded.incrementAndGet();
            if (state != State.NEW) {
                checkThread("addChildren");
                children().start(c);
            }
        }
    }

    private void adopt(Component newParent) {
        if (state != State.NEW || parent != null || system != null) {
            throw new IllegalStateException("component '" + path() + "' already belongs to "
                    + (parent != null ? "'" + parent.path() + "'" : system != null ? "system '" + system.name() + "'"
                    : "a running tree") + "; a component runs once, under one owner");
        }
        parent = newParent;
    }

    /** This component's children that have not ended yet, in the order they were added. */
    public final List<Component> childComponents() {
        return List.copyOf(children);
    }

    /** How many children were ever added to this component, ended ones included. */
    public final long childrenAdded() {
        return childrenAdded.get();
    }

    /** Whether every child ended (true with none). */
    protected final boolean childrenDone() {
        return children.isEmpty();
    }

    /**
     * Waits until every child ended or a message arrives on {@value #CONTROL}; for chassis that pass control on.
     *
     * @return the control message, or empty when the children are done
     */
    final Optional<Object> awaitChildrenOrControl() throws InterruptedException {
        Inbox control = inboxes.get(CONTROL);
        lock.lock();
        try {
            waitingOn = "children";
            while (true) {
                Object c = control.take();
                if (c != null) {
                    return Optional.of(c);
                }
                if (childrenDone()) {
                    return Optional.empty();
                }
                arrived.await();
            }
        } finally {
            waitingOn = null;
            lock.unlock();
        }
    }

    private Children children() {
        if (kids == null) {
            kids = new Children(this);
        }
        return kids;
    }

    // ---- lifecycle ----

    /**
     * Starts the component on its own virtual thread, in a system of its own owned by the calling thread, which must
     * then {@link #join()} it (or call {@link #run()} to do both). To run components together, start them in a
     * {@link ComponentSystem} instead.
     *
     * @return this component
     * @throws IllegalStateException if it started before or belongs to a system or parent
     */
    public final Component start() {
        if (parent != null || system != null || state != State.NEW) {
            throw new IllegalStateException("component '" + path() + "' cannot start by itself: it "
                    + (state != State.NEW ? "already started" : "belongs to " + (parent != null ? "'"
                    + parent.path() + "'" : "system '" + system.name() + "'")));
        }
        ComponentSystem own = ComponentSystem.implicit(this);
        own.start(this);
        return this;
    }

    /**
     * Waits until the component and its children ended. Rethrows its failure. When the component was started by
     * {@link #start()} and this is the thread that started it, also closes its implicit system.
     *
     * @throws ComponentFailedException if it or a child failed
     * @throws CancellationException if it was cancelled
     */
    public final void join() throws InterruptedException {
        if (state == State.NEW) {
            throw new IllegalStateException("component '" + path() + "' was never started");
        }
        ComponentSystem sys = system;
        if (sys != null && sys.isImplicitFor(this) && sys.isOwner()) {
            try {
                sys.join();
            } finally {
                sys.close();
            }
        }
        ended.await();
        rethrow();
    }

    /** As {@link #join()}, giving up after {@code timeout}; returns whether it ended. */
    public final boolean join(Duration timeout) throws InterruptedException {
        if (!ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        ComponentSystem sys = system;
        if (sys != null && sys.isImplicitFor(this) && sys.isOwner()) {
            sys.close();
        }
        rethrow();
        return true;
    }

    private void rethrow() {
        Throwable f = failure;
        if (f instanceof ComponentFailedException e) {
            e.markReported();
            throw e;
        }
        if (state == State.CANCELLED) {
            throw new CancellationException("component '" + path() + "' was cancelled");
        }
    }

    /** {@link #start()}, then {@link #join()}. */
    public final void run() throws InterruptedException {
        start();
        join();
    }

    /** Asks the component to stop: sends {@link Shutdown} to its {@value #CONTROL} (never blocked by a full inbox). */
    public final void stop() {
        try {
            inbox(CONTROL, "stop").put(new Shutdown("stop() from " + Thread.currentThread()), null, "stop()");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cannot happen: control messages never wait for room
        }
    }

    /** Called by the owner's scope task: the component's whole life on its thread. */
    final Object runOnThread() throws Exception {
        thread = Thread.currentThread();
        Throwable thrown = null;
        try {
            if (!children.isEmpty()) {
                for (Component c : List.copyOf(children)) {
                    children().start(c);
                }
            }
            main();
        } catch (ShutdownSignal s) {
            endedBy = s.message();
        } catch (ComponentInterruptedException e) {
            thrown = e.getCause();
        } catch (Throwable t) {
            thrown = t;
        }
        if (kids != null) {
            thrown = kids.await(thrown);
        }
        closeInboxes();
        State end;
        if (thrown == null) {
            end = State.SUCCEEDED;
        } else if (thrown instanceof InterruptedException || thrown instanceof CancellationException) {
            end = State.CANCELLED;
        } else {
            end = State.FAILED;
            failure = thrown instanceof ComponentFailedException e ? e : new ComponentFailedException(path(), thrown);
        }
        try {
            signalEnd(end, thrown);
            observeEnd(end);
        } finally {
            publishEnd(end);
        }
        if (end == State.FAILED) {
            throw (ComponentFailedException) failure;
        }
        if (end == State.CANCELLED) {
            throw thrown instanceof InterruptedException ie ? ie : new InterruptedException("cancelled");
        }
        return null;
    }

    /**
     * Ends a component whose thread never ran because its owner's scope was cancelled before the task started (a
     * cancelled scope skips such tasks): without this it would stay {@link State#RUNNING} and {@link #join()} would
     * never return. Called by the owner once its scope was joined or closed, when no task can start any more; does
     * nothing to a component that ran.
     */
    final void endIfNeverRan() {
        if (thread != null || ended.getCount() == 0) {
            return;
        }
        closeInboxes();
        publishEnd(State.CANCELLED);
    }

    /**
     * Closes every inbox: later sends are dropped and counted, waiting senders wake to drop theirs. Then fails the
     * asks still waiting on this component: nobody is left to reply to them.
     */
    private void closeInboxes() {
        List<SharedInbox> detached = null;
        lock.lock();
        try {
            for (Inbox in : inboxes.values()) {
                SharedInbox s = in.close();
                if (s != null) {
                    (detached == null ? detached = new ArrayList<>(1) : detached).add(s);
                }
            }
        } finally {
            lock.unlock();
        }
        if (detached != null) { // a consumer of a shared inbox ended: another takes what is left there
            detached.forEach(SharedInbox::passOn);
        }
        AskBook b = asks;
        if (b != null) {
            b.end(path());
        }
    }

    /** Publishes the end state, releases joins, and leaves the parent, waking it. */
    private void publishEnd(State end) {
        state = end;
        ended.countDown();
        Component p = parent;
        if (p != null) {
            p.children.remove(this);
            p.wake();
        }
    }

    /** Sends the end's control message on "signal", unless a child passes its own signal through. */
    private void signalEnd(State end, Throwable thrown) {
        Outbox signal = outboxes.get(SIGNAL);
        if (signal.passthroughSources > 0) {
            return;
        }
        ControlMessage m = end == State.SUCCEEDED
                ? (endedBy != null ? endedBy : new ProducerFinished(path()))
                : endedBy instanceof Shutdown s ? s : new Shutdown(thrown);
        try {
            signal.send(m); // control messages never wait for room
        } catch (InterruptedException | RuntimeException e) {
            // ending anyway: a refused signal (strict system, unlinked) must not hide the component's own outcome
        }
    }

    void wake() {
        lock.lock();
        try {
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void attach(ComponentSystem sys) {
        if (state != State.NEW || system != null) {
            throw new IllegalStateException("component '" + path() + "' already started");
        }
        system = sys;
        state = State.RUNNING;
        observe(sys);
    }

    /** Marks a child started by its parent: shares the parent's system. */
    void attachChild(ComponentSystem sys) {
        system = sys;
        state = State.RUNNING;
        observe(sys);
    }

    // ---- observer (ComponentObserver) ----

    /**
     * Takes the system's observer probe, if any, and reports the start, then what reached the inboxes before (a
     * component may be sent to before it is attached: a later stage of a pipeline, or {@link #deliver} before start);
     * before the component's thread starts. Under the lock, so that each delivery is reported exactly once.
     */
    private void observe(ComponentSystem sys) {
        ComponentObserver.Probe p = sys == null ? null : sys.probe();
        if (p == null) {
            return;
        }
        lock.lock();
        try {
            probe = p;
            p.started(this);
            for (Inbox in : inboxes.values()) {
                in.observeEarlier(p);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Reports the end to the observer, if any; on the component's thread, before joiners wake. */
    private void observeEnd(State end) {
        ComponentObserver.Probe p = probe;
        if (p != null) {
            p.ended(this, end);
        }
    }

    boolean strictOutboxes() {
        ComponentSystem sys = system;
        return sys != null && sys.strict();
    }

    void linkageAdded(Linkage l) {
        linkages.add(l);
    }

    /** Whether the calling thread is this component's own (an ask of itself would wait for itself). */
    boolean onOwnThread() {
        return thread == Thread.currentThread();
    }

    void checkThread(String what) {
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            throw new WrongThreadException(what + " on component '" + path() + "' from thread "
                    + Thread.currentThread() + ", but only its own thread may do that");
        }
    }

    // ---- views ----

    /** The component's name. */
    public final String name() {
        return name;
    }

    /** The component's path: its system's name, its ancestors' names, its own, joined by {@code '/'}. */
    public final String path() {
        Component p = parent;
        if (p != null) {
            return p.path() + "/" + name;
        }
        ComponentSystem sys = system;
        return sys != null && !sys.isImplicitFor(this) ? sys.name() + "/" + name : name;
    }

    /** The component's state. */
    public final State state() {
        return state;
    }

    /** The parent component, or null for a component of a system (or not yet added). */
    public final Component parent() {
        return parent;
    }

    /** The system this component runs in, or null before it starts. */
    public final ComponentSystem system() {
        return system;
    }

    /**
     * The registry of services and tracked values of the system this component runs in
     * ({@link ComponentSystem#services()}).
     *
     * @throws IllegalStateException before the component started (it belongs to no system yet)
     */
    protected final Services services() {
        ComponentSystem sys = system;
        if (sys == null) {
            throw new IllegalStateException("component '" + path() + "' has no services before it starts: it belongs"
                    + " to no system yet");
        }
        return sys.services();
    }

    /** The component's thread, or null before it runs: for deadlock detection ({@link InboxWaits}). */
    final Thread thread() {
        return thread;
    }

    /** What the component's thread waits on (an inbox name, "any inbox", "children"), or empty if not waiting. */
    public final Optional<String> waitingOn() {
        return Optional.ofNullable(waitingOn);
    }

    /**
     * A line about this component's own state for the live views ({@link ComponentSystem#describe()} and
     * {@link ComponentSystem#mermaid()} show it after the state), or empty (the default). A hook for add-ons: a
     * component guarded by a circuit breaker (dev.weft.breaker) shows the breaker's state here, without the core
     * knowing breakers. Called from any thread, at any time, while the component runs and after: an override must be
     * thread safe, quick and must not block (read volatile or atomic state); a view that catches it throwing shows
     * the exception instead.
     */
    public Optional<String> status() {
        return Optional.empty();
    }

    /** Messages waiting in {@code inbox}, with those of the {@link SharedInbox} it is attached to, if any. */
    public final int queued(String inbox) {
        return readInbox(inbox, "queued", in -> in.queued());
    }

    /** Messages ever delivered into {@code inbox}. */
    public final long delivered(String inbox) {
        return readInbox(inbox, "delivered", in -> in.delivered());
    }

    /**
     * Receptions from the priority inbox {@code inbox} that its starvation guard gave to a lower level while a higher
     * one waited ({@link PriorityInboxOptions#starvationLimit()}); 0 for a plain inbox.
     */
    public final long starvationRescues(String inbox) {
        return readInbox(inbox, "starvationRescues", Inbox::rescues);
    }

    /** Messages dropped at {@code inbox}: full with {@link Delivery#DROP}, or sent after this component ended. */
    public final long droppedAt(String inbox) {
        return readInbox(inbox, "droppedAt", in -> in.dropped());
    }

    /** Reads {@code inbox} under this component's lock. */
    private <V> V readInbox(String inbox, String what, Function<Inbox, V> read) {
        Inbox in = inbox(inbox, what);
        lock.lock();
        try {
            return read.apply(in);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replies ({@link Request#reply}, {@link Request#fail}) to asks of this component that came after their asker
     * had given up (timed out, interrupted) or after this component ended: dropped, and counted here.
     */
    public final long lateReplies() {
        AskBook b = asks;
        return b == null ? 0 : b.lateReplies();
    }

    /** Asks of this component whose askers are waiting right now ({@link Asks}). */
    public final int openAsks() {
        AskBook b = asks;
        return b == null ? 0 : b.open();
    }

    /** Messages sent on {@code outbox} into a linkage (possibly dropped further on; see {@link Linkage#dropped()}). */
    public final long sent(String outbox) {
        return outbox(outbox, "sent").sent;
    }

    /** Messages sent on unlinked outboxes and dropped. */
    public final long droppedUnlinked() {
        long n = 0;
        for (Outbox o : outboxes.values()) {
            n += o.droppedUnlinked;
        }
        return n;
    }

    /** The linkages made from this component's boxes, including those since unlinked. */
    public final List<Linkage> linkages() {
        return List.copyOf(linkages);
    }

    /** The linkage leaving {@code outbox}, if linked. */
    public final Optional<Linkage> linkageFrom(String outbox) {
        return Optional.ofNullable(outbox(outbox, "linkageFrom").link);
    }

    @Override
    public String toString() {
        return "Component[" + path() + ", " + state + "]";
    }

    /** Views of the boxes for {@link ComponentSystem#describe()}. */
    final List<String> boxSummary() {
        List<String> out = new ArrayList<>();
        lock.lock();
        try {
            for (Inbox in : inboxes.values()) {
                out.add(in.name + "[" + in.size() + "/" + in.capacity + "]");
            }
        } finally {
            lock.unlock();
        }
        return out;
    }
}
