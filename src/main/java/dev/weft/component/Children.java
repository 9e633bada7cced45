package dev.weft.component;

import dev.weft.scope.Scope;
import dev.weft.scope.Task;
import dev.weft.scope.TaskFailedException;
import java.util.concurrent.CancellationException;

/**
 * A component's children as tasks of a scope owned by the component's thread, opened when the first child starts:
 * a component with no children pays for no scope. The scope's policy cancels the other children when one fails, and
 * its join is where the parent waits for them all.
 */
final class Children {
    private final Component parent;
    private final Scope<Object, Void> scope;

    /** On the parent's thread. */
    Children(Component parent) {
        this.parent = parent;
        this.scope = Scope.open();
    }

    /** On the parent's thread. */
    void start(Component child) {
        child.attachChild(parent.system());
        Task<Object> task = scope.fork(child.name(), child::runOnThread);
        if (task.state() == Task.State.CANCELLED) {
            // Forked after a sibling's failure cancelled the scope: the task never runs, so the child never ends by
            // itself, and a parent waiting for its children to end would wait forever.
            child.endIfNeverRan();
        }
    }

    /**
     * Waits for every child, after the parent's main ended with {@code thrown} (null: normally). A main that failed
     * or was interrupted cancels the children first. Returns what the parent ends with: its own throwable, or else
     * the first child's failure.
     */
    Throwable await(Throwable thrown) {
        if (thrown != null) {
            scope.cancel();
        }
        try {
            scope.join();
        } catch (TaskFailedException e) {
            Throwable childFailure = e.getCause() != null ? e.getCause() : e;
            if (thrown == null) {
                thrown = childFailure;
            } else if (thrown != childFailure) {
                thrown.addSuppressed(childFailure);
            }
        } catch (CancellationException e) {
            if (thrown == null) {
                thrown = e; // cancelled from above: the parent ends cancelled too
            }
        } catch (InterruptedException e) {
            if (thrown == null) {
                thrown = e;
            }
            scope.cancel();
        } finally {
            try {
                scope.close();
            } finally {
                for (Component c : parent.childComponents()) {
                    c.endIfNeverRan(); // forked after a cancellation: the scope skipped it
                }
            }
        }
        return thrown;
    }
}
