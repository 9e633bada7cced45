package dev.weft.scope;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A structured group of tasks, each running on its own virtual thread. A scope is opened by one thread, its
 * <em>owner</em>, which forks tasks, joins once, and closes it, normally with try-with-resources:
 *
 * {@snippet :
 * try (var scope = Scope.open(ScopeOptions.named("download").withTimeout(Duration.ofSeconds(10)))) {
 *     Task<String> page = scope.fork("page-1", () -> fetch(1));
 *     Task<String> other = scope.fork("page-2", () -> fetch(2));
 *     scope.join();                       // throws TaskFailedException if a task failed
 *     return page.get() + other.get();
 * }
 * }
 *
 * <h2>Policies</h2>
 * Each factory fixes what {@link #join()} waits for and returns:
 * <ul>
 *   <li>{@link #open()}: all must succeed; the first failure cancels the others and join throws
 *       {@link TaskFailedException} (cause: that failure; suppressed: the other failures that happened before the
 *       cancellation took effect); join returns {@code null}.</li>
 *   <li>{@link #race()}: the first success wins, the rest are cancelled, join returns the winner's value; if all
 *       fail, {@link TaskFailedException} with every failure.</li>
 *   <li>{@link #settle()}: waits for all and returns every {@link Outcome}, in fork order; never throws for a task's
 *       failure.</li>
 *   <li>{@link #quorum(int)}: the first {@code n} successes (completion order), then the rest are cancelled; throws
 *       {@link TaskFailedException} as soon as {@code n} successes become impossible.</li>
 * </ul>
 *
 * <h2>Structure</h2>
 * {@link #close()} cancels tasks still running (by interrupting them) and does not return before every thread forked
 * in the scope has ended; a task that ignores interruption delays it, and close logs which tasks it is waiting for
 * after the {@linkplain ScopeOptions#closeGracePeriod() grace period}, so a hang is never silent. Scopes opened inside
 * tasks, or inside another scope by the same owner, are nested: cancelling a scope, for any reason, interrupts its
 * tasks and cancels every scope nested in it, whose join then throws
 * {@link java.util.concurrent.CancellationException} naming the enclosing scope and why it was cancelled (an owner
 * blocked in a nested scope's join is thereby released when the outer scope times out). Interrupting the owner
 * cancels its scope.
 *
 * <h2>Cancellation, timeouts and limits</h2>
 * A scope is cancelled by its policy, by its timeout or deadline ({@link #join()} then throws
 * {@link ScopeTimeoutException}), by {@link #cancel()} from any thread (join then throws
 * {@link java.util.concurrent.CancellationException} saying why), or by closing it before join. Cancellation
 * interrupts the tasks from the cancelling thread itself, so it takes effect even while tasks occupy every carrier
 * thread; a timeout names the tasks running at the moment it passed, even those that then return normally. With
 * {@linkplain ScopeOptions#maxConcurrency() maxConcurrency}, {@code fork} parks the owner while that many tasks run.
 *
 * <h2>Misuse</h2>
 * Every misuse throws at once, naming the scope: fork, join or close from a thread other than the owner
 * ({@link WrongThreadException}); fork after join or close, join twice, closing an outer scope while a nested one of
 * the same owner is open, or closing after forking without joining ({@link IllegalStateException}; the nested scopes
 * and tasks are still closed and cancelled first); a null task ({@link NullPointerException}); bad options
 * ({@link IllegalArgumentException}, from {@link ScopeOptions}).
 *
 * <h2>Memory effects</h2>
 * Actions of the owner before {@code fork} happen-before the task's actions, which happen-before join returns and
 * before the {@link Task}'s end state is seen. A scope keeps only its running tasks (and, for settle, every task),
 * so millions of forks with a concurrency limit run in bounded memory.
 *
 * <p>Implemented on the JDK's preview {@code StructuredTaskScope}, which never appears in this API.
 *
 * @param <T> the type tasks return ({@code Object} for {@link #open()})
 * @param <R> the type {@link #join()} returns
 */
public final class Scope<T, R> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scope.class);
    static final ScopedValue<TaskImpl<?>> CURRENT_TASK = ScopedValue.newInstance();
    /** The innermost open scope owned by the current thread: the owner-side half of the tree. */
    private static final ThreadLocal<Scope<?, ?>> INNERMOST = new ThreadLocal<>();
    /** Live scopes with no parent, for {@link #dump()}: the one piece of global state, and only for observation. */
    private static final Set<Scope<?, ?>> ROOTS = ConcurrentHashMap.newKeySet();
    /** What else {@link #dump()} shows of a path (lock waits); see {@link #addDumpContributor}. */
    private static final List<DumpContributor> DUMP_CONTRIBUTORS = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final AtomicLong IDS = new AtomicLong();
    private static final int OPEN = 0, JOINED = 1, CLOSED = 2;

    private final long id = IDS.incrementAndGet();
    private final ScopeOptions options;
    private final Policy<T, R> policy;
    private final String path;
    private final Thread owner = Thread.currentThread();
    private final Scope<?, ?> enclosing;
    private final TaskImpl<?> parentTask;
    private final long openedNanos = System.nanoTime();
    private final Duration timeout;
    private final StructuredTaskScope<Object, Void> jdkScope;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition slotFreed = lock.newCondition();
    private final CountDownLatch sentinelRelease = new CountDownLatch(1);
    private final AtomicInteger running = new AtomicInteger();
    private final LiveTasks live = new LiveTasks();
    private final Set<Scope<?, ?>> nested = ConcurrentHashMap.newKeySet();
    private final ScopeEvent event = new ScopeEvent();
    /** Cancels the scope when its timeout passes; null without a timeout. */
    private final ScheduledFuture<?> timer;
    /** Why the scope was cancelled, for messages; written once, under lock, before {@code cancelled}. */
    private String cancelReason;
    /** Set by the timer; the names (up to 32) of the tasks running at that moment, and how many more. Under lock. */
    private boolean timedOut;
    private List<String> unfinishedAtTimeout = List.of();
    private int moreUnfinishedAtTimeout;
    /** Set under lock when join has its result, so that a timer firing later changes nothing. */
    private boolean settled;
    private volatile boolean cancelled;
    private volatile boolean joining;
    private volatile int phase = OPEN;
    private long forked;
    private int inFlight; // guarded by lock, only when maxConcurrency is bounded
    /** The observer this scope's nested scopes inherit, or null. */
    private final ScopeObserver observer;
    /** What watches this scope, or null when nothing does: then every hot path pays one null check. */
    final ScopeObserver.Probe probe;
    /** For the probe: SUCCEEDED if join returned, FAILED if it threw TaskFailedException, else CANCELLED. */
    private Task.State joinOutcome = Task.State.CANCELLED;

    private Scope(Policy<T, R> policy, ScopeOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.policy = policy;
        this.enclosing = INNERMOST.get();
        this.parentTask = enclosing == null && CURRENT_TASK.isBound() ? CURRENT_TASK.get() : null;
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
        this.jdkScope = StructuredTaskScope.open(new Joiner(), config -> config.withName(describe()));
        // The sentinel lets any thread cancel the scope: the JDK scope cancels only from a completing subtask.
        jdkScope.fork(() -> {
            sentinelRelease.await();
            return null;
        });
        INNERMOST.set(this);
        if (enclosing != null) {
            enclosing.nested.add(this);
        } else if (parentTask != null) {
            parentTask.addChild(this);
        } else {
            ROOTS.add(this);
        }
        // Opened inside a scope already cancelled (its timeout may pass before this line): cancelled from the start.
        // Registered first, then checked, while cancellation sets its flag first, then visits the nested scopes:
        // with both sides volatile, at least one of them sees the other.
        Scope<?, ?> around = enclosing != null ? enclosing : parentTask != null ? parentTask.scope : null;
        if (around != null && around.isCancelled()) {
            cancel(around.cancelledBecause());
        }
        // Scheduled last: the timer may run at once (a deadline in the past) and needs the scope complete.
        this.timer = timeout == null ? null : ForkJoinPool.commonPool().schedule(this::onTimeout,
                TimeUnit.NANOSECONDS.convert(timeout), TimeUnit.NANOSECONDS);
    }

    /** A scope where all tasks must succeed; see the class description. */
    public static Scope<Object, Void> open() {
        return open(ScopeOptions.defaults());
    }

    /** A scope where all tasks must succeed, with options. */
    public static Scope<Object, Void> open(ScopeOptions options) {
        return new Scope<>(new Policy.All(), options);
    }

    /** A scope whose first successful task wins. */
    public static <T> Scope<T, T> race() {
        return race(ScopeOptions.defaults());
    }

    /** A scope whose first successful task wins, with options. */
    public static <T> Scope<T, T> race(ScopeOptions options) {
        return new Scope<>(new Policy.Race<>(), options);
    }

    /** A scope that waits for every task and returns every outcome. */
    public static <T> Scope<T, List<Outcome<T>>> settle() {
        return settle(ScopeOptions.defaults());
    }

    /** A scope that waits for every task and returns every outcome, with options. */
    public static <T> Scope<T, List<Outcome<T>>> settle(ScopeOptions options) {
        return new Scope<>(new Policy.Settle<>(), options);
    }

    /**
     * A scope that returns the first {@code n} successes.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static <T> Scope<T, List<T>> quorum(int n) {
        return quorum(n, ScopeOptions.defaults());
    }

    /** A scope that returns the first {@code n} successes, with options. */
    public static <T> Scope<T, List<T>> quorum(int n, ScopeOptions options) {
        if (n < 1) {
            throw new IllegalArgumentException("quorum of " + (options.name() == null ? "(unnamed scope)"
                    : "scope '" + options.name() + "'") + " must be at least 1, got " + n);
        }
        return new Scope<>(new Policy.Quorum<>(n), options);
    }

    /** Forks {@code task} as an unnamed task ({@code task-N}); see {@link #fork(String, Callable)}. */
    public <U extends T> Task<U> fork(Callable<? extends U> task) {
        return fork(null, task);
    }

    /**
     * Starts {@code task} on a new virtual thread in this scope. With a concurrency limit, parks until a slot is
     * free; if the owner is interrupted while parked, the scope is cancelled, the interrupt status is kept and the
     * returned task is {@link Task.State#CANCELLED CANCELLED}. A task forked after the scope was cancelled never runs.
     *
     * @param name the task's name, a segment of its path ({@code null} for {@code task-N})
     * @throws NullPointerException  if {@code task} is null
     * @throws WrongThreadException  if the caller is not the owner
     * @throws IllegalStateException after join or close
     */
    public <U extends T> Task<U> fork(String name, Callable<? extends U> task) {
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
        TaskImpl<U> t = new TaskImpl<>(this, name, ++forked, task);
        if (probe != null) {
            probe.forked();
        }
        policy.onFork(t);
        if (!takeSlot() || isCancelled()) {
            if (t.skip() && probe != null) {
                probe.ended(Task.State.CANCELLED, 0);
            }
            return t;
        }
        running.incrementAndGet();
        live.add(t);
        jdkScope.fork(t);
        return t;
    }

    /** Parks for a concurrency slot; false if the scope was cancelled meanwhile. */
    private boolean takeSlot() {
        if (options.maxConcurrency() == Integer.MAX_VALUE) {
            return true;
        }
        lock.lock();
        try {
            while (inFlight >= options.maxConcurrency() && !isCancelled()) {
                slotFreed.await(); // signalled by every task's end and by every cancellation, timeouts included
            }
            if (isCancelled()) {
                return false;
            }
            inFlight++;
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        cancel("its owner was interrupted while waiting to fork");
        return false;
    }

    /** Called by a task's own thread when its body returned or threw. */
    void taskEnded(TaskImpl<?> task, Object value, Throwable failure) {
        boolean cancel;
        if (failure == null) {
            @SuppressWarnings("unchecked") TaskImpl<Object> t = (TaskImpl<Object>) task;
            t.succeed(value);
            cancel = policy.onSuccess(this, task);
        } else {
            lock.lock();
            try {
                // Under the lock, so a failure is either recorded before cancellation or classified as cancelled.
                boolean already = isCancelled();
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
        if (options.maxConcurrency() != Integer.MAX_VALUE) {
            lock.lock();
            try {
                inFlight--;
                slotFreed.signal();
            } finally {
                lock.unlock();
            }
        }
        if (running.decrementAndGet() == 0 && joining) {
            sentinelRelease.countDown();
        }
    }

    /**
     * Waits for the policy's result; see the class description.
     *
     * @throws TaskFailedException      when the policy failed
     * @throws ScopeTimeoutException    when the timeout or deadline passed first
     * @throws java.util.concurrent.CancellationException when {@link #cancel()} was called first
     * @throws InterruptedException     when the owner was interrupted; the scope is then cancelled, and failures
     *                                  recorded until then are attached as suppressed
     * @throws WrongThreadException     if the caller is not the owner
     * @throws IllegalStateException    if already joined or closed
     */
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
        joining = true;
        if (running.get() == 0) {
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
            return timedOut ? new ScopeTimeoutException(describe(), timeout, unfinishedAtTimeout,
                    moreUnfinishedAtTimeout, policy.failureExceptions()) : null;
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
            List<String> names = live.running().stream().map(Task::name).sorted().toList();
            unfinishedAtTimeout = List.copyOf(names.subList(0, Math.min(32, names.size())));
            moreUnfinishedAtTimeout = names.size() - unfinishedAtTimeout.size();
            timedOut = true;
            cancelLocked("timed out after " + timeout);
        } finally {
            lock.unlock();
        }
        propagateCancel();
    }

    /**
     * Cancels the scope from any thread: tasks not yet ended are interrupted, scopes nested in this one are cancelled
     * too, later forks never run, and a pending or later {@link #join()} throws
     * {@link java.util.concurrent.CancellationException} unless the policy already has its result. Idempotent.
     * Cancelling never waits for a free carrier thread: the caller interrupts the tasks itself.
     */
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
        boolean first = !cancelled;
        if (first) {
            cancelReason = reason;
            cancelled = true;
        }
        slotFreed.signalAll();
        sentinelRelease.countDown();
        return first;
    }

    /**
     * After the scope was cancelled, outside its lock: interrupts its running tasks and cancels the scopes nested in
     * it, by the same owner or by its tasks, naming this scope as the reason.
     */
    private void propagateCancel() {
        String because = cancelledBecause();
        for (TaskImpl<?> t : live.running()) {
            t.interrupt();
            for (Scope<?, ?> child : t.children()) {
                child.cancel(because);
            }
        }
        for (Scope<?, ?> inner : nested) {
            inner.cancel(because);
        }
    }

    /** The reason given to the scopes nested in this cancelled one. */
    private String cancelledBecause() {
        String why = cancelReason();
        return "enclosing scope '" + describe() + "' " + (timedOut() ? "" : "was cancelled")
                + (why == null ? "" : timedOut() ? why : ": " + why);
    }

    private boolean timedOut() {
        return locked(() -> timedOut);
    }

    /** Why the scope was cancelled, or null if it was not (or only by the JDK scope closing). */
    String cancelReason() {
        return locked(() -> cancelReason);
    }

    private static String describe(Thread t) {
        return t.getName().isEmpty() ? "#" + t.threadId() : "'" + t.getName() + "'";
    }

    /** Whether the scope was cancelled (by its policy, timeout, {@link #cancel()}, interruption or close). */
    public boolean isCancelled() {
        return cancelled || jdkScope.isCancelled();
    }

    /**
     * Cancels what still runs and waits until every thread forked in this scope has ended; idempotent. Closing
     * nested scopes of the same owner first is the caller's duty: an outer scope closed while a nested one is open
     * closes the nested ones, then itself, then throws.
     *
     * @throws WrongThreadException  if the caller is not the owner
     * @throws IllegalStateException if nested scopes were still open, or tasks were forked but join never called
     *                               (in try-with-resources, suppressed under the exception that skipped join)
     */
    @Override
    public void close() {
        checkOwner("close");
        if (phase == CLOSED) {
            return;
        }
        List<String> unclosed = new ArrayList<>();
        for (Scope<?, ?> inner = INNERMOST.get(); inner != null && inner != this; inner = INNERMOST.get()) {
            unclosed.add(inner.describe());
            inner.close0();
        }
        boolean joined = phase == JOINED;
        close0();
        if (!unclosed.isEmpty()) {
            throw new IllegalStateException("scope '" + describe() + "' closed while nested scope(s) " + unclosed
                    + " were open; they were closed first");
        }
        if (!joined && forked > 0) {
            throw new IllegalStateException("scope '" + describe() + "' closed without join after forking "
                    + forked + " task(s); unfinished tasks were cancelled");
        }
    }

    private void close0() {
        boolean joined = phase == JOINED;
        phase = CLOSED;
        if (timer != null) {
            timer.cancel(false);
        }
        if (!joined) {
            cancel("it was closed before join");
        }
        Thread watchdog = live.noneRunning() ? null : Thread.ofVirtual().name("weft-close-watch-" + id).start(this::watch);
        try {
            jdkScope.close();
        } catch (IllegalStateException notJoined) {
            // the JDK scope insists on a join; Weft reports that misuse itself, naming the scope
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
            INNERMOST.set(enclosing);
            if (enclosing != null) {
                enclosing.nested.remove(this);
            } else if (parentTask != null) {
                parentTask.removeChild(this);
            } else {
                ROOTS.remove(this);
            }
            if (event.shouldCommit()) {
                event.path = describe();
                event.policy = policy.name();
                event.forked = forked;
                event.cancelled = isCancelled();
                event.commit();
            }
            if (probe != null) {
                probe.closed(joinOutcome, System.nanoTime() - openedNanos);
            }
        }
    }

    /** Logs, by name, the tasks close still waits for, each time the grace period doubles. */
    private void watch() {
        long wait = TimeUnit.NANOSECONDS.convert(options.closeGracePeriod()); // saturates
        long waited = 0;
        try {
            while (true) {
                TimeUnit.NANOSECONDS.sleep(wait);
                waited += wait;
                List<TaskImpl<?>> stuck = live.running();
                if (stuck.isEmpty()) {
                    return;
                }
                List<String> names = stuck.stream().map(Task::name).sorted().limit(32).toList();
                LOG.warn("scope '{}' is closing but still waits after {} for {} task(s) that ignore interruption: {}",
                        describe(), Duration.ofNanos(waited), stuck.size(), names);
                wait = wait > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : wait * 2;
            }
        } catch (InterruptedException done) {
            // close finished
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

    /** The scope's name, or {@code null} if unnamed. */
    public String name() {
        return options.name();
    }

    /**
     * The scope's path: the names of the enclosing scopes and tasks, then its own, joined by {@code /}, for example
     * {@code demo/download}. Unnamed scopes add no segment; the path of an unnamed root scope is empty.
     */
    public String path() {
        return path;
    }

    /** The path, or {@code #id} for an unnamed root scope, as used in messages. */
    String describe() {
        return path.isEmpty() ? "#" + id : name() == null ? path + "/#" + id : path;
    }

    /** The path of the innermost scope or task the current thread runs in; empty outside any. */
    public static String currentPath() {
        Scope<?, ?> inner = INNERMOST.get();
        if (inner != null) {
            return inner.path;
        }
        return CURRENT_TASK.isBound() ? CURRENT_TASK.get().path() : "";
    }

    /**
     * The probe of the innermost scope the current thread owns, else of the scope of the task it runs; {@code null}
     * when nothing watches that scope, or outside any scope. For observers that give tasks a handle of their own
     * (as {@code Metrics.current()} does).
     */
    public static ScopeObserver.Probe currentProbe() {
        Scope<?, ?> inner = INNERMOST.get();
        return inner != null ? inner.probe : CURRENT_TASK.isBound() ? CURRENT_TASK.get().scope.probe : null;
    }

    /** The name of the task the current thread runs, or {@code null} outside any task. */
    public static String currentTaskName() {
        return CURRENT_TASK.isBound() ? CURRENT_TASK.get().name() : null;
    }

    /**
     * A snapshot of every live Weft scope and its running tasks, with state and age, as an indented tree; callable
     * from any thread while tasks run. At most 20 tasks are listed per scope.
     */
    public static String dump() {
        StringBuilder out = new StringBuilder();
        List<Scope<?, ?>> roots = new ArrayList<>(ROOTS);
        roots.sort((a, b) -> Long.compare(a.id, b.id));
        if (roots.isEmpty()) {
            out.append("(no live Weft scopes)\n");
        }
        for (Scope<?, ?> s : roots) {
            s.dumpInto(out, 0);
        }
        return out.toString();
    }

    private void dumpInto(StringBuilder out, int depth) {
        String indent = "  ".repeat(depth);
        long now = System.nanoTime();
        List<TaskImpl<?>> tasks = live.running();
        out.append(indent).append("scope ").append(describe()).append(" [").append(policy.name())
                .append(isCancelled() ? ", cancelled" : "").append(phase == JOINED ? ", joining" : "")
                .append("] age ").append(age(now - openedNanos)).append(", ").append(tasks.size())
                .append(" running of ").append(forked).append(" forked, owner ").append(owner.getName().isEmpty()
                        ? "#" + owner.threadId() : owner.getName());
        appendLockWaits(out, path); // the owner's, if it waits in a LockSet acquisition
        out.append('\n');
        tasks.sort((a, b) -> a.name().compareTo(b.name()));
        int shown = 0;
        for (TaskImpl<?> t : tasks) {
            if (shown++ == 20) {
                out.append(indent).append("  … ").append(tasks.size() - 20).append(" more task(s)\n");
                break;
            }
            out.append(indent).append("  task ").append(t.name()).append(' ').append(t.state()).append(' ')
                    .append(age(t.elapsed().toNanos()));
            appendLockWaits(out, t.path());
            out.append('\n');
            for (Scope<?, ?> child : t.children()) {
                child.dumpInto(out, depth + 2);
            }
        }
        for (Scope<?, ?> child : nested) {
            child.dumpInto(out, depth + 1);
        }
    }

    /** Appends what the contributors say of a task or scope owner (what it waits for, for example). */
    private static void appendLockWaits(StringBuilder out, String path) {
        for (DumpContributor c : DUMP_CONTRIBUTORS) {
            String about = c.about(path);
            if (about != null && !about.isEmpty()) {
                out.append("  ").append(about);
            }
        }
    }

    /**
     * Adds {@code contributor} to what {@link #dump()} prints: after each task and each scope owner, what it says of
     * that path. The lock package adds one at its first use, showing the {@code OrderedLock} a task waits for, its
     * holder and the wait; the core itself imports nothing of it. Like the scope tree, the list of contributors is
     * process-wide and only read for dumps. Thread safe; adding the same contributor twice shows it twice.
     *
     * @throws NullPointerException if {@code contributor} is null
     */
    public static void addDumpContributor(DumpContributor contributor) {
        DUMP_CONTRIBUTORS.add(Objects.requireNonNull(contributor, "contributor"));
    }

    /** Says something about a task or a scope owner for {@link #dump()}; see {@link #addDumpContributor}. */
    @FunctionalInterface
    public interface DumpContributor {
        /**
         * What to show after the task or scope owner at {@code path}, or {@code null} or empty for nothing. Called
         * from the dumping thread while tasks run: must be thread safe, quick and must not block.
         */
        String about(String path);
    }

    private static String age(long nanos) {
        return String.format("%.3fs", nanos / 1e9);
    }

    @Override
    public String toString() {
        return "Scope['" + describe() + "', " + policy.name() + "]";
    }

    /** Adapts the JDK's joiner protocol: Weft decides cancellation itself and only tells the JDK scope. */
    private final class Joiner implements StructuredTaskScope.Joiner<Object, Void> {
        @Override
        public boolean onComplete(StructuredTaskScope.Subtask<?> subtask) {
            return cancelled;
        }

        @Override
        public Void result() {
            return null;
        }
    }
}
