package dev.weft.component;

import dev.weft.lock.DeadlockException;
import dev.weft.lock.Deadlocks;
import dev.weft.lock.WaitEdge;
import dev.weft.lock.WaitSource;
import dev.weft.scope.Scope;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.function.Consumer;

/**
 * Senders blocked on a full inbox, for deadlock detection ({@link Deadlocks}): each is an edge of the wait-for graph
 * from the sending thread to the thread of the component that owns the inbox, the only thread that takes from it (and
 * so the only one that can make room). A cycle of components sending into each other's full inboxes, possibly through
 * a graphline's loop or a component sending to itself, is then a cycle of that graph; so is a mixed one, where a
 * component holding an {@link dev.weft.lock.OrderedLock} blocks on an inbox whose owner waits for that lock.
 *
 * <p>Recorded only on the slow path: when a send with {@link Delivery#BLOCK} finds the inbox full and is about to
 * wait ({@link #await}); a send that finds room pays nothing. This class adds itself to {@link Deadlocks} when first
 * used, that is at the first blocked send: before it, no send can be blocked.
 *
 * <p>A deadlock detector that chose a blocked send as the victim marks its record and wakes the inbox's waiting
 * senders; the victim's send throws the {@link DeadlockException} (the others find the inbox still full and wait
 * again). Thread safe.
 */
final class InboxWaits implements WaitSource {
    private static final Set<Wait> WAITS = ConcurrentHashMap.newKeySet();

    static {
        Deadlocks.addSource(new InboxWaits());
    }

    private InboxWaits() {
    }

    /**
     * The blocking wait of {@link Inbox}'s send with {@link Delivery#BLOCK}: under the inbox owner's lock, waits on
     * {@code space} as {@code space.await()} does, recorded as a wait for deadlock detection meanwhile.
     *
     * @throws DeadlockException if a deadlock detector broke a deadlock by failing this wait
     * @throws InterruptedException if interrupted while waiting
     */
    static void await(Inbox inbox, Condition space, Object sender) throws InterruptedException {
        Wait w = new Wait(Thread.currentThread(), sender, inbox, space, System.nanoTime());
        WAITS.add(w);
        InterruptedException interrupted = null;
        try {
            space.await();
        } catch (InterruptedException e) {
            interrupted = e;
        } finally {
            WAITS.remove(w);
        }
        DeadlockException broken = w.end();
        if (broken != null) {
            if (interrupted != null) { // both: throw the deadlock's, keep the interrupt for whoever asked for it
                broken.addSuppressed(interrupted);
                Thread.currentThread().interrupt();
            }
            throw broken;
        }
        if (interrupted != null) {
            throw interrupted;
        }
    }

    @Override
    public void collect(Consumer<? super WaitEdge> out) {
        for (Wait w : WAITS) {
            if (w.holder() != null && w.isWaiting()) { // no holder: the owner's thread has not started yet
                out.accept(w);
            }
        }
    }

    /** One blocked send; equal only to itself (one record per wait). */
    static final class Wait implements WaitEdge {
        private static final VarHandle END;

        static {
            try {
                END = MethodHandles.lookup().findVarHandle(Wait.class, "end", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private static final Object DONE = new Object();

        private final Thread waiter;
        private final Object sender; // the sending Outbox, or a String for a delivery from outside
        private final String senderScopePath; // for a sender that is not a component
        private final Inbox inbox;
        private final Condition space;
        private final long since;
        /** null while waiting; DONE once ended; the DeadlockException if a detector failed it. */
        @SuppressWarnings("unused") // through END
        private volatile Object end;

        Wait(Thread waiter, Object sender, Inbox inbox, Condition space, long since) {
            this.waiter = waiter;
            this.sender = sender;
            this.senderScopePath = sender instanceof Outbox ? null : Scope.currentPath();
            this.inbox = inbox;
            this.space = space;
            this.since = since;
        }

        boolean isWaiting() {
            return end == null;
        }

        /** By the waiter: ends the wait; returns the exception a detector failed it with, or null. */
        DeadlockException end() {
            Object e = END.compareAndExchange(this, null, DONE);
            return e instanceof DeadlockException d ? d : null;
        }

        @Override
        public Thread waiter() {
            return waiter;
        }

        @Override
        public String waiterPath() {
            return sender instanceof Outbox o ? o.owner.path() : senderScopePath;
        }

        @Override
        public String waitsFor() {
            return "room in inbox '" + inbox.owner.path() + "." + inbox.name + "' (full at " + inbox.capacity + ")"
                    + (sender instanceof Outbox o ? " to send from '" + o.owner.path() + "." + o.name + "'" : "");
        }

        /** The inbox owner's thread: null until it starts, then the same for good (a component runs once). */
        @Override
        public Thread holder() {
            return inbox.owner.thread();
        }

        @Override
        public String holderPath() {
            return inbox.owner.path();
        }

        @Override
        public long sinceNanos() {
            return since;
        }

        /**
         * Still waiting, and the inbox still full and open to sends (not passed through). (A closed inbox is left out of the check: only its owner's thread closes it, as it ends, and a thread that
         * ends is in no wait, so no confirmed cycle can contain it.)
         */
        @Override
        public boolean isCurrent() {
            if (end != null) {
                return false;
            }
            inbox.owner.lock.lock(); // held only briefly by anyone: nothing blocks under a component's lock
            try {
                return inbox.onward == null && inbox.size() >= inbox.capacity;
            } finally {
                inbox.owner.lock.unlock();
            }
        }

        /** Marks the wait failed and wakes the inbox's waiting senders; this one then throws {@code cause}. */
        @Override
        public boolean fail(DeadlockException cause) {
            if (!END.compareAndSet(this, null, cause)) {
                return false;
            }
            inbox.owner.lock.lock();
            try {
                space.signalAll();
            } finally {
                inbox.owner.lock.unlock();
            }
            return true;
        }

        @Override
        public String holderRole() {
            return "emptied only by";
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
