package dev.weft.scope;

import dev.weft.event.Event;
import java.time.Duration;

/**
 * A handle on one task forked in a {@link Scope}: each task runs as its own virtual thread.
 *
 * <p>States: a task is {@link State#RUNNING RUNNING} from {@code fork} until its code returns or throws, then ends in
 * exactly one of {@link State#SUCCEEDED SUCCEEDED}, {@link State#FAILED FAILED} or {@link State#CANCELLED CANCELLED}
 * and never changes again. A task forked after its scope was cancelled starts {@code CANCELLED} and never runs; one
 * forked with a priority that waits for a concurrency slot is {@code RUNNING} while it waits, and ends
 * {@code CANCELLED} without running if its scope is cancelled before it is admitted.
 *
 * <p>Memory effects: everything the task did happens-before a call of {@link #state()} that returns an end state,
 * and so before {@link #get()} and {@link #exception()} return.
 *
 * <p>Thread safety: every method may be called from any thread.
 *
 * @param <T> the result type
 */
public interface Task<T> {

    /** The life cycle of a task. */
    enum State {
        /** Forked and not yet ended. */
        RUNNING,
        /** Returned a value. */
        SUCCEEDED,
        /** Threw before its scope was cancelled. */
        FAILED,
        /** Ended because its scope was cancelled, or never ran for that reason. */
        CANCELLED
    }

    /** The name given to {@code fork}, or {@code task-N} where N is its fork number in the scope, from 1. */
    String name();

    /** The scope path of this task, for example {@code demo/download/page-3}. */
    String path();

    /** The current state; never blocks. */
    State state();

    /**
     * The value the task returned.
     *
     * @throws IllegalStateException if the task has not {@link State#SUCCEEDED succeeded}, naming the task, its state
     *                               and (when it failed or was cancelled) with what it threw as the cause
     */
    T get();

    /**
     * What the task threw.
     *
     * @throws IllegalStateException if the task is not {@link State#FAILED FAILED} or {@link State#CANCELLED
     *                               CANCELLED}-with-a-cause
     */
    Throwable exception();

    /**
     * How the task ended.
     *
     * @throws IllegalStateException while it is still {@link State#RUNNING RUNNING}
     */
    Outcome<T> outcome();

    /** Time from fork to the end of the task, or to now while it runs; zero for a task that never ran. */
    Duration elapsed();

    /**
     * The task's completion as a read-only CPU {@link Event}, made on first call: SCHEDULED while the task runs,
     * then SUCCESS when it {@link State#SUCCEEDED succeeded}, or FAILED when it failed (keeping what it threw) or was
     * cancelled (message {@code task '<path>' was cancelled}). Lets events of any device wait on tasks, and tasks be
     * combined with {@link dev.weft.event.Events}. Every call returns the same event.
     */
    Event event();
}
