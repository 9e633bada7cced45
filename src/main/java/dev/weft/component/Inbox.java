package dev.weft.component;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;

/**
 * A bounded inbox of one component: a ring of messages guarded by the component's lock, so that one condition wakes
 * the component whichever of its inboxes receives (Kamaelia's "wake on receive"), and each inbox has its own condition
 * for senders waiting for room. A send into a full inbox follows its linkage's {@link Delivery}; control messages
 * ({@link ControlMessage}) are never held back by a full inbox, so shutdown always gets through.
 *
 * <p>An inbox may be passed through to a child's inbox ({@link #onward}); then sends resolve past it, and messages
 * already waiting in it moved on when the pass-through was made ({@link Links}). Once its component ended the inbox
 * is closed: sends into it are dropped and counted, and senders waiting for room wake and drop theirs.
 */
final class Inbox {
    final Component owner;
    final String name;
    final int capacity;
    private final Condition space;
    /** The store of a priority inbox, or null for the plain ring. */
    private final PriorityStore prio;
    /** The pass-through from this inbox to a child's, or null. */
    volatile Linkage onward;
    /** The shared inbox this inbox also takes from ({@link SharedInbox#attach}), or null. Guarded by owner.lock. */
    SharedInbox shared;
    /**
     * Guarded by owner.lock, for the wait in progress: the shared inbox this inbox's component is parked on, or null.
     */
    SharedInbox parkedOn;
    /**
     * Guarded by owner.lock, for the wait in progress: the shared inbox that woke this component for a message it has
     * not taken yet, or null. The wait passes that wake on when it ends without taking from there.
     */
    SharedInbox wakeFrom;
    /** Guarded by {@link #shared}'s lock: a put popped this inbox from the parked consumers; not yet seen by it. */
    boolean sharedWoken;
    // Guarded by owner.lock:
    private Object[] ring;
    private int head;
    private int count;
    private boolean closed;
    private long delivered;
    private long droppedHere;
    /**
     * Whether arrivals are timed ({@link #nonEmptySince}): set by the first {@code receiveBatch} on this inbox, so
     * that inboxes never batched pay no clock read.
     */
    private boolean timingArrivals;
    /** When timed: the {@link System#nanoTime()} at which the inbox last went from empty to holding a message. */
    private long nonEmptySince;

    Inbox(Component owner, String name, int capacity) {
        this(owner, name, capacity, null);
    }

    /** A priority inbox when {@code priority} is given, else a plain one. */
    Inbox(Component owner, String name, int capacity, PriorityInboxOptions priority) {
        this.owner = owner;
        this.name = name;
        this.capacity = capacity;
        this.space = owner.lock.newCondition();
        this.prio = priority == null ? null : new PriorityStore(owner.lock, priority);
        this.ring = priority == null ? new Object[Math.min(capacity, 16)] : null;
    }

    /**
     * Puts {@code message} here (or, if this inbox was passed through meanwhile, where that leads), following
     * {@code via}'s delivery policy when full; {@code via} is null for a delivery from outside, which blocks.
     * {@code sender} names the sender in an {@link InboxFullException}: a String, or the sending {@link Outbox}, whose
     * name is only made then (a send pays for no string).
     *
     * @return true if delivered, false if dropped (and counted)
     */
    boolean put(Object message, Linkage via, Object sender) throws InterruptedException {
        return putUntil(message, via, sender, false, 0) == DELIVERED;
    }

    /**
     * As {@link #put}, but when {@code timed}, a wait for room gives up at {@code deadline} ({@link System#nanoTime()})
     * and returns {@link #TIMED_OUT} (an {@linkplain Asks ask}'s timeout covers its wait for room).
     *
     * @return {@link #DELIVERED}, {@link #DROPPED} or {@link #TIMED_OUT}
     */
    int putUntil(Object message, Linkage via, Object sender, boolean timed, long deadline)
            throws InterruptedException {
        Inbox target = this;
        while (true) {
            Linkage next = target.onward;
            if (next != null) {
                via = next;
                target = next.toInbox;
                continue;
            }
            int r = target.tryPut(message, via, sender, timed, deadline);
            if (r == MOVED) {
                continue; // passed through while we waited: follow the new chain
            }
            return r;
        }
    }

    static final int DELIVERED = 0, DROPPED = 1, MOVED = 2, TIMED_OUT = 3;

    private int tryPut(Object message, Linkage via, Object sender, boolean timed, long deadline)
            throws InterruptedException {
        boolean control = message instanceof ControlMessage;
        Delivery delivery = via == null ? Delivery.BLOCK : via.delivery;
        owner.lock.lock();
        try {
            boolean granted = false; // a priority inbox handed this sender a slot while it waited
            while (true) {
                if (onward != null) {
                    if (granted) {
                        prio.returnGrant();
                    }
                    return MOVED;
                }
                if (closed) {
                    return drop(via, ComponentObserver.Drop.ENDED);
                }
                if (control || granted || (prio == null ? count < capacity : prio.hasRoom())) {
                    break;
                }
                switch (delivery) {
                    case BLOCK -> {
                        if (timed && deadline - System.nanoTime() <= 0) {
                            return TIMED_OUT; // still full, not moved on, not closed: an ask's wait for room is over
                        }
                        // Both waits are recorded for deadlock detection (InboxWaits), which breaks one by signalling
                        // the condition it parks on. A priority inbox hands slots over by level, highest first.
                        granted = prio != null
                                ? InboxWaits.await(this, prio.spaceFor(message), sender,
                                        () -> prio.awaitSpace(message, timed, deadline))
                                : InboxWaits.await(this, space, sender, () -> awaitSpace(timed, deadline));
                    }
                    case FAIL -> throw new InboxFullException("inbox '" + owner.path() + "." + name + "' is full ("
                            + capacity + " messages); send from " + (sender instanceof Outbox o
                            ? "'" + o.owner.path() + "." + o.name + "'" : sender)
                            + " refused by its linkage's FAIL policy");
                    case DROP -> {
                        return drop(via, ComponentObserver.Drop.FULL);
                    }
                }
            }
            enqueue(message);
            return DELIVERED;
        } finally {
            owner.lock.unlock();
        }
    }

    /** Under the lock: a plain inbox's sender waits for room (until {@code deadline} if timed); never a grant. */
    private boolean awaitSpace(boolean timed, long deadline) throws InterruptedException {
        if (timed) {
            space.awaitNanos(deadline - System.nanoTime());
        } else {
            space.await();
        }
        return false;
    }

    /** Under the lock: appends, growing the ring up to any size (moved and control messages may exceed capacity). */
    private void enqueue(Object message) {
        if (prio != null) {
            prio.add(message);
        } else {
            ringAdd(message);
        }
        if (count++ == 0 && timingArrivals) {
            nonEmptySince = System.nanoTime();
        }
        delivered++;
        ComponentObserver.Probe p = owner.probe;
        if (p != null) {
            p.delivered(owner, name, count);
        }
        owner.arrived.signalAll();
    }

    private void ringAdd(Object message) {
        if (count == ring.length) {
            Object[] bigger = new Object[ring.length * 2];
            for (int i = 0; i < count; i++) {
                bigger[i] = ring[(head + i) % ring.length];
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + count) % ring.length] = message;
    }

    /**
     * Under the lock: the component takes the oldest message, or null if empty: its own messages first, then, if this
     * inbox is attached to a shared inbox, the oldest there.
     */
    Object take() {
        Object m = remove();
        if (m == null && shared != null) {
            m = shared.take(this);
            if (m != null) {
                wakeFrom = null; // a wake for a message there is used up by taking one
            }
        }
        ComponentObserver.Probe p = owner.probe;
        if (p != null && m != null) {
            p.received(owner, name, count);
        }
        return m;
    }

    /** Under the lock: removes the oldest message, or returns null if empty. */
    private Object remove() {
        if (count == 0) {
            return null;
        }
        if (prio != null) {
            count--;
            return prio.remove(); // wakes a sender of the highest waiting level
        }
        Object m = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        count--;
        space.signal();
        return m;
    }

    /** Under the lock: the oldest message without taking it, or null. */
    Object peek() {
        return count == 0 ? null : prio != null ? unwrap(prio.peek()) : ring[head];
    }

    private static Object unwrap(Object m) {
        return m instanceof Prioritized p ? p.message() : m;
    }

    /** Under the lock: the messages in this inbox itself (what its capacity bounds). */
    int size() {
        return count;
    }

    /** Under the lock: what the component can take from this inbox: its own messages and its shared inbox's. */
    int queued() {
        return shared == null ? count : count + shared.size();
    }

    /** Under the lock: whether the component ended (sends are dropped). */
    boolean isClosed() {
        return closed;
    }

    /**
     * Under the lock, as a wait ends: the shared inbox whose wake this inbox's component holds unused, cleared; the
     * caller passes it on ({@link SharedInbox#passOn()}) once it released the lock. Null when none.
     */
    SharedInbox releaseWake() {
        SharedInbox s = wakeFrom;
        wakeFrom = null;
        return s;
    }

    /** Under the lock: empties the inbox, for moving its messages on; senders waiting for room wake. */
    List<Object> drain() {
        List<Object> out;
        if (prio != null) {
            out = prio.drain(); // as sent: a Prioritized moved on keeps its priority
            count = 0;
            prio.wakeAllSenders();
        } else {
            out = new ArrayList<>(count);
            for (Object m; (m = remove()) != null; ) {
                out.add(m);
            }
        }
        space.signalAll();
        return out;
    }

    /** Under the lock: appends messages moved here from an inbox that was just passed through to this one. */
    void enqueueMoved(List<Object> messages) {
        for (Object m : messages) {
            enqueue(m);
        }
    }

    /**
     * Under the lock: the component ended; later sends are dropped and waiting senders wake to drop theirs. An inbox
     * attached to a shared inbox is detached.
     *
     * @return the shared inbox it was detached from (the caller wakes another consumer there, if messages remain,
     *     once it released the lock), or null
     */
    SharedInbox close() {
        closed = true;
        space.signalAll();
        if (prio != null) {
            prio.wakeAllSenders();
        }
        SharedInbox s = shared;
        if (s != null) {
            s.detachLocked(this);
            shared = null;
        }
        SharedInbox held = releaseWake();
        return s != null ? s : held;
    }

    /**
     * Under the lock: starts timing arrivals for {@code receiveBatch} (the first call on this inbox) and returns when
     * the inbox last became non-empty; a message already waiting at the first call counts as arriving now.
     */
    long nonEmptySince() {
        if (!timingArrivals) {
            timingArrivals = true;
            nonEmptySince = System.nanoTime();
        }
        return nonEmptySince;
    }

    /** Under the lock: receptions of a priority inbox that were starvation-guard rescues; 0 for a plain inbox. */
    long rescues() {
        return prio == null ? 0 : prio.rescues();
    }

    /** Under the lock: messages delivered into this inbox so far. */
    long delivered() {
        return delivered;
    }

    /** Under the lock: messages dropped at this inbox (full with DROP, or sent after its component ended). */
    long dropped() {
        return droppedHere;
    }

    // ---- observer (ComponentObserver) ----

    /**
     * Under the lock, when the observer is attached: reports what arrived before (the messages waiting, as deliveries
     * one by one; drops, which before the start can only be by a full inbox).
     */
    void observeEarlier(ComponentObserver.Probe p) {
        for (int depth = 1; depth <= count; depth++) {
            p.delivered(owner, name, depth);
        }
        for (long i = 0; i < droppedHere; i++) {
            p.dropped(owner, name, ComponentObserver.Drop.FULL);
        }
    }

    /** Under the lock: counts a message dropped here, on the linkage it came by (if any) and to the observer. */
    private int drop(Linkage via, ComponentObserver.Drop why) {
        droppedHere++;
        if (via != null) {
            via.countDrop();
        }
        ComponentObserver.Probe p = owner.probe;
        if (p != null) {
            p.dropped(owner, name, why);
        }
        return DROPPED;
    }
}
