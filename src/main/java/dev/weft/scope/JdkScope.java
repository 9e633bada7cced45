package dev.weft.scope;

import java.util.concurrent.Callable;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;

/**
 * The one file that touches the JDK's preview {@link StructuredTaskScope} (JDK 25's API): JDK 26 (JEP 525) and 27
 * (JEP 533) change {@code Joiner}, its timeout hook and the exception types again, and porting must touch this file
 * alone. Weft uses the JDK scope for what only it can do (threads in a tree the JDK knows, {@code close} that waits for
 * all of them, structure violations detected); Weft decides outcomes, timeouts and cancellation itself and only tells
 * the JDK scope, through the joiner, to cancel when a subtask completes after Weft cancelled.
 *
 * <p>Owner-confined like the JDK scope: only the thread that made it may fork, join and close.
 */
final class JdkScope {
    private final StructuredTaskScope<Object, Void> scope;

    /**
     * Opens a JDK scope named {@code name} whose subtasks, when they complete, cancel it if {@code cancelled} says so,
     * and whose threads {@code threads} makes (the JDK calls it on the owner, inside {@link #fork}).
     */
    JdkScope(String name, BooleanSupplier cancelled, ThreadFactory threads) {
        this.scope = StructuredTaskScope.open(new StructuredTaskScope.Joiner<Object, Void>() {
            @Override
            public boolean onComplete(StructuredTaskScope.Subtask<?> subtask) {
                return cancelled.getAsBoolean();
            }

            @Override
            public Void result() {
                return null;
            }
        }, config -> config.withName(name).withThreadFactory(threads));
    }

    /** Starts {@code task} in a new virtual thread of the scope (none once the JDK scope is cancelled). */
    void fork(Callable<?> task) {
        scope.fork(task);
    }

    /** Waits until every thread ended or the JDK scope was cancelled. */
    void join() throws InterruptedException {
        scope.join();
    }

    /** Whether the JDK scope was cancelled (after Weft cancelled, or on close). */
    boolean isCancelled() {
        return scope.isCancelled();
    }

    /** Cancels what still runs and waits for every thread; a close without join is Weft's to report, not the JDK's. */
    void close() {
        try {
            scope.close();
        } catch (IllegalStateException notJoined) {
            // the JDK scope insists on a join; Weft reports that misuse itself, naming the scope
        }
    }
}
