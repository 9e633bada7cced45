package dev.weft.scope;

import java.util.Objects;

/**
 * How one task ended: the value of a {@link Scope#settle() settle} scope's join, and {@link Task#outcome()}.
 *
 * @param <T> the task's result type
 */
public sealed interface Outcome<T> {

    /** The task's name, as given to {@code fork} or generated ({@code task-N}). */
    String taskName();

    /** The task returned {@code value} (which may be {@code null}). */
    record Success<T>(String taskName, T value) implements Outcome<T> {
        public Success {
            Objects.requireNonNull(taskName, "taskName");
        }
    }

    /** The task threw {@code exception} before its scope was cancelled. */
    record Failure<T>(String taskName, Throwable exception) implements Outcome<T> {
        public Failure {
            Objects.requireNonNull(taskName, "taskName");
            Objects.requireNonNull(exception, "exception");
        }
    }

    /**
     * The task did not complete on its own: it was cancelled with its scope (first failure, race won, quorum reached,
     * timeout, {@link Scope#cancel()} or interruption of the owner) or forked after the scope was cancelled.
     * {@code cause} is what the task threw while being cancelled, or {@code null} if it threw nothing or never ran.
     */
    record Cancelled<T>(String taskName, Throwable cause) implements Outcome<T> {
        public Cancelled {
            Objects.requireNonNull(taskName, "taskName");
        }
    }
}
