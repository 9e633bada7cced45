package dev.weft.metrics;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one tube (a handle tagged {@code tube}): what {@link Metrics}, as a
 * {@link dev.weft.tube.TubeObserver}, records per node run and per epoch. Per-node timers are looked up once per node
 * and outcome, then a map lookup per run. Thread safe.
 */
final class TubeMeters {
    private final Metrics metrics;
    private final Timer epoch;
    private final AtomicLong inFlight;
    private final Map<String, Timer> succeeded = new ConcurrentHashMap<>();
    private final Map<String, Timer> failed = new ConcurrentHashMap<>();

    TubeMeters(Metrics metrics) {
        this.metrics = metrics;
        epoch = metrics.timer("weft.tube.epoch");
        inFlight = metrics.gauge("weft.tube.epochs.inflight");
    }

    void nodeRan(String node, Duration time, boolean fail) {
        Map<String, Timer> byNode = fail ? failed : succeeded;
        Timer t = byNode.get(node);
        if (t == null) {
            t = byNode.computeIfAbsent(node, n -> metrics.timer("weft.tube.node.run", "node", n, "outcome",
                    fail ? "failed" : "succeeded"));
        }
        t.record(time);
    }

    void epochEnded(Duration time) {
        epoch.record(time);
    }

    void inFlight(int n) {
        inFlight.set(n);
    }
}
