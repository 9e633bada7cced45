package dev.weft.component;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded queue that several components consume, each message going to exactly one of them: ad-hoc load balancing
 * among consumers (seed 002's "Queue.Queues ... in the case of multiple consumers"), as a kind of linkage next to the
 * one-to-one links of {@link Components#link(Component, String, Component, String)}.
 *
 * <pre>{@code
 * SharedInbox jobs = SharedInbox.create("jobs", 100);
 * for (Component w : workers) {
 *     jobs.attach(w);                                  // w's "inbox" now also takes from jobs
 * }
 * Components.link(producer, "outbox", jobs);          // or jobs.send(job) from plain code; blocks while full
 * Components.link(producer, "signal", jobs);          // or jobs.finish(): workers end once jobs is drained
 * }</pre>
 *
 * <p><b>Consumers.</b> {@link #attach(Component, String)} makes one inbox of a component also take from this queue,
 * after that inbox's own messages; its {@code receive}, {@code messages()}, {@code receiveBatch}, {@code poll},
 * {@code awaitAny} and {@code dataReady} work on it unchanged, and {@link Component#queued(String)} counts this
 * queue's messages too. Attach and {@link #detach(Component)} from any thread, before the consumer starts or while it
 * runs. A consumer that ends (returns, fails, is stopped or cancelled) is detached.
 *
 * <p><b>Pull: nothing is lost.</b> Messages stay here until a consumer takes one in a receive; a message taken is a
 * message started. A consumer that fails, is stopped or is detached takes nothing more, and what it had not taken
 * stays here for the others or for one attached later. (What it had taken is its own: a consumer that fails in the
 * middle of a message loses that one message, as any component would.)
 *
 * <p><b>Producers.</b> {@link Components#link(Component, String, SharedInbox)} links an outbox here; {@link #send}
 * puts from plain code. A send waits while the queue is full (backpressure), unless its linkage says
 * {@link Delivery#FAIL} or {@link Delivery#DROP}. A send blocked here is not an edge of the deadlock detector's
 * wait-for graph ({@link dev.weft.lock.Deadlocks}): any of several consumers can make room.
 *
 * <p><b>End of stream.</b> {@link #finish()}, or a {@link ProducerFinished} sent here (by a producer whose
 * {@code "signal"} is linked here, when it ends), finishes the queue: later sends are refused, and every consumer,
 * attached now or later, gets a {@code ProducerFinished} on its {@code "control"}, so that its receives end once its
 * inbox and this queue are drained. With several producers, link none of their signals and call {@code finish()} once
 * they all ended. A {@link Shutdown} sent here is passed to the {@code "control"} of every consumer attached then;
 * the queue stays open and keeps its messages.
 *
 * <p><b>Wake-ups.</b> A consumer waiting on an attached inbox is parked here; each message put wakes one parked
 * consumer, not all of them. A consumer woken that leaves its wait without taking from here (it found a message of its
 * own, was stopped, timed out, or was detached) passes the wake on to another parked consumer if messages remain, so
 * no message sits here while consumers sleep.
 *
 * <p><b>Threads.</b> Thread safe; every method may be called from any thread. The queue has its own lock; a consumer
 * takes it while holding its component's lock, never the reverse (a put wakes a consumer only after releasing this
 * queue's lock), and nothing blocks while holding it except senders waiting on its condition, which releases it. No
 * monitor is used, so no carrier thread is pinned.
 */
public final class SharedInbox {
    private final String name;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    /** Senders waiting for room. */
    private final Condition space = lock.newCondition();
    // Guarded by lock:
    private final ArrayDeque<Object> queue;
    /** The consumers' attached inboxes, by component, in the order attached. */
    private final Map<Component, Inbox> consumers = new LinkedHashMap<>();
    /** Attached inboxes whose components wait for a message here, longest waiting first. */
    private final LinkedHashSet<Inbox> parked = new LinkedHashSet<>();
    private boolean finished;
    private long delivered;
    private long taken;
    private long dropped;
    private int sendersWaiting;

    private SharedInbox(String name, int capacity) {
        this.name = name;
        this.capacity = capacity;
        this.queue = new ArrayDeque<>(Math.min(capacity, 64));
    }

    /**
     * A shared inbox named {@code name} (for views and in every exception about it) holding at most {@code capacity}
     * messages.
     *
     * @throws IllegalArgumentException if the name is blank or the capacity is below 1
     */
    public static SharedInbox create(String name, int capacity) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a shared inbox needs a non-blank name, got '" + name + "'");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("shared inbox '" + name + "' needs a capacity >= 1, got " + capacity);
        }
        return new SharedInbox(name, capacity);
    }

    // ---- consumers ----

    /** Attaches {@code consumer}'s {@value Component#INBOX}; see {@link #attach(Component, String)}. */
    public void attach(Component consumer) {
        attach(consumer, Component.INBOX);
    }

    /**
     * Makes {@code consumer}'s {@code inbox} also take from this queue, once its own messages are taken; any thread,
     * before the consumer starts or while it runs (a consumer waiting on that inbox looks here at once). If this
     * queue is finished, the consumer gets its {@link ProducerFinished} now.
     *
     * @throws IllegalArgumentException if the inbox does not exist or is {@value Component#CONTROL}
     * @throws IllegalStateException if the component ended, is already attached here, the inbox takes from another
     *     shared inbox, or the inbox is passed through to a child's (attach the child's inbox instead)
     */
    public void attach(Component consumer, String inbox) {
        Objects.requireNonNull(consumer, () -> "null consumer attached to shared inbox '" + name + "'");
        Objects.requireNonNull(inbox, () -> "null inbox name attaching '" + consumer.path() + "' to shared inbox '"
                + name + "'");
        if (inbox.equals(Component.CONTROL)) {
            throw new IllegalArgumentException("shared inbox '" + name + "' cannot feed the control inbox of '"
                    + consumer.path() + "': attach a data inbox");
        }
        Inbox in = consumer.inbox(inbox, "attach shared inbox '" + name + "' to");
        boolean tellFinished;
        consumer.lock.lock();
        try {
            if (in.isClosed()) {
                throw new IllegalStateException("component '" + consumer.path() + "' has ended; its inbox '" + inbox
                        + "' cannot take from shared inbox '" + name + "'");
            }
            Linkage onward = in.onward;
            if (onward != null) {
                throw new IllegalStateException("inbox '" + consumer.path() + "." + inbox + "' is passed through to '"
                        + onward.to.path() + "." + onward.toBox + "'; attach shared inbox '" + name
                        + "' to the inbox that receives");
            }
            if (in.shared != null) {
                throw new IllegalStateException("inbox '" + consumer.path() + "." + inbox + "' already takes from "
                        + (in.shared == this ? "" : "another ") + "shared inbox '" + in.shared.name + "'");
            }
            lock.lock();
            try {
                Inbox other = consumers.get(consumer);
                if (other != null) {
                    throw new IllegalStateException("component '" + consumer.path() + "' is already attached to "
                            + "shared inbox '" + name + "' through its inbox '" + other.name + "'");
                }
                consumers.put(consumer, in);
                tellFinished = finished;
            } finally {
                lock.unlock();
            }
            in.shared = this;
            consumer.arrived.signalAll(); // a consumer already waiting on this inbox looks here now
        } finally {
            consumer.lock.unlock();
        }
        if (tellFinished) {
            tell(consumer, new ProducerFinished(name));
        }
    }

    /**
     * Stops {@code consumer} taking from this queue; any thread, while messages flow. What it has not taken stays
     * here (a parked consumer is woken for it if needed); a wait of the consumer on that inbox goes on with the
     * inbox's own messages.
     *
     * @return whether it was attached
     */
    public boolean detach(Component consumer) {
        Objects.requireNonNull(consumer, () -> "null consumer detached from shared inbox '" + name + "'");
        Inbox in;
        lock.lock();
        try {
            in = consumers.get(consumer);
        } finally {
            lock.unlock();
        }
        if (in == null) {
            return false;
        }
        consumer.lock.lock(); // the component's lock first, then this queue's (the order everywhere)
        try {
            if (in.shared != this) {
                return false; // detached meanwhile (by another thread, or as it ended)
            }
            detachLocked(in);
            in.shared = null;
            consumer.arrived.signalAll(); // a wait on the inbox looks again, without this queue (an end may be due)
        } finally {
            consumer.lock.unlock();
        }
        passOn();
        return true;
    }

    /** Under the consumer's lock: forgets {@code in}, and a wake it was given but had not used yet. */
    void detachLocked(Inbox in) {
        lock.lock();
        try {
            consumers.remove(in.owner);
            parked.remove(in);
            in.sharedWoken = false; // its wake, if any, is passed on by the caller's passOn()
        } finally {
            lock.unlock();
        }
    }

    // ---- producers ----

    /**
     * Puts {@code message} here from plain code, waiting while the queue is full. A {@link ProducerFinished} finishes
     * the queue ({@link #finish()}); a {@link Shutdown} goes to every consumer's {@code "control"}.
     *
     * @throws IllegalStateException if the queue is finished (a send waiting for room when it finishes throws too)
     * @throws InterruptedException if interrupted while waiting for room; the message was not put
     */
    public void send(Object message) throws InterruptedException {
        Objects.requireNonNull(message, () -> "null message sent to shared inbox '" + name + "'");
        put(message, null, "outside");
    }

    /**
     * Puts {@code message} here, following {@code via}'s delivery policy when full ({@code null}: wait). {@code sender}
     * names the sender in an exception: the sending {@link Outbox} (its name made only then), or a String.
     *
     * @return true if put, false if dropped by a {@link Delivery#DROP} linkage
     */
    boolean put(Object message, Linkage via, Object sender) throws InterruptedException {
        if (message instanceof ControlMessage c) {
            control(c);
            return true;
        }
        Delivery delivery = via == null ? Delivery.BLOCK : via.delivery;
        Inbox wake;
        lock.lock();
        try {
            while (true) {
                if (finished) {
                    throw new IllegalStateException("shared inbox '" + name + "' is finished; a send from "
                            + senderName(sender) + " is refused");
                }
                if (queue.size() < capacity) {
                    break;
                }
                switch (delivery) {
                    case BLOCK -> {
                        sendersWaiting++;
                        try {
                            space.await();
                        } finally {
                            sendersWaiting--;
                        }
                    }
                    case FAIL -> throw new InboxFullException("shared inbox '" + name + "' is full (" + capacity
                            + " messages); send from " + senderName(sender) + " refused by its linkage's FAIL policy");
                    case DROP -> {
                        dropped++;
                        via.countDrop();
                        return false;
                    }
                }
            }
            queue.add(message);
            delivered++;
            wake = popParked();
        } finally {
            lock.unlock();
        }
        if (wake != null) {
            wake.owner.wake(); // after this queue's lock: the component's lock is never taken under it
        }
        return true;
    }

    private static String senderName(Object sender) {
        return sender instanceof Outbox o ? "'" + o.owner.path() + "." + o.name + "'" : String.valueOf(sender);
    }

    /**
     * Finishes the queue: no more data. Later sends are refused (as are sends still waiting for room), and every
     * consumer, attached now or later, gets a {@link ProducerFinished} on its {@code "control"}: its receives on the
     * attached inbox end once that inbox and this queue are drained. Idempotent.
     */
    public void finish() {
        List<Component> tell;
        lock.lock();
        try {
            if (finished) {
                return;
            }
            finished = true;
            tell = List.copyOf(consumers.keySet());
            space.signalAll(); // waiting senders wake to be refused
        } finally {
            lock.unlock();
        }
        for (Component c : tell) {
            tell(c, new ProducerFinished(name));
        }
    }

    private void control(ControlMessage c) {
        if (c instanceof ProducerFinished) {
            finish();
            return;
        }
        List<Component> tell;
        lock.lock();
        try {
            tell = List.copyOf(consumers.keySet());
        } finally {
            lock.unlock();
        }
        for (Component consumer : tell) {
            tell(consumer, c);
        }
    }

    /** Puts a control message into {@code consumer}'s control inbox (control messages never wait for room). */
    private void tell(Component consumer, ControlMessage m) {
        try {
            consumer.inbox(Component.CONTROL, "tell").put(m, null, "shared inbox '" + name + "'");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cannot happen: control messages never wait for room
        }
    }

    // ---- the consumers' side, under the consumer's lock ----

    /** Under {@code in}'s owner's lock: takes the oldest message, or null if none. */
    Object take(Inbox in) {
        lock.lock();
        try {
            Object m = queue.poll();
            if (m != null) {
                taken++;
                space.signal();
            }
            return m;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under {@code in}'s owner's lock, before its component parks on its condition: registers it as waiting for a
     * message here, unless one is here already (false: take it instead). Checked and registered under this queue's
     * lock, so a put either comes before (and is seen) or after (and wakes it): no lost wake-up.
     */
    boolean parkIfEmpty(Inbox in) {
        lock.lock();
        try {
            if (!queue.isEmpty()) {
                return false;
            }
            parked.add(in);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under {@code in}'s owner's lock, after its component's park ended (for whatever reason): unregisters it.
     *
     * @return whether a put had woken it for a message here (then it must take one, or {@link #passOn()})
     */
    boolean unpark(Inbox in) {
        lock.lock();
        try {
            if (parked.remove(in)) {
                return false;
            }
            boolean woken = in.sharedWoken;
            in.sharedWoken = false;
            return woken;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A consumer woken for a message here left without taking one (or was detached): wakes another parked consumer if
     * messages remain. Called holding no component's lock.
     */
    void passOn() {
        Inbox wake;
        lock.lock();
        try {
            wake = queue.isEmpty() ? null : popParked();
        } finally {
            lock.unlock();
        }
        if (wake != null) {
            wake.owner.wake();
        }
    }

    /** Under the lock: the longest parked consumer, marked woken, or null. */
    private Inbox popParked() {
        if (parked.isEmpty()) {
            return null;
        }
        Inbox in = parked.removeFirst();
        in.sharedWoken = true;
        return in;
    }

    // ---- views ----

    /** The name given at {@link #create}. */
    public String name() {
        return name;
    }

    /** The most messages it holds. */
    public int capacity() {
        return capacity;
    }

    /** Messages waiting here, not yet taken by a consumer. */
    public int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** The components attached now, in the order attached. */
    public List<Component> consumers() {
        lock.lock();
        try {
            return List.copyOf(consumers.keySet());
        } finally {
            lock.unlock();
        }
    }

    /** How many attached consumers are parked waiting for a message here right now. */
    public int waitingConsumers() {
        lock.lock();
        try {
            return parked.size();
        } finally {
            lock.unlock();
        }
    }

    /** How many senders are waiting for room right now. */
    public int waitingSenders() {
        lock.lock();
        try {
            return sendersWaiting;
        } finally {
            lock.unlock();
        }
    }

    /** Messages ever put here. */
    public long delivered() {
        lock.lock();
        try {
            return delivered;
        } finally {
            lock.unlock();
        }
    }

    /** Messages ever taken by a consumer. */
    public long taken() {
        lock.lock();
        try {
            return taken;
        } finally {
            lock.unlock();
        }
    }

    /** Messages dropped by linkages with {@link Delivery#DROP} because the queue was full. */
    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Whether it was finished ({@link #finish()}, or a {@link ProducerFinished} sent here). */
    public boolean isFinished() {
        lock.lock();
        try {
            return finished;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        lock.lock();
        try {
            for (Component c : consumers.keySet()) {
                names.add(c.path() + "." + consumers.get(c).name);
            }
            return "SharedInbox[" + name + ", " + queue.size() + "/" + capacity + " queued, " + delivered
                    + " delivered, " + taken + " taken" + (dropped > 0 ? ", " + dropped + " dropped" : "")
                    + (finished ? ", finished" : "") + ", consumers " + names + "]";
        } finally {
            lock.unlock();
        }
    }
}
