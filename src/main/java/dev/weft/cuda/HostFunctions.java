package dev.weft.cuda;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java side of {@code cudaLaunchHostFunc}: a process-wide table of pending host functions by id. The CUDA call
 * gets one shared upcall stub (allocated once, in the global arena, so it outlives every pending call) and the id
 * as its {@code userData}; the stub calls {@link #run(long)}. Passing an id instead of allocating a stub per call
 * means no arena has to be kept alive, or closed, per callback.
 *
 * <p>Thread safe. {@link #run(long)} never throws: an exception escaping an upcall would abort the JVM.
 */
final class HostFunctions {
    private static final Logger LOG = LoggerFactory.getLogger(HostFunctions.class);
    private static final ConcurrentHashMap<Long, Runnable> PENDING = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT_ID = new AtomicLong(1);

    private HostFunctions() {
    }

    /** Registers {@code action} and returns its id (never 0, so a null userData is never a valid id). */
    static long register(Runnable action) {
        long id = NEXT_ID.getAndIncrement();
        PENDING.put(id, action);
        return id;
    }

    /** Forgets {@code id} without running it (its launch failed). */
    static void cancel(long id) {
        PENDING.remove(id);
    }

    /** Runs and forgets the action registered as {@code id}: at most once, whatever calls it. Never throws. */
    static void run(long id) {
        Runnable action = PENDING.remove(id);
        if (action == null) {
            LOG.warn("CUDA host function {} ran but is not pending (ran twice, or was cancelled)", id);
            return;
        }
        try {
            action.run();
        } catch (Throwable t) {
            LOG.error("CUDA host function {} threw; the stream goes on", id, t);
        }
    }

    /** How many are pending: launched and not yet run. */
    static int pending() {
        return PENDING.size();
    }
}
