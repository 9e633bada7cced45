package dev.weft.scope;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/** The fields of {@link LiveTasks}, after the left padding and before the right. */
abstract class LiveTasksFields extends CacheLinePad {
    volatile TaskImpl<?>[] array = new TaskImpl<?>[16];
    /** Slots used in {@link #array}: owner only. */
    int size;
    /** Tasks forked, counting those skipped because the scope was cancelled: owner only. */
    long forked;
    /** Tasks handed to the JDK scope: owner only. */
    long started;
    /** The task whose thread the JDK scope is making, inside {@code JdkScope.fork}: owner only. */
    TaskImpl<?> forking;
}

/**
 * The owner's side of a scope's forks: the tasks that may still be running, for {@link Scope#dump()}, timeouts and
 * close, the fork counts and the task being forked. Only the owner adds (it is the only thread that forks), and tasks never remove
 * themselves: ended tasks are dropped when the owner compacts the array, which it does when the array is full. So the
 * hot path has no contended write, and memory stays proportional to the number of running tasks (at most about twice
 * that, plus a constant), not to the number forked. Everything the owner writes per fork lives here, padded onto cache
 * lines of its own, away from the scope's fields that every task reads.
 *
 * <p>Readers on any thread iterate a snapshot array, skipping empty slots; elements are stored with release and read
 * with acquire semantics, so a reader that sees a task sees it fully constructed. The counts are read by the owner
 * only.
 */
final class LiveTasks extends LiveTasksFields {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(TaskImpl[].class);
    long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

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
