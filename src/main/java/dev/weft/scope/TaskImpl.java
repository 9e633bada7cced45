package dev.weft.scope;

import dev.weft.event.Event;
import dev.weft.event.EventSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The machinery behind {@link Task}: the body that runs on the task's virtual thread, and its end state.
 * The state is written once, by the task's own thread (or by the scope for a task that never ran), and published by
 * a volatile write, which gives {@link Task}'s happens-before guarantee.
 */
final class TaskImpl<T> implements Task<T>, Callable<Object> {
    /** {@code run}: not started; queued for a concurrency slot (body not started); never to run. */
    private static final int PENDING = 0, WAITING = 1, SKIPPED = 2;
    private static final VarHandle RUN, CHILDREN, COMPLETION;

    static {
        try {
            RUN = MethodHandles.lookup().findVarHandle(TaskImpl.class, "run", int.class);
            CHILDREN = MethodHandles.lookup().findVarHandle(TaskImpl.class, "children", Set.class);
            COMPLETION = MethodHandles.lookup().findVarHandle(TaskImpl.class, "completion", EventSource.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final ScopeImpl<?, ?> scope;
    private final String givenName;
    private final long index;
    private final Callable<? extends T> body;
    @SuppressWarnings("unused") // through RUN
    private volatile int run = PENDING;
    private volatile State state = State.RUNNING;
    /**
     * The thread that runs the body, set by the owner when the JDK scope makes it, before it starts; null for a task
     * that never got one. Cancellation reads it after marking the scope cancelled, and the task reads that mark after
     * starting (which follows this write): with both volatile, either the canceller sees the thread and interrupts it
     * (a thread interrupted before it starts starts interrupted), or the task sees the mark and interrupts itself.
     */
    private volatile Thread runner;
    private T value;
    private Throwable exception;
    private final long forkedNanos = System.nanoTime();
    private long endNanos; // published by the volatile write of state that follows it
    private long startNanos; // set by the task's own thread, only when its scope records metrics or has a moving limit
    /** Scopes opened by this task's thread, for {@link Scope#dump()}; created on first use. */
    private volatile Set<ScopeImpl<?, ?>> children;
    /** The source of {@link #event()}, made on first call so that tasks nobody asks about pay nothing. */
    private volatile EventSource completion;

    TaskImpl(ScopeImpl<?, ?> scope, String name, long index, Callable<? extends T> body) {
        this.scope = scope;
        this.givenName = name;
        this.index = index;
        this.body = body;
    }

    @Override
    public Object call() {
        // No compare-and-set: the scope skips a task only before handing it to the JDK scope (fork) or after every
        // thread of the JDK scope has ended (close), never while this can run.
        if ((int) RUN.getVolatile(this) == SKIPPED) {
            return null;
        }
        // A cancellation that read runner == null did not interrupt this thread: this read then sees its mark.
        if (scope.cancelled()) {
            Thread.currentThread().interrupt();
        }
        ScopeObserver.Probe probe = scope.probe;
        if (probe != null || scope.timesTasks()) {
            startNanos = System.nanoTime();
            if (probe != null) {
                probe.started(startNanos - forkedNanos);
            }
        }
        T result = null;
        Throwable failure = null;
        try {
            result = ScopedValue.where(ScopeTree.CURRENT_TASK, this).call(body::call);
        } catch (Throwable e) {
            failure = e;
        }
        scope.taskEnded(this, result, failure);
        // Created at the end, so that with no recording asking for it the JIT can drop the allocation.
        TaskEvent event = new TaskEvent();
        if (event.shouldCommit()) {
            event.scope = scope.path();
            event.task = name();
            event.state = state.name();
            event.runTime = endNanos - forkedNanos;
            event.commit();
        }
        return null; // outcomes are Weft's business; the JDK scope only sees successes
    }

    /** Whether the scope marked this task as never run. */
    boolean wasSkipped() {
        return (int) RUN.getVolatile(this) == SKIPPED;
    }

    /** Marks a task that never started as cancelled; false if it had already started. */
    boolean skip() {
        int r = (int) RUN.getVolatile(this);
        if (r == PENDING || r == WAITING) {
            RUN.setVolatile(this, SKIPPED);
            endNanos = forkedNanos;
            state = State.CANCELLED;
            publishEnd();
            return true;
        }
        return false;
    }

    /** On the owner, before the task's thread starts: the thread will wait in the admission queue first. */
    void markWaiting() {
        RUN.setVolatile(this, WAITING);
    }

    /** On the task's thread: admitted to a slot, its body is about to run. */
    void admitted() {
        RUN.setVolatile(this, PENDING);
    }

    /**
     * Whether the task waits in its scope's admission queue, or ended there (cancelled while waiting, its body never
     * run).
     */
    boolean isWaiting() {
        return (int) RUN.getVolatile(this) == WAITING;
    }

    /**
     * On the task's thread: the scope was cancelled while the task waited for admission, so its body never runs; ends
     * it {@link State#CANCELLED CANCELLED} like a task skipped at fork (no exception, zero run time).
     */
    void endWaiting() {
        endNanos = forkedNanos;
        state = State.CANCELLED;
        publishEnd();
    }

    /** Gives the task the thread the JDK scope made for it: on the owner, before the thread starts. */
    void setThread(Thread thread) {
        runner = thread;
    }

    /** The task's thread, or null before the owner made it. */
    Thread runner() {
        return runner;
    }

    /**
     * Interrupts the task's thread if it has one and it is not the caller (a thread not started yet starts
     * interrupted). Called by cancellation on any thread, so that cancelling never waits for a carrier thread to run
     * the JDK scope's own cancellation.
     */
    void interrupt() {
        Thread t = runner;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }

    /** Start-to-end time, for meters: read by the task's own thread after it ended (0 for a task that never ran). */
    long runNanos() {
        return startNanos == 0 ? 0 : endNanos - startNanos;
    }

    void succeed(T v) {
        value = v;
        endNanos = System.nanoTime();
        state = State.SUCCEEDED;
        publishEnd();
    }

    /**
     * Records a failure (or, when {@code cancelled}, a cancellation) without running completion callbacks: the scope
     * calls this under its lock and {@link #publishEnd()} after releasing it, so no callback runs under that lock.
     */
    void recordFailure(Throwable e, boolean cancelled) {
        exception = e;
        endNanos = System.nanoTime();
        state = cancelled ? State.CANCELLED : State.FAILED;
    }

    /**
     * Finishes the completion event if one was asked for. The end state is written before {@code completion} is
     * read here, and {@link #event()} writes {@code completion} before reading the state: with both volatile, at
     * least one side sees the other, and the source lets only the first finish count.
     */
    void publishEnd() {
        EventSource s = completion;
        if (s != null) {
            finishEvent(s);
        }
    }

    private void finishEvent(EventSource s) {
        switch (state) {
            case SUCCEEDED -> s.succeed();
            case FAILED -> s.fail(exception);
            case CANCELLED -> s.fail("task '" + path() + "' was cancelled", exception);
            case RUNNING -> { }
        }
    }

    @Override
    public Event event() {
        EventSource s = completion;
        if (s == null) {
            EventSource made = new EventSource("task " + path());
            s = COMPLETION.compareAndSet(this, null, made) ? made : completion;
            if (state != State.RUNNING) {
                finishEvent(s);
            }
        }
        return s.event();
    }

    void addChild(ScopeImpl<?, ?> child) {
        Set<ScopeImpl<?, ?>> set = children;
        if (set == null) {
            CHILDREN.compareAndSet(this, null, ConcurrentHashMap.newKeySet());
            set = children;
        }
        set.add(child);
    }

    void removeChild(ScopeImpl<?, ?> child) {
        Set<ScopeImpl<?, ?>> set = children;
        if (set != null) {
            set.remove(child);
        }
    }

    Set<ScopeImpl<?, ?>> children() {
        Set<ScopeImpl<?, ?>> set = children;
        return set == null ? Set.of() : set;
    }

    @Override
    public String name() {
        return givenName != null ? givenName : "task-" + index;
    }

    @Override
    public String path() {
        String base = scope.path();
        return base.isEmpty() ? name() : base + "/" + name();
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public T get() {
        State s = state;
        if (s != State.SUCCEEDED) {
            throw new IllegalStateException(
                    "task '" + path() + "' has no value: it is " + s, s == State.RUNNING ? null : exception);
        }
        return value;
    }

    @Override
    public Throwable exception() {
        State s = state;
        if (s == State.FAILED || (s == State.CANCELLED && exception != null)) {
            return exception;
        }
        throw new IllegalStateException("task '" + path() + "' threw nothing: it is " + s);
    }

    @Override
    public Outcome<T> outcome() {
        return switch (state) {
            case RUNNING -> throw new IllegalStateException("task '" + path() + "' is still running");
            case SUCCEEDED -> new Outcome.Success<>(name(), value);
            case FAILED -> new Outcome.Failure<>(name(), exception);
            case CANCELLED -> new Outcome.Cancelled<>(name(), exception);
        };
    }

    @Override
    public Duration elapsed() {
        long end = state == State.RUNNING ? System.nanoTime() : endNanos;
        return Duration.ofNanos(end - forkedNanos);
    }

    @Override
    public String toString() {
        return "Task[" + path() + ", " + state + "]";
    }
}
