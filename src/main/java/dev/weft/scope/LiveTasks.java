package dev.weft.scope;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The tasks of a scope that may still be running, for {@link Scope#dump()}, timeouts and close. Only the owner adds
 * (it is the only thread that forks), and tasks never remove themselves: ended tasks are dropped when the owner
 * compacts the array, which it does when the array is full. So the hot path has no contended write, and memory stays
 * proportional to the number of running tasks (at most about twice that, plus a constant), not to the number forked.
 *
 * <p>Readers on any thread iterate a snapshot array, skipping empty slots; elements are stored with release and read
 * with acquire semantics, so a reader that sees a task sees it fully constructed.
 */
final class LiveTasks {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(TaskImpl[].class);
    private volatile TaskImpl<?>[] array = new TaskImpl<?>[16];
    private int size; // owner only

    /** Owner only. */
    void add(TaskImpl<?> task) {
        TaskImpl<?>[] a = array;
        if (size == a.length) {
            a = compact(a);
        }
        SLOT.setRelease(a, size++, task);
    }

    private TaskImpl<?>[] compact(TaskImpl<?>[] old) {
        int running = 0;
        for (TaskImpl<?> t : old) {
            if (t.state() == Task.State.RUNNING) {
                running++;
            }
        }
        TaskImpl<?>[] fresh = new TaskImpl<?>[Math.max(16, 2 * running + 16)];
        int n = 0;
        for (TaskImpl<?> t : old) {
            if (t.state() == Task.State.RUNNING) {
                fresh[n++] = t;
            }
        }
        size = n;
        array = fresh;
        return fresh;
    }

    /** The tasks still running, from any thread. */
    List<TaskImpl<?>> running() {
        TaskImpl<?>[] a = array;
        List<TaskImpl<?>> out = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            TaskImpl<?> t = (TaskImpl<?>) SLOT.getAcquire(a, i);
            if (t != null && t.state() == Task.State.RUNNING) {
                out.add(t);
            }
        }
        return out;
    }

    boolean noneRunning() {
        TaskImpl<?>[] a = array;
        for (int i = 0; i < a.length; i++) {
            TaskImpl<?> t = (TaskImpl<?>) SLOT.getAcquire(a, i);
            if (t != null && t.state() == Task.State.RUNNING) {
                return false;
            }
        }
        return true;
    }
}
