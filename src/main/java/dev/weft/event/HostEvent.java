package dev.weft.event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-event state of a host (CPU-semantics) event: caffe2's {@code CPUEventWrapper} without its mutex.
 *
 * <p>The whole state is one immutable value in one volatile field, changed only by compare-and-set, so every
 * transition is atomic, no thread ever blocks another, and no lock is held while callbacks run. The value is either
 * a {@link Node} (not finished: its status, INITIALIZED or SCHEDULED, and the stack of pending callbacks, newest
 * first) or a {@link Done} (terminal: status, message, exception).
 */
final class HostEvent {
    private static final Logger LOG = LoggerFactory.getLogger(Event.class);
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(HostEvent.class, "state", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A not-yet-finished state: {@code status} is the event's (only the head's counts), {@code action} a pending
     * callback or null for a bare status node. {@code internal} marks waiters and future views, which survive a
     * reset from INITIALIZED because they wait for the event's next completion rather than belong to one.
     */
    record Node(EventStatus status, Consumer<? super Event> action, boolean internal, Node next) {
    }

    /** A terminal state; the message is null for SUCCESS. */
    record Done(EventStatus status, String message, Throwable exception, Instant exceptionTime) {
    }

    static final Node INITIALIZED = new Node(EventStatus.INITIALIZED, null, false, null);
    private static final Node SCHEDULED = new Node(EventStatus.SCHEDULED, null, false, null);
    private static final Done SUCCESS = new Done(EventStatus.SUCCESS, null, null, null);

    @SuppressWarnings("unused") // through STATE
    private volatile Object state;

    HostEvent() {
        // A plain store, not a volatile one: a volatile store costs a full fence (on x86 a locked instruction) per
        // new event. Safe because a HostEvent is only ever reached through Event's final field `state`, whose
        // freeze at the end of Event's constructor publishes this write to every thread that sees the Event.
        STATE.set(this, INITIALIZED);
    }

    private boolean cas(Object expected, Object next) {
        return STATE.compareAndSet(this, expected, next);
    }

    Object snapshot() {
        return state;
    }

    EventStatus status() {
        Object s = state;
        return s instanceof Node n ? n.status : ((Done) s).status;
    }

    /** caffe2's EventRecordCPU: INITIALIZED to SCHEDULED, or straight to FAILED with an error. */
    void record(Event event, String error) {
        while (true) {
            Object s = state;
            if (!(s instanceof Node n)) {
                return; // the asynchronous part finished first: recording a finished event does nothing
            }
            if (n.status == EventStatus.SCHEDULED) {
                throw new IllegalStateException("record called twice on event " + event.describe()
                        + ": it is already SCHEDULED");
            }
            if (error == null) {
                if (cas(n, n == INITIALIZED ? SCHEDULED : new Node(EventStatus.SCHEDULED, null, false, n))) {
                    return;
                }
            } else if (cas(n, new Done(EventStatus.FAILED, error, null, null))) {
                runAll(n, event); // unlike caffe2, a failure recorded straight away still runs the callbacks
                return;
            }
        }
    }

    /**
     * caffe2's EventSetFinishedCPU, plus its SetFinishedWithException: the first failure wins.
     *
     * @param quiet for an {@link EventSource}: never throw or warn, return whether this call finished the event
     */
    boolean setFinished(Event event, String error, Throwable exception, boolean quiet) {
        while (true) {
            Object s = state;
            if (s instanceof Node n) {
                Done done = error == null && exception == null ? SUCCESS
                        : new Done(EventStatus.FAILED, error != null ? error : String.valueOf(exception), exception,
                        exception == null ? null : Instant.now());
                if (cas(n, done)) {
                    runAll(n, event);
                    return true;
                }
            } else {
                Done d = (Done) s;
                if (quiet) {
                    return false;
                }
                if (d.status == EventStatus.SUCCESS) {
                    throw new IllegalStateException("setFinished called on event " + event.describe()
                            + ", which already SUCCEEDED" + (error == null && exception == null ? ""
                            : " (new error: " + (error != null ? error : exception) + ")"));
                }
                if (exception != null && d.exception == null) {
                    // caffe2 keeps the first exception even when a plain message failed the event first
                    if (!cas(d, new Done(EventStatus.FAILED, d.message, exception, Instant.now()))) {
                        continue;
                    }
                }
                LOG.warn("setFinished called on a finished event {}. Most likely caused by an external cancellation."
                        + " old message: {}, new message: {}", event.describe(), d.message,
                        error != null ? error : exception != null ? exception : "(success)");
                return false;
            }
        }
    }

    /** caffe2's EventSetCallbackCPU: pending until the event finishes, or run at once on this thread. */
    void onComplete(Event event, Consumer<? super Event> action, boolean internal) {
        while (true) {
            Object s = state;
            if (s instanceof Node n) {
                if (cas(n, new Node(n.status, action, internal, n))) {
                    return;
                }
            } else {
                run(action, event);
                return;
            }
        }
    }

    /** Removes a pending callback registered earlier (a timed-out or interrupted waiter); false if gone. */
    boolean remove(Consumer<? super Event> action) {
        while (true) {
            Object s = state;
            if (!(s instanceof Node n)) {
                return false;
            }
            Node without = without(n, action);
            if (without == n) {
                return false;
            }
            if (cas(n, without)) {
                return true;
            }
        }
    }

    /** caffe2's EventResetCPU, refused while SCHEDULED so that no finish is lost under a waiter. */
    void reset(Event event) {
        while (true) {
            Object s = state;
            if (s instanceof Node n) {
                if (n.status == EventStatus.SCHEDULED) {
                    throw new IllegalStateException("reset of event " + event.describe()
                            + " while it is SCHEDULED: finish it first (setFinished), then reset");
                }
                Node kept = internalOnly(n);
                if (kept == n || cas(n, kept)) {
                    return;
                }
            } else if (cas(s, INITIALIZED)) {
                return;
            }
        }
    }

    /** Blocks until terminal; waiters register as internal callbacks, so no completion can be missed. */
    void await() throws InterruptedException {
        await(-1);
    }

    /**
     * Blocks until terminal or {@code nanos} passed ({@code nanos < 0}: no deadline); true if it completed. The
     * waiter removes its callback when it gives up, so timed-out and interrupted waits leave nothing behind.
     */
    boolean await(long nanos) throws InterruptedException {
        if (state instanceof Done) {
            return true;
        }
        boolean timed = nanos >= 0;
        if (timed && nanos == 0) {
            return false;
        }
        long deadline = timed ? System.nanoTime() + nanos : 0;
        Waiter w = new Waiter();
        onComplete(null, w, true);
        while (!w.woken) {
            if (timed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    remove(w);
                    return w.woken;
                }
                LockSupport.parkNanos(this, left);
            } else {
                LockSupport.park(this);
            }
            if (Thread.interrupted()) {
                if (w.woken) {
                    Thread.currentThread().interrupt(); // completed anyway: keep the interrupt, report success
                    return true;
                }
                remove(w);
                throw new InterruptedException();
            }
        }
        return true;
    }

    /** Wakes one parked thread once; records that it did, so spurious wake-ups are told apart. */
    private static final class Waiter implements Consumer<Event> {
        private final Thread thread = Thread.currentThread();
        volatile boolean woken;

        @Override
        public void accept(Event e) {
            woken = true;
            LockSupport.unpark(thread);
        }
    }

    /** Runs the pending callbacks of {@code top}, oldest first, each isolated from the others' failures. */
    private static void runAll(Node top, Event event) {
        int count = 0;
        for (Node n = top; n != null; n = n.next) {
            if (n.action != null) {
                count++;
            }
        }
        if (count == 0) {
            return;
        }
        if (count == 1) { // the common case, without an array
            for (Node n = top; n != null; n = n.next) {
                if (n.action != null) {
                    run(n.action, event);
                    return;
                }
            }
        }
        @SuppressWarnings("unchecked") Consumer<? super Event>[] actions = (Consumer<? super Event>[]) new Consumer<?>[count];
        int i = count;
        for (Node n = top; n != null; n = n.next) {
            if (n.action != null) {
                actions[--i] = n.action;
            }
        }
        for (Consumer<? super Event> a : actions) {
            run(a, event);
        }
    }

    private static void run(Consumer<? super Event> action, Event event) {
        try {
            action.accept(event);
        } catch (Throwable t) {
            LOG.warn("callback {} of event {} threw; the other callbacks still run", action,
                    event == null ? "?" : event.describe(), t);
        }
    }

    /** The chain without {@code action}'s node; the same chain if absent. Keeps the head's status. */
    private static Node without(Node head, Consumer<? super Event> action) {
        int depth = 0;
        Node n = head;
        while (n != null && n.action != action) {
            n = n.next;
            depth++;
        }
        if (n == null) {
            return head;
        }
        Node rest = n.next;
        Node[] above = new Node[depth];
        Node m = head;
        for (int i = 0; i < depth; i++, m = m.next) {
            above[i] = m;
        }
        for (int i = depth - 1; i >= 0; i--) {
            rest = new Node(above[i].status, above[i].action, above[i].internal, rest);
        }
        if (rest == null) {
            return head.status == EventStatus.INITIALIZED ? INITIALIZED : SCHEDULED;
        }
        return rest.status == head.status ? rest : new Node(head.status, null, false, rest);
    }

    /** An INITIALIZED chain holding only the internal (waiter) nodes of {@code head}, in order. */
    private static Node internalOnly(Node head) {
        if (head == INITIALIZED) {
            return head;
        }
        int internal = 0;
        for (Node n = head; n != null; n = n.next) {
            if (n.action != null && n.internal) {
                internal++;
            }
        }
        if (internal == 0) {
            return INITIALIZED;
        }
        Node[] kept = new Node[internal];
        int i = 0;
        for (Node n = head; n != null; n = n.next) {
            if (n.action != null && n.internal) {
                kept[i++] = n;
            }
        }
        Node chain = null;
        for (int k = internal - 1; k >= 0; k--) {
            chain = new Node(EventStatus.INITIALIZED, kept[k].action, true, chain);
        }
        return chain;
    }
}
