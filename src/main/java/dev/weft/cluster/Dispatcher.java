package dev.weft.cluster;

import dev.weft.cluster.Protocol.Done;
import dev.weft.cluster.Protocol.Failed;
import dev.weft.cluster.Protocol.Hello;
import dev.weft.cluster.Protocol.ToDriver;
import dev.weft.cluster.Protocol.ToWorker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The driver's book of workers and of requests in flight: picks a worker for each request (the least loaded of those
 * that offer what it needs and have a free slot of their advertised concurrency), waits while all are full, and
 * settles each request exactly once: by the worker's reply, or, when its member is lost, by sending it again to
 * another worker (idempotent requests, up to {@link ClusterOptions#maxAttempts()}) or failing it with
 * {@link MemberLostException}. A reply that comes after its request was settled (from a member taken as lost that
 * came back) is dropped, so no request completes twice.
 *
 * <p>Own acknowledgements rather than Pekko's reliable delivery: every request is answered by its worker, so the
 * reply is the acknowledgement, and a lost member is the only way a request goes unanswered (Artery keeps order and
 * does not drop messages between members that stay associated). Thread safe: requests come from many virtual
 * threads, replies and membership changes from the driver's actor. Package-private.
 */
final class Dispatcher {
    /** What a request needs and how to send it. */
    record Call(String what, String needs, boolean operation, boolean idempotent, String pinnedMember,
                LongFunction<ToWorker> message) {
    }

    /** A worker's answer and the member it came from. */
    record Reply(byte[] bytes, String member) {
    }

    /** One worker as the driver sees it. */
    static final class Slot {
        final ActorRef<ToWorker> ref;
        final String member;
        final int concurrency;
        final long memory;
        final Set<String> operations;
        final Set<String> nodeTypes;
        int inFlight;
        boolean retired;
        final LongAdder runs = new LongAdder();
        /** Messages to this worker, batched. */
        final Outbox<ToWorker> out;

        Slot(Hello h) {
            ref = h.worker();
            out = new Outbox<>(batch -> ref.tell(batch.size() == 1 ? batch.getFirst()
                    : new Protocol.WorkerBatch(batch)));
            member = h.member();
            concurrency = h.concurrency();
            memory = h.memory();
            operations = Set.copyOf(h.operations());
            nodeTypes = Set.copyOf(h.nodeTypes());
        }

        boolean offers(Call c) {
            return (c.operation() ? operations : nodeTypes).contains(c.needs())
                    && (c.pinnedMember() == null || c.pinnedMember().equals(member));
        }
    }

    private static final class Pending {
        // a fresh number for each attempt: a late reply to an earlier one (from a member taken as lost that came
        // back) then finds nothing, rather than settling the attempt now running elsewhere and freeing its slot
        volatile long id;
        final Call call;
        final CompletableFuture<Reply> result = new CompletableFuture<>();
        Slot slot;
        int attempt;

        Pending(Call call) {
            this.call = call;
        }
    }

    /** A caller waiting for a slot. */
    private static final class Waiter {
        final Call call;
        final Condition ready;
        /** The slot handed over (its count taken), or null. */
        Slot granted;

        Waiter(Call call, Condition ready) {
            this.call = call;
            this.ready = ready;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** Callers waiting for a slot, in arrival order: a freed slot goes to the first it can serve, not to a herd. */
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private final Condition changed = lock.newCondition();
    private final Map<String, Slot> workers = new LinkedHashMap<>();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final ClusterOptions options;
    private final String driver;
    private volatile ActorRef<ToDriver> self;
    private volatile boolean closed;

    Dispatcher(ClusterOptions options, String driver) {
        this.options = options;
        this.driver = driver;
    }

    void self(ActorRef<ToDriver> ref) {
        self = ref;
    }

    ActorRef<ToDriver> self() {
        return self;
    }

    /** A member is leaving: no new work goes there; what runs there may still finish. */
    void retire(String member) {
        lock.lock();
        try {
            Slot s = workers.get(member);
            if (s != null) {
                s.retired = true;
                regrant();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A worker said hello (again: its entry is replaced, keeping nothing of a lost incarnation). */
    void hello(Hello h) {
        Slot old;
        lock.lock();
        try {
            old = workers.get(h.member());
            if (old != null && old.ref.equals(h.worker())) {
                return;
            }
            workers.put(h.member(), new Slot(h));
            regrant();
        } finally {
            lock.unlock();
        }
        if (old != null) {
            // a new incarnation before the old one was reported lost: what ran on the old one is lost all the same
            settle(old, h.member(), "it came back as a new incarnation");
        }
    }

    /** The workers now known, in the order they said hello. */
    List<WorkerInfo> workers() {
        lock.lock();
        try {
            List<WorkerInfo> out = new ArrayList<>();
            for (Slot s : workers.values()) {
                out.add(new WorkerInfo(s.member, s.concurrency, s.memory, s.operations, s.nodeTypes, s.inFlight,
                        s.runs.sum()));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until {@code n} workers are known; false at the deadline. */
    boolean awaitWorkers(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (workers.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends {@code call} to a worker and waits for its outcome.
     *
     * @return the worker's result bytes, and which member answered
     * @throws MemberLostException if its member was lost and it may not (or can no longer) run again
     * @throws RemoteFailureException if it failed on the worker
     * @throws ClusterException if no worker offers what it needs within the worker timeout
     * @throws InterruptedException if the caller is interrupted; the worker is told to stop it
     */
    Reply call(Call call) throws InterruptedException {
        Pending p = new Pending(call);
        send(p);
        try {
            return p.result.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                // a fresh exception on this thread, with the settled one as cause: the caller's stack shows where
                throw re instanceof MemberLostException ml ? ml.copy() : re instanceof RemoteFailureException rf
                        ? rf.copy() : re;
            }
            throw new ClusterException(call.what() + ": " + c, c);
        } catch (InterruptedException e) {
            cancel(p);
            throw e;
        }
    }

    /** Whether a worker offering {@code call} has a free slot now (for placements that spill over). */
    boolean hasFreeSlot(Call call) {
        lock.lock();
        try {
            return pick(call) != null;
        } finally {
            lock.unlock();
        }
    }

    /** Whether any worker (busy or not) offers what {@code call} needs. */
    boolean offered(Dispatcher.Call call) {
        lock.lock();
        try {
            return offered0(call);
        } finally {
            lock.unlock();
        }
    }

    private void send(Pending p) throws InterruptedException {
        Slot s;
        long deadline = System.nanoTime() + options.workerTimeout().toNanos();
        lock.lock();
        try {
            if (closed) {
                throw closedFor(p.call);
            }
            // a free slot exists only when no waiter can use it (a freed slot goes to the first that can), so taking
            // one here passes no one
            s = pick(p.call);
            if (s != null) {
                s.inFlight++;
            } else {
                s = await(p.call, deadline);
            }
            p.slot = s;
            p.attempt++;
            p.id = ids.incrementAndGet();
            pending.put(p.id, p);
        } finally {
            lock.unlock();
        }
        s.out.add(p.call.message().apply(p.id));
    }

    /**
     * Waits, first come first served, until a slot is handed over (its count already taken for this call). Held
     * under the lock. All busy is backpressure and lasts as long as it takes; no worker offering the call at all
     * fails at the deadline.
     */
    private Slot await(Call call, long deadline) throws InterruptedException {
        Waiter w = new Waiter(call, lock.newCondition());
        waiting.addLast(w);
        try {
            while (true) {
                if (w.granted != null) {
                    if (workers.get(w.granted.member) == w.granted) {
                        return w.granted;
                    }
                    w.granted = null; // handed over, then lost before this thread woke: wait again, first in line
                    waiting.addFirst(w);
                }
                // a slot may be free that no hand-over will bring: one freed while this waiter's grant was being
                // lost, or one this call can use and the waiters before it cannot
                Slot free = pick(call);
                if (free != null) {
                    waiting.remove(w);
                    free.inFlight++;
                    return free;
                }
                if (closed) {
                    throw closedFor(call);
                }
                boolean offered = offered0(call);
                long left = deadline - System.nanoTime();
                if (!offered && left <= 0) {
                    throw new ClusterException(call.what() + ": no worker offers " + (call.operation()
                            ? "operation '" : "node type '") + call.needs() + "'"
                            + (call.pinnedMember() != null ? " on member " + call.pinnedMember() : "")
                            + " after waiting " + options.workerTimeout() + "; workers: " + describe());
                }
                if (offered) {
                    w.ready.await();
                } else {
                    w.ready.awaitNanos(left);
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            if (!waiting.remove(w) && w.granted != null) {
                handOver(w.granted); // granted as it gave up: pass the slot on
            }
            throw e;
        }
    }

    private ClusterException closedFor(Call call) {
        return new ClusterException(call.what() + ": the cluster driver " + driver + " is closed");
    }

    /** Under the lock: gives a freed slot to the first waiter it can serve, else frees it. */
    private void handOver(Slot s) {
        if (workers.get(s.member) == s && !s.retired) {
            for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (s.offers(w.call)) {
                    it.remove();
                    w.granted = s;
                    w.ready.signal();
                    return;
                }
            }
        }
        s.inFlight--;
    }

    /** Under the lock, after workers came or went: grants what can be granted, and wakes the rest to look again. */
    private void regrant() {
        for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            Slot s = pick(w.call);
            if (s != null) {
                s.inFlight++;
                it.remove();
                w.granted = s;
            }
            w.ready.signal();
        }
        changed.signalAll();
    }

    private boolean offered0(Call call) {
        for (Slot w : workers.values()) {
            if (!w.retired && w.offers(call)) {
                return true;
            }
        }
        return false;
    }

    private Slot pick(Call c) {
        Slot best = null;
        for (Slot s : workers.values()) {
            if (!s.retired && s.inFlight < s.concurrency && s.offers(c) && (best == null || s.inFlight < best.inFlight)) {
                best = s;
            }
        }
        return best;
    }

    private String describe() {
        if (workers.isEmpty()) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        for (Slot s : workers.values()) {
            b.append(b.isEmpty() ? "" : "; ").append(s.member).append(" (operations ").append(s.operations)
                    .append(", node types ").append(s.nodeTypes).append(')');
        }
        return b.toString();
    }

    /** What a worker sent: a hello, a reply, or a batch of them, in order. */
    void deliver(ToDriver m) {
        switch (m) {
            case Protocol.DriverBatch b -> b.messages().forEach(this::deliver);
            case Hello h -> hello(h);
            case Done d -> reply(d);
            case Failed f -> reply(f);
        }
    }

    /** A worker's reply. */
    void reply(ToDriver m) {
        long id = m instanceof Done d ? d.id() : ((Failed) m).id();
        Pending p = pending.remove(id);
        if (p == null) {
            return; // settled already: its member was taken as lost, or it was cancelled
        }
        release(p.slot, true);
        if (m instanceof Done d) {
            p.result.complete(new Reply(d.result(), p.slot.member));
        } else {
            Failed f = (Failed) m;
            p.result.completeExceptionally(new RemoteFailureException(p.call.what(), p.slot.member, f.type(),
                    f.message(), f.trace()));
        }
    }

    private void release(Slot s, boolean ran) {
        lock.lock();
        try {
            if (ran) {
                s.runs.increment();
            }
            handOver(s);
        } finally {
            lock.unlock();
        }
    }

    private void cancel(Pending p) {
        if (pending.remove(p.id) != null) {
            release(p.slot, false);
            ActorRef<ToDriver> me = self;
            if (me != null) {
                p.slot.out.add(new Protocol.CancelOp(p.id, me));
            }
        }
    }

    /**
     * A member is unreachable or gone: its worker is forgotten, and each request in flight there is sent again
     * (idempotent, attempts left, some worker offers it) or failed naming the member.
     */
    void lost(String member, String why) {
        Slot gone;
        lock.lock();
        try {
            gone = workers.remove(member);
            regrant();
        } finally {
            lock.unlock();
        }
        if (gone != null) {
            settle(gone, member, why);
        }
    }

    /** Each request in flight on {@code gone}: sent again, or failed naming the member. */
    private void settle(Slot gone, String member, String why) {
        for (Pending p : pending.values()) {
            if (p.slot == gone && pending.remove(p.id, p)) {
                if (p.call.idempotent() && p.call.pinnedMember() == null && p.attempt < options.maxAttempts()) {
                    // sent again from a virtual thread of its own: waiting for a free slot must not block the actor
                    Thread.ofVirtual().name("weft-resend-" + p.id).start(() -> {
                        try {
                            send(p);
                        } catch (RuntimeException e) {
                            p.result.completeExceptionally(new MemberLostException(p.call.what(), member, why
                                    + "; sending it again failed: " + e.getMessage(), p.attempt));
                        } catch (InterruptedException e) {
                            p.result.completeExceptionally(e);
                        }
                    });
                } else {
                    p.result.completeExceptionally(new MemberLostException(p.call.what(), member, why + (p.call
                            .idempotent() ? "; attempts used: " + p.attempt + " of " + options.maxAttempts()
                            : "; not declared idempotent, so it is not run again"), p.attempt));
                }
            }
        }
    }

    /** Fails every request in flight and refuses new ones. */
    void close() {
        lock.lock();
        try {
            closed = true;
            regrant();
        } finally {
            lock.unlock();
        }
        for (Pending p : pending.values()) {
            if (pending.remove(p.id, p)) {
                p.result.completeExceptionally(new ClusterException(p.call.what() + ": the cluster driver " + driver
                        + " closed (or was removed from the cluster) while it ran on " + p.slot.member));
            }
        }
    }

    /** Requests in flight now. */
    int inFlight() {
        return pending.size();
    }
}
