package dev.weft.scope;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * While a scope's {@code close} waits for tasks that ignore interruption, logs them by name after the grace period and
 * again each time it doubles, so that a hang is never silent. A virtual thread, started only when tasks still run.
 */
final class CloseWatchdog {
    private static final Logger LOG = LoggerFactory.getLogger(Scope.class);

    private CloseWatchdog() {
    }

    /** Starts watching; interrupt the returned thread when close is done. Null when nothing runs. */
    static Thread start(String scope, long id, Duration grace, Supplier<List<TaskImpl<?>>> running) {
        if (running.get().isEmpty()) {
            return null;
        }
        return Thread.ofVirtual().name("weft-close-watch-" + id).start(() -> watch(scope, grace, running));
    }

    private static void watch(String scope, Duration grace, Supplier<List<TaskImpl<?>>> running) {
        long wait = TimeUnit.NANOSECONDS.convert(grace); // saturates
        long waited = 0;
        try {
            while (true) {
                TimeUnit.NANOSECONDS.sleep(wait);
                waited = waited > Long.MAX_VALUE - wait ? Long.MAX_VALUE : waited + wait;
                List<TaskImpl<?>> stuck = running.get();
                if (stuck.isEmpty()) {
                    return;
                }
                List<String> names = stuck.stream().map(Task::name).sorted().limit(32).toList();
                LOG.warn("scope '{}' is closing but still waits after {} for {} task(s) that ignore interruption: {}",
                        scope, Duration.ofNanos(waited), stuck.size(), names);
                wait = wait > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : wait * 2;
            }
        } catch (InterruptedException done) {
            // close finished
        }
    }
}
