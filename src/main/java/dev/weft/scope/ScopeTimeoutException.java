package dev.weft.scope;

import java.time.Duration;
import java.util.List;

/**
 * Thrown by {@link Scope#join()} when the scope's timeout or deadline passed before its policy was satisfied. The
 * scope is cancelled by then. The message names the scope, the tasks that had not finished and, apart, the tasks
 * forked with a priority that were still waiting for a concurrency slot (their bodies never ran; see
 * {@link Scope#fork(String, Priority, java.util.concurrent.Callable)}); failures that happened before the timeout are
 * attached as suppressed exceptions, so none is lost.
 */
public final class ScopeTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private static final int SHOWN = 32;

    private final String scopePath;
    private final transient List<String> unfinishedTasks;
    private final transient List<String> waitingTasks;
    private final Duration timeout;

    /** {@code unfinished} and {@code waiting}: every such task's name, sorted; at most {@value #SHOWN} of each kept. */
    ScopeTimeoutException(String scopePath, Duration timeout, List<String> unfinished, List<String> waiting,
                          List<Throwable> failures) {
        super("scope '" + scopePath + "' timed out after " + timeout + "; unfinished tasks: " + shown(unfinished)
                + (waiting.isEmpty() ? "" : "; tasks still waiting for a concurrency slot: " + shown(waiting)));
        this.scopePath = scopePath;
        this.timeout = timeout;
        this.unfinishedTasks = List.copyOf(unfinished.subList(0, Math.min(SHOWN, unfinished.size())));
        this.waitingTasks = List.copyOf(waiting.subList(0, Math.min(SHOWN, waiting.size())));
        failures.forEach(this::addSuppressed);
    }

    private static String shown(List<String> names) {
        return names.size() <= SHOWN ? names.toString()
                : names.subList(0, SHOWN) + " and " + (names.size() - SHOWN) + " more";
    }

    /** The path of the scope that timed out. */
    public String scopePath() {
        return scopePath;
    }

    /** The time the scope was given, from its opening to its deadline. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The names of the tasks (up to 32) that were still running when the scope timed out. Tasks forked with a
     * priority that were still waiting for a concurrency slot are not among them: see {@link #waitingTasks()}.
     */
    public List<String> unfinishedTasks() {
        return unfinishedTasks;
    }

    /**
     * The names of the tasks (up to 32) forked with a {@link Priority} that were still waiting for a concurrency slot
     * when the scope timed out; their bodies never ran. Empty for scopes without a limit or without such forks.
     */
    public List<String> waitingTasks() {
        return waitingTasks;
    }
}
