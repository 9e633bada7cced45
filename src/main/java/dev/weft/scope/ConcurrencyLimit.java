package dev.weft.scope;

/**
 * A concurrency limit that may move while a scope runs: the hook through which an adaptive limit (such as those of
 * {@code dev.weft.adapt}, for a speed or a memory goal) attaches to a scope, given with
 * {@link ScopeOptions#withConcurrencyLimit(ConcurrencyLimit)}. The scope asks {@link #current()} on every fork and
 * every task end, tells the limit how each admitted task went ({@link #onTaskEnd}), and re-checks its admission queue
 * when the limit says it rose ({@link #addListener}). One limit may serve several scopes at once; it then limits each
 * of them separately to its current value.
 *
 * <p>When the limit falls below the tasks already running, none is stopped: the next ends are not replaced until fewer
 * than the limit run. When it rises, queued forks are admitted at once, in their admission order (see
 * {@link Scope#fork(String, Priority, java.util.concurrent.Callable)}).
 *
 * <p>Threads: every method is called concurrently by the scope's owner and its tasks' threads, on the paths of fork
 * and of each task's end, so implementations must be thread safe, quick, must not block or throw, and must call their
 * listeners outside any lock of their own.
 */
public interface ConcurrencyLimit {

    /** How many tasks may run at once now: at least 1 (a smaller value counts as 1). */
    int current();

    /**
     * A task admitted under this limit ended.
     *
     * @param runNanos how long its body ran
     * @param inFlight tasks of the scope running when it ended, itself included
     * @param queued   forks of the scope waiting for a slot when it ended
     * @param failed   whether it failed (or was cancelled)
     */
    void onTaskEnd(long runNanos, int inFlight, int queued, boolean failed);

    /**
     * Registers {@code raised}, to be run (on any thread, outside the limit's locks) whenever {@link #current()} may
     * have risen for a reason other than a task's end: a scope subscribes while it is open, so that a rise admits its
     * queued forks without waiting for a task to end. Listeners must be quick and must not block.
     */
    void addListener(Runnable raised);

    /** Removes a listener given to {@link #addListener}; does nothing if it is not registered. */
    void removeListener(Runnable raised);
}
