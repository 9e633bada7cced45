package dev.weft.scope;

import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The machinery behind {@link Scope}, which states the contract: the owner-side state machine (open, joined,
 * closed), fork and join, cancellation and its propagation to nested scopes, Weft's own timeout, and what each task's
 * end means for the policy. The JDK's preview scope is reached only through {@link JdkScope}; the tree of live scopes
 * and dumps live in {@link ScopeTree}, the concurrency limit and its admission queue in {@link Limiter}, the close
 * watchdog in {@link CloseWatchdog}.
 *
 * <p>Concurrency: fork, join and close run on the owner; {@link #taskEnded} on each task's thread; cancel and the
 * timer on any thread. One {@link ReentrantLock} orders failures against cancellation and guards the timeout's
 * record; no callback and no blocking call runs under it.
 */
final class ScopeImpl<T, R> implements Scope<T, R> {
    private static final AtomicLong IDS = new AtomicLong();
    private static final int OPEN = 0, JOINED = 1, CLOSED = 2;

    /** The JDK scope's default: unnamed virtual threads. */
    private static final ThreadFactory VIRTUAL = Thread.ofVirtual().factory();

    private final long id = IDS.incrementAndGet();
    private final ScopeOptions options;
    private final Policy<T, R> policy;
    private final String path;
    private final Thread owner = Thread.currentThread();
    private final ScopeImpl<?, ?> enclosing;
    private final TaskImpl<?> parentTask;
    private final long openedNanos = System.nanoTime();
    private final Duration timeout;
    private final JdkScope jdkScope;
    private final ReentrantLock lock = new ReentrantLock();
    /** The concurrency limit, or null without one. */
    private final Limiter limiter;
    /** The limit that moves (ScopeOptions#concurrencyLimit), or null; told of every admitted task's end. */
    private final ConcurrencyLimit moving;
    /** Subscribed to {@link #moving} while the scope is open: a rise admits queued forks at once. */
    private final Runnable limitRaised;
    private final CountDownLatch sentinelRelease = new CountDownLatch(1);
    /** Tasks that ended, counted by their threads; join releases the sentinel when it reaches {@link #forkedTotal}. */
    private final EndCounter ended = new EndCounter();
    /** Tasks handed to the JDK scope ({@code live.started}) when join began: written by the owner before
     * {@link #joining}, read by tasks after it. */
    private long forkedTotal;
    private final LiveTasks live = new LiveTasks();
    private final Set<ScopeImpl<?, ?>> nested = ConcurrentHashMap.newKeySet();
    private final ScopeEvent event = new ScopeEvent();
    /** Cancels the scope when its timeout passes; null without a timeout. */
    private final ScheduledFuture<?> timer;
    /** Why the scope was cancelled, for messages; written once, under lock, before {@code cancelled}. */
    private String cancelReason;
    /**
     * Set by the timer, with the tasks running at that moment: those it finds running, and those that end after it
     * marked the scope cancelled (each records itself before its end state is written). Under lock.
     */
    private boolean timedOut;
    private final Set<TaskImpl<?>> runningAtTimeout = new HashSet<>();
    /** Set under lock when join has its result, so that a timer firing later changes nothing. */
    private boolean settled;
    private volatile boolean cancelled;
    private volatile boolean joining;
    private volatile int phase = OPEN;
    /** The observer this scope's nested scopes inherit, or null. */
    private final ScopeObserver observer;
    /** What watches this scope, or null when nothing does: then every hot path pays one null check. */
    final ScopeObserver.Probe probe;
    /** For the probe: SUCCEEDED if join returned, FAILED if it threw TaskFailedException, else CANCELLED. */
    private Task.State joinOutcome = Task.State.CANCELLED;

    ScopeImpl(Policy<T, R> policy, ScopeOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.policy = policy;
        this.moving = options.concurrencyLimit();
        this.limiter = options.maxConcurrency() == Integer.MAX_VALUE && moving == null ? null
                : new Limiter(options.maxConcurrency(), options.maxWaitingForks(), moving);
        this.limitRaised = moving == null ? null : limiter::recheck;
        if (moving != null) {
            moving.addListener(limitRaised); // removed on close
        }
        this.enclosing = ScopeTree.INNERMOST.get();
        this.parentTask = enclosing == null && ScopeTree.CURRENT_TASK.isBound() ? ScopeTree.CURRENT_TASK.get() : null;
        String base = enclosing != null ? enclosing.path : parentTask != null ? parentTask.path() : "";
        String name = options.name();
        this.path = name == null ? base : base.isEmpty() ? name : base + "/" + name;
        this.timeout = options.effectiveTimeout(Instant.now());
        ScopeObserver given = options.observer();
        this.observer = given != null ? given : enclosing != null ? enclosing.observer
                : parentTask != null ? parentTask.scope.observer : null;
        this.probe = observer == null ? null : observer.opened(name);
        event.begin();
        // Weft times out by itself rather than through the JDK's configuration: the timer then names the tasks running
        // at that moment and cancels the scopes nested in this one by the same owner, which the JDK cannot know of.
        this.jdkScope = new JdkScope(describe(), () -> cancelled, this::newThread);
        // The sentinel lets any thread cancel the scope: the JDK scope cancels only from a completing subtask.
        jdkScope.fork(() -> {
            sentinelRelease.await();
            return null;
        });
        ScopeTree.INNERMOST.set(this);
        if (enclosing != null) {
            enclosing.nested.add(this);
        } else if (parentTask != null) {
            parentTask.addChild(this);
        } else {
            ScopeTree.addRoot(this);
        }
        // Opened inside a scope already cancelled (its timeout may pass before this line): cancelled from the start.
        // Registered first, then checked, while cancellation sets its flag first, then visits the nested scopes:
        // with both sides volatile, at least one of them sees the other.
        ScopeImpl<?, ?> around = enclosing != null ? enclosing : parentTask != null ? parentTask.scope : null;
        if (around != null && around.isCancelled()) {
            cancel(around.cancelledBecause());
        }
        // Scheduled last: the timer may run at once (a deadline in the past) and needs the scope complete.
        this.timer = timeout == null ? null : ForkJoinPool.commonPool().schedule(this::onTimeout,
                TimeUnit.NANOSECONDS.convert(timeout), TimeUnit.NANOSECONDS);
    }

    @Override
    public <U extends T> Task<U> fork(Callable<? extends U> task) {
        return fork(null, task);
    }

    @Override
    public <U extends T> Task<U> fork(String name, Callable<? extends U> task) {
        return fork0(name, null, task);
    }

    @Override
    public <U extends T> Task<U> fork(String name, Priority priority, Callable<? extends U> task) {
        Objects.requireNonNull(priority, () -> "null priority for a fork in scope '" + describe() + "'");
        return fork0(name, priority, task);
    }

    /** A fork; {@code priority} null for a plain one, which parks the owner for its slot. */
    private <U extends T> Task<U> fork0(String name, Priority priority, Callable<? extends U> task) {
        Objects.requireNonNull(task, () -> "null task forked in scope '" + describe() + "'");
        checkOwner("fork");
        if (phase != OPEN) {
            throw new IllegalStateException("fork in scope '" + describe() + "' after "
                    + (phase == JOINED ? "join" : "close"));
        }
        if (name != null && (name.isBlank() || name.contains("/"))) {
            throw new IllegalArgumentException("task name in scope '" + describe()
                    + "' must be non-blank and contain no '/', got '" + name + "'");
        }
        TaskImpl<U> t = new TaskImpl<>(this, name, ++live.forked, task);
        if (probe != null) {
            probe.forked();
        }
        policy.onFork(t);
        // SLOT: runs at once; a waiter: its thread waits for admission first; null: the scope was cancelled
        Limiter.Waiter admission = limiter == null ? Limiter.SLOT : takeSlot(t, priority);
        if (admission == null) {
            skipped(t);
            return t;
        }
        live.add(t);
        if (timer != null) {
            // A fence between the add and the check: a timeout racing with this fork either is seen below (the task
            // never runs) or sees the task in the live set (it is named); see onTimeout. Without a timer no one needs
            // it: a cancellation that misses the task here is seen by the task itself when it starts.
            VarHandle.fullFence();
        }
        if (cancelled) {
            if (limiter != null) {
                limiter.giveUp(admission);
            }
            skipped(t);
            return t;
        }
        live.started++;
        live.forking = t; // on the owner's padded lines, like every per-fork write
        try {
            if (admission == Limiter.SLOT) {
                jdkScope.fork(t);
            } else {
                t.markWaiting();
                jdkScope.fork(() -> admitThenRun(t, admission));
            }
        } finally {
            live.forking = null;
        }
        return t;
    }

    /**
     * Makes the thread of the task being forked, on the owner, and gives it to the task before it starts: then
     * cancellation can interrupt the task from the moment it exists, and the task's thread writes nothing to start.
     */
    private Thread newThread(Runnable run) {
        Thread thread = VIRTUAL.newThread(run);
        TaskImpl<?> t = live.forking;
        if (t != null) { // null for the sentinel
            t.setThread(thread);
        }
        return thread;
    }

    /** Marks a task that will never run as cancelled. */
    private void skipped(TaskImpl<?> t) {
        if (t.skip() && probe != null) {
            probe.ended(Task.State.CANCELLED, 0);
        }
    }

    /**
     * On the owner, with a concurrency limit: {@link Limiter#SLOT} once the task holds a slot (parking for one if the
     * fork is plain, or if the bound of waiting forks is reached), a queued waiter for the task's thread to hold, or
     * null if the scope was cancelled meanwhile.
     */
    private Limiter.Waiter takeSlot(TaskImpl<?> t, Priority priority) {
        try {
            // woken by every slot handed over, every waiter admitted and every cancellation
            if (priority == null) {
                return limiter.acquire(Priority.NORMAL.level(), this::isCancelled) ? Limiter.SLOT : null;
            }
            return limiter.admit(t, priority.level(), this::isCancelled);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel("its owner was interrupted while waiting to fork");
            return null;
        }
    }

    /**
     * The body of a task forked to wait for admission, on its own thread: waits for a slot, then runs the task,
     * unless the scope was cancelled first; then the task ends {@link Task.State#CANCELLED CANCELLED}, its body never
     * run, and a slot handed to it meanwhile passes on.
     */
    private Object admitThenRun(TaskImpl<?> t, Limiter.Waiter admission) {
        boolean holdsSlot = limiter.await(admission, this::isCancelled);
        if (!holdsSlot || cancelled) {
            if (cancelled) {
                recordIfTimedOut(t); // before the end state: see onTimeout
            }
            t.endWaiting();
            if (probe != null) {
                probe.ended(Task.State.CANCELLED, 0);
            }
            if (holdsSlot) {
                limiter.release();
            }
            countEnd();
            return null;
        }
        t.admitted();
        return t.call();
    }

    /** Whether tasks time their runs: for the observer's probe, or to tell a moving limit how long each ran. */
    boolean timesTasks() {
        return moving != null;
    }

    /** Called by a task's own thread when its body returned or threw. */
    void taskEnded(TaskImpl<?> task, Object value, Throwable failure) {
        boolean cancel;
        if (failure == null) {
            if (cancelled) {
                recordIfTimedOut(task); // before the end state: see onTimeout
            }
            @SuppressWarnings("unchecked") TaskImpl<Object> t = (TaskImpl<Object>) task;
            t.succeed(value);
            cancel = policy.onSuccess(this, task);
        } else {
            lock.lock();
            try {
                // Under the lock, so a failure is either recorded before cancellation or classified as cancelled.
                boolean already = isCancelled();
                recordIfTimedOutLocked(task);
                task.recordFailure(failure, already);
                cancel = !already && policy.onFailure(this, task);
            } finally {
                lock.unlock();
            }
            task.publishEnd(); // completion callbacks run here, never under the scope's lock
        }
        if (probe != null) {
            probe.ended(task.state(), task.runNanos());
        }
        if (cancel) {
            cancel(failure != null ? "task '" + task.name() + "' failed: " + failure
                    : "task '" + task.name() + "' completed its " + policy.name() + " policy");
        }
        if (moving != null) {
            moving.onTaskEnd(task.runNanos(), limiter.inFlight(), limiter.queued(), failure != null);
        }
        if (limiter != null) {
            limiter.release();
        }
        countEnd();
    }

    /** Counts a task's end, on its thread, and lets a joining owner go after the last one. */
    private void countEnd() {
        long e = ended.increment();
        if (joining && e == forkedTotal) {
            sentinelRelease.countDown(); // the last task of a joining scope: the JDK join may now return
        }
    }

    @Override
    public R join() throws InterruptedException {
        checkOwner("join");
        if (phase != OPEN) {
            throw new IllegalStateException("scope '" + describe() + "' was already "
                    + (phase == JOINED ? "joined" : "closed"));
        }
        phase = JOINED;
        if (locked(() -> policy.onJoin(this))) {
            cancel("its " + policy.name() + " policy cannot be satisfied by the tasks forked");
        }
        forkedTotal = live.started;
        joining = true;
        // Tasks count their ends, then read joining; this reads the count after writing joining: whichever comes
        // last sees that every task ended.
        if (ended.get() == forkedTotal) {
            sentinelRelease.countDown();
        }
        try {
            jdkScope.join();
        } catch (InterruptedException e) {
            cancel("its owner was interrupted in join");
            locked(policy::failureExceptions).forEach(e::addSuppressed);
            throw e;
        }
        ScopeTimeoutException timeoutFailure = locked(() -> {
            settled = true;
            if (!timedOut) {
                return null;
            }
            // Forks are over: a task found running at the timeout and then skipped by its fork never ran. One still
            // marked waiting had not started its body at the timeout, and starts it only if it checked the scope just
            // before the timeout marked it (admitThenRun checks after admission): it is named as waiting.
            List<String> names = runningAtTimeout.stream().filter(t -> !t.wasSkipped() && !t.isWaiting())
                    .map(Task::name).sorted().toList();
            List<String> waiting = runningAtTimeout.stream().filter(TaskImpl::isWaiting).map(Task::name).sorted()
                    .toList();
            return new ScopeTimeoutException(describe(), timeout, names, waiting, policy.failureExceptions());
        });
        if (timer != null) {
            timer.cancel(false);
        }
        if (timeoutFailure != null) {
            throw timeoutFailure;
        }
        R result;
        try {
            result = policy.result(this);
        } catch (TaskFailedException e) {
            joinOutcome = Task.State.FAILED;
            throw e;
        }
        joinOutcome = Task.State.SUCCEEDED;
        return result;
    }

    /**
     * Runs on the common pool's timer when the timeout or deadline passes: names the tasks running at this moment
     * (whatever they do once interrupted) and cancels the scope, unless join already had its result.
     */
    private void onTimeout() {
        lock.lock();
        try {
            if (settled || isCancelled()) {
                return;
            }
            timedOut = true;
            // Marked cancelled first, then a fence, then the live set. A fork racing with this timeout adds its task,
            // fences, then checks for cancellation: if that check missed the mark, the live set read here holds the
            // task. A task that ends from here on records itself (taskEnded), so one that answers the interrupt at
            // once is not lost either. Nothing is interrupted until the lock is released.
            boolean first = markCancelled("timed out after " + timeout);
            VarHandle.fullFence();
            runningAtTimeout.addAll(live.running());
            if (first) {
                wakeOwner();
            }
        } finally {
            lock.unlock();
        }
        propagateCancel();
    }

    @Override
    public void cancel() {
        cancel("cancel() was called from thread " + describe(Thread.currentThread()));
    }

    private void cancel(String reason) {
        boolean first;
        lock.lock();
        try {
            first = cancelLocked(reason);
        } finally {
            lock.unlock();
        }
        if (first) {
            propagateCancel();
        }
    }

    /** Marks the scope cancelled and wakes the owner; true for the call that cancelled it. Under lock. */
    private boolean cancelLocked(String reason) {
        boolean first = markCancelled(reason);
        wakeOwner();
        return first;
    }

    /** A task ending after the scope was cancelled: if by its timeout, the task was running then. */
    private void recordIfTimedOut(TaskImpl<?> task) {
        lock.lock();
        try {
            recordIfTimedOutLocked(task);
        } finally {
            lock.unlock();
        }
    }

    /** Under lock: a task ending after the timeout's mark was running at the timeout. */
    private void recordIfTimedOutLocked(TaskImpl<?> task) {
        if (timedOut && !settled) {
            runningAtTimeout.add(task);
        }
    }

    /** Sets the cancelled flag and its reason; true for the call that cancelled. Under lock. */
    private boolean markCancelled(String reason) {
        boolean first = !cancelled;
        if (first) {
            cancelReason = reason;
            cancelled = true;
        }
        return first;
    }

    /**
     * Wakes an owner parked in fork (for a slot) or join: releasing the sentinel subtask makes the JDK scope cancel,
     * which also interrupts every task, hence after the timeout's record is complete.
     */
    private void wakeOwner() {
        if (limiter != null) {
            limiter.wakeAll();
        }
        sentinelRelease.countDown();
    }

    /**
     * After the scope was cancelled, outside its lock: interrupts its running tasks and cancels the scopes nested in
     * it, by the same owner or by its tasks, naming this scope as the reason.
     */
    private void propagateCancel() {
        String because = cancelledBecause();
        for (TaskImpl<?> t : live.running()) {
            t.interrupt();
            for (ScopeImpl<?, ?> child : t.children()) {
                child.cancel(because);
            }
        }
        for (ScopeImpl<?, ?> inner : nested) {
            inner.cancel(because);
        }
    }

    /** The reason given to the scopes nested in this cancelled one. */
    private String cancelledBecause() {
        // One read under the lock: a timeout's reason ("timed out after …") is read as it stands.
        String why = locked(() -> cancelReason == null ? "was cancelled"
                : timedOut ? cancelReason : "was cancelled: " + cancelReason);
        return "enclosing scope '" + describe() + "' " + why;
    }

    /** Why the scope was cancelled, or null if it was not (or only by the JDK scope closing). */
    String cancelReason() {
        return locked(() -> cancelReason);
    }

    private static String describe(Thread t) {
        return t.getName().isEmpty() ? "#" + t.threadId() : "'" + t.getName() + "'";
    }

    @Override
    public boolean isCancelled() {
        return cancelled || jdkScope.isCancelled();
    }

    /** Weft's own flag alone (the JDK scope is only ever cancelled after it, or by close): one volatile read. */
    boolean cancelled() {
        return cancelled;
    }

    @Override
    public void close() {
        checkOwner("close");
        if (phase == CLOSED) {
            return;
        }
        List<String> unclosed = new ArrayList<>();
        for (ScopeImpl<?, ?> inner = ScopeTree.INNERMOST.get(); inner != null && inner != this;
                inner = ScopeTree.INNERMOST.get()) {
            unclosed.add(inner.describe());
            inner.close0();
        }
        boolean joined = phase == JOINED;
        close0();
        if (!unclosed.isEmpty()) {
            throw new IllegalStateException("scope '" + describe() + "' closed while nested scope(s) " + unclosed
                    + " were open; they were closed first");
        }
        if (!joined && live.forked > 0) {
            throw new IllegalStateException("scope '" + describe() + "' closed without join after forking "
                    + live.forked + " task(s); unfinished tasks were cancelled");
        }
    }

    private void close0() {
        boolean joined = phase == JOINED;
        phase = CLOSED;
        if (moving != null) {
            moving.removeListener(limitRaised);
        }
        if (timer != null) {
            timer.cancel(false);
        }
        if (!joined) {
            cancel("it was closed before join");
        }
        Thread watchdog = CloseWatchdog.start(describe(), id, options.closeGracePeriod(), live::running);
        try {
            jdkScope.close();
        } finally {
            if (watchdog != null) {
                watchdog.interrupt();
            }
            for (TaskImpl<?> t : live.running()) {
                // forked just as the scope was cancelled, it never ran: mark it cancelled
                if (t.skip() && probe != null) {
                    probe.ended(Task.State.CANCELLED, 0);
                }
            }
            ScopeTree.INNERMOST.set(enclosing);
            if (enclosing != null) {
                enclosing.nested.remove(this);
            } else if (parentTask != null) {
                parentTask.removeChild(this);
            } else {
                ScopeTree.removeRoot(this);
            }
            if (event.shouldCommit()) {
                event.path = describe();
                event.policy = policy.name();
                event.forked = live.forked;
                event.cancelled = isCancelled();
                event.commit();
            }
            if (probe != null) {
                probe.closed(joinOutcome, System.nanoTime() - openedNanos);
            }
        }
    }

    private void checkOwner(String what) {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException(what + " on scope '" + describe() + "' from thread " + Thread.currentThread()
                    + ", but only its owner " + owner + " may do that");
        }
    }

    <V> V locked(Supplier<V> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String name() {
        return options.name();
    }

    @Override
    public String path() {
        return path;
    }

    /** The path, or {@code #id} for an unnamed root scope, as used in messages. */
    String describe() {
        return path.isEmpty() ? "#" + id : name() == null ? path + "/#" + id : path;
    }

    // ---- read by ScopeTree for dumps, and by Scope's static methods ----

    long id() {
        return id;
    }

    Thread owner() {
        return owner;
    }

    String policyName() {
        return policy.name();
    }

    boolean isJoining() {
        return phase == JOINED;
    }

    long openedNanos() {
        return openedNanos;
    }

    long forkedCount() {
        return live.forked;
    }

    List<TaskImpl<?>> runningTasks() {
        return live.running();
    }

    Set<ScopeImpl<?, ?>> nestedScopes() {
        return nested;
    }

    @Override
    public String toString() {
        return "Scope['" + describe() + "', " + policy.name() + "]";
    }
}
