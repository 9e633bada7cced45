package dev.weft.scope;

/**
 * A hook that watches scopes and their tasks: attached with {@link ScopeOptions#withObserver(ScopeObserver)} and
 * inherited by the scopes nested in that one (opened by its owner or by its tasks) unless they name their own. The
 * core knows nothing of what an observer does with what it sees; {@code dev.weft.metrics.Metrics} is one, which
 * records Micrometer meters, and attaches to scopes only through this interface.
 *
 * <p>Threads: {@link #opened} is called by the owner of the scope that opens; a {@link Probe}'s methods by the owner
 * and, concurrently, by the tasks' threads. Implementations must be thread safe, quick, and must not block or throw:
 * they run on the paths of fork and of every task's end. A scope with no observer pays one null check per event.
 */
@FunctionalInterface
public interface ScopeObserver {

    /**
     * A scope opened; called by its owner before the scope's first fork.
     *
     * @param scopeName the scope's name, or {@code null} if unnamed
     * @return what watches this scope, or {@code null} to watch nothing of it
     */
    Probe opened(String scopeName);

    /** What one scope reports; see {@link ScopeObserver} for the threads that call it. */
    interface Probe {
        /**
         * A task was forked (it may never run, if the scope is cancelled first: then {@link #ended} follows without
         * {@link #started}, at once or, for a fork waiting for a concurrency slot, when it leaves the queue).
         */
        void forked();

        /** A forked task's body started, {@code queuedNanos} after its fork. */
        void started(long queuedNanos);

        /** A task ended in {@code state}, after running {@code runNanos} (0 for a task that never ran). */
        void ended(Task.State state, long runNanos);

        /**
         * The scope closed, {@code openNanos} after it opened. {@code outcome}: {@link Task.State#SUCCEEDED} if its
         * join returned, {@link Task.State#FAILED} if join threw {@link TaskFailedException}, else
         * {@link Task.State#CANCELLED} (timeout, cancellation, interruption, or closed without join).
         */
        void closed(Task.State outcome, long openNanos);
    }
}
