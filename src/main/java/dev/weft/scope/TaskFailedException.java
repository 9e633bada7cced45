package dev.weft.scope;

import java.util.List;

/**
 * Thrown by {@link Scope#join()} when the scope's policy failed: for {@link Scope#open()} the first task failure (the
 * cause), with every other failure that happened before the cancellation took effect as suppressed exceptions; for
 * {@link Scope#race()} and {@link Scope#quorum(int)}, when success became impossible, the first failure as cause and
 * the rest suppressed.
 */
public final class TaskFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String scopePath;
    private final String taskName;

    /**
     * @param scopePath the failed scope's path
     * @param taskName  the task whose failure is the cause, or {@code null} when none (a race with no tasks)
     * @param message   the detail message
     * @param cause     the first failure, or {@code null}
     * @param others    the other failures, added as suppressed exceptions
     */
    public TaskFailedException(String scopePath, String taskName, String message, Throwable cause,
                               List<? extends Throwable> others) {
        super(message, cause);
        this.scopePath = scopePath;
        this.taskName = taskName;
        others.forEach(this::addSuppressed);
    }

    /** The path of the scope whose join threw this. */
    public String scopePath() {
        return scopePath;
    }

    /** The name of the task whose failure is the cause, or {@code null} if there is no cause. */
    public String taskName() {
        return taskName;
    }
}
