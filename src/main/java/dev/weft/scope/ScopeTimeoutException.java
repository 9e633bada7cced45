package dev.weft.scope;

import java.time.Duration;
import java.util.List;

/**
 * Thrown by {@link Scope#join()} when the scope's timeout or deadline passed before its policy was satisfied. The
 * scope is cancelled by then. The message names the scope and the tasks that had not finished; failures that happened
 * before the timeout are attached as suppressed exceptions, so none is lost.
 */
public final class ScopeTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String scopePath;
    private final transient List<String> unfinishedTasks;
    private final Duration timeout;

    ScopeTimeoutException(String scopePath, Duration timeout, List<String> unfinishedTasks, int moreUnfinished,
                          List<Throwable> failures) {
        super("scope '" + scopePath + "' timed out after " + timeout + "; unfinished tasks: " + unfinishedTasks
                + (moreUnfinished > 0 ? " and " + moreUnfinished + " more" : ""));
        this.scopePath = scopePath;
        this.timeout = timeout;
        this.unfinishedTasks = List.copyOf(unfinishedTasks);
        failures.forEach(this::addSuppressed);
    }

    /** The path of the scope that timed out. */
    public String scopePath() {
        return scopePath;
    }

    /** The time the scope was given, from its opening to its deadline. */
    public Duration timeout() {
        return timeout;
    }

    /** The names of the tasks (up to 32) that were still running when the scope timed out. */
    public List<String> unfinishedTasks() {
        return unfinishedTasks;
    }
}
