package dev.weft.component;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The fan-out behind {@link Splitter} and {@link Backplane}: one component's thread puts each message into the inbox
 * of every current sink, in the order it takes them, following each sink's {@link Backplane.Overflow} when that inbox
 * is full. The core refuses one-to-many linkages, so this is where one message becomes many: straight into the sinks'
 * inboxes, as a linkage would deliver it. When the owner ends, the control message that ended it goes to every sink
 * that named a control inbox, and a sink added later gets it at once.
 *
 * <p>{@link #deliver} and {@link #end} are for the owner's thread; {@link #add}, {@link #remove} and the views for any
 * thread. A sink added (or removed) while a message is being fanned out may or may not get that one; it gets (or
 * misses) every later one.
 */
final class Fanout {
    private final Component owner;
    private final String sender;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Splitter.Sink> sinks = new CopyOnWriteArrayList<>();
    private final LongAdder unheard = new LongAdder();
    /** Guarded by lock: the control message the owner ended with, or null while it runs. */
    private ControlMessage ended;

    Fanout(Component owner) {
        this.owner = owner;
        this.sender = "fan-out of '" + owner.name() + "'";
    }

    /**
     * Adds {@code sink}'s {@code inbox} (and, if not null, its {@code control} for the end), or returns the sink
     * already there for that inbox. If the owner already ended, the sink gets the end at once and is not added.
     *
     * @throws IllegalArgumentException if the component has no such inbox
     */
    Splitter.Sink add(Component sink, String inbox, String control, Backplane.Overflow overflow) {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(overflow, "overflow");
        sink.inbox(inbox, "fan out from '" + owner.path() + "' to");
        if (control != null) {
            sink.inbox(control, "fan out from '" + owner.path() + "' (control) to");
        }
        ControlMessage endNow;
        Splitter.Sink s;
        lock.lock();
        try {
            for (Splitter.Sink existing : sinks) {
                if (existing.component() == sink && existing.inbox().equals(inbox)) {
                    return existing;
                }
            }
            s = new Splitter.Sink(sink, inbox, control, overflow);
            endNow = ended;
            if (endNow == null) {
                sinks.add(s);
                return s;
            }
        } finally {
            lock.unlock();
        }
        s.active = false;
        sendEnd(s, endNow);
        return s;
    }

    /** Removes {@code s}; false if it was not there. */
    boolean remove(Splitter.Sink s) {
        s.active = false;
        return sinks.remove(s);
    }

    /**
     * Removes the sink feeding {@code sink}'s {@code inbox}, telling it {@link ProducerFinished} on its control inbox
     * if it named one (its feed from here is over); false if there was none.
     */
    boolean removeAndTell(Component sink, String inbox) {
        for (Splitter.Sink s : sinks) {
            if (s.component() == sink && s.inbox().equals(inbox)) {
                if (!remove(s)) {
                    return false; // removed meanwhile by another caller, who told it
                }
                sendEnd(s, new ProducerFinished("removed from '" + owner.path() + "'"));
                return true;
            }
        }
        return false;
    }

    /** The current sinks, in the order they were added. */
    List<Splitter.Sink> sinks() {
        return List.copyOf(sinks);
    }

    /** Messages fanned out while there was no sink. */
    long unheard() {
        return unheard.sum();
    }

    /** On the owner's thread: puts {@code message} into every current sink, by each one's overflow policy. */
    void deliver(Object message) throws InterruptedException {
        boolean heard = false;
        for (Splitter.Sink s : sinks) {
            if (!s.active) {
                continue;
            }
            heard = true;
            if (s.overflow() == Backplane.Overflow.BLOCK) {
                if (s.component().inbox(s.inbox(), "fan out to").put(message, null, sender)) {
                    s.delivered.increment();
                } else {
                    gone(s);
                }
            } else {
                putDroppingOldest(s, message);
            }
        }
        if (!heard) {
            unheard.increment();
        }
    }

    /** The sink's component ended: nothing will read that inbox again. The message is counted dropped. */
    private void gone(Splitter.Sink s) {
        s.dropped.increment();
        remove(s);
    }

    /**
     * Puts {@code message} into the inbox {@code s} leads to, first taking out (and counting) the oldest messages
     * while it is full, so that the put never waits.
     */
    private void putDroppingOldest(Splitter.Sink s, Object message) throws InterruptedException {
        Inbox first = s.component().inbox(s.inbox(), "fan out to");
        while (true) {
            Inbox target = first;
            for (int hops = 0; target.onward != null; hops++) {
                if (hops > Links.MAX_HOPS) {
                    throw new IllegalStateException("pass-through chain from '" + s + "' is longer than "
                            + Links.MAX_HOPS + " hops");
                }
                target = target.onward.toInbox;
            }
            Component holder = target.owner;
            holder.lock.lock();
            try {
                if (target.onward != null) {
                    continue; // passed through while we looked: follow the new chain
                }
                while (target.size() >= target.capacity && target.peek() != null
                        && !(target.peek() instanceof ControlMessage)) {
                    target.take();
                    s.dropped.increment();
                }
                if (target.size() >= target.capacity) {
                    s.dropped.increment(); // the oldest is a control message, which is never dropped: drop this one
                } else if (target.put(message, null, sender)) { // room now, and we hold the lock: never waits
                    s.delivered.increment();
                } else {
                    gone(s);
                }
                return;
            } finally {
                holder.lock.unlock();
            }
        }
    }

    /** Whether the owner ended (and the sinks were told). */
    boolean ended() {
        lock.lock();
        try {
            return ended != null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The owner ended with {@code message}: every sink that named a control inbox gets it (control messages never
     * wait for room), and all sinks are removed. Only the first call counts.
     */
    void end(ControlMessage message) {
        List<Splitter.Sink> told;
        lock.lock();
        try {
            if (ended != null) {
                return;
            }
            ended = message;
            told = List.copyOf(sinks);
            sinks.clear();
        } finally {
            lock.unlock();
        }
        for (Splitter.Sink s : told) {
            s.active = false;
            sendEnd(s, message);
        }
    }

    private void sendEnd(Splitter.Sink s, ControlMessage message) {
        if (s.control() == null) {
            return;
        }
        try {
            s.component().inbox(s.control(), "end").put(message, null, sender);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cannot happen: control messages never wait for room
        }
    }
}
