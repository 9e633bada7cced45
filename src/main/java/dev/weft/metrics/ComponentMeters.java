package dev.weft.metrics;

import dev.weft.component.Component;
import dev.weft.component.ComponentObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Tag;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one component system: the {@link ComponentObserver} probe that {@link Metrics} gives a system. The
 * system-wide meters are looked up once when the system opens; the per-box ones once per box name (a map lookup per
 * message after that), so a message costs a lookup and an add. Tags: {@code system} (the system's name, unless the
 * handle already has a {@code system} tag), {@code box}, and for drops {@code reason}. Never tagged with a component's
 * name or path, to keep tag values few (a system may hold 100,000 components). Thread safe (Micrometer meters,
 * concurrent maps and atomics).
 */
final class ComponentMeters implements ComponentObserver.Probe {
    private final Metrics metrics; // tagged with the system
    private final Counter started;
    private final Counter succeeded, failed, cancelled;
    private final AtomicLong active;
    private final Map<String, Counter> sent = new ConcurrentHashMap<>();
    private final Map<String, Counter> received = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> depth = new ConcurrentHashMap<>();
    private final Map<ComponentObserver.Drop, Map<String, Counter>> dropped =
            new EnumMap<>(ComponentObserver.Drop.class);

    ComponentMeters(Metrics base, String systemName) {
        boolean tagged = false;
        for (Tag t : base.tags()) {
            tagged |= t.getKey().equals("system");
        }
        this.metrics = tagged ? base : base.withTags("system", systemName);
        started = metrics.counter("weft.component.started");
        succeeded = metrics.counter("weft.component.ended", "outcome", "succeeded");
        failed = metrics.counter("weft.component.ended", "outcome", "failed");
        cancelled = metrics.counter("weft.component.ended", "outcome", "cancelled");
        active = metrics.gauge("weft.component.active");
        for (ComponentObserver.Drop d : ComponentObserver.Drop.values()) {
            dropped.put(d, new ConcurrentHashMap<>());
        }
    }

    @Override
    public void started(Component component) {
        started.increment();
        active.incrementAndGet();
    }

    @Override
    public void sent(Component component, String outbox) {
        counter(sent, "weft.component.sent", outbox).increment();
    }

    @Override
    public void delivered(Component component, String inbox, int depthNow) {
        DistributionSummary s = depth.get(inbox);
        if (s == null) {
            s = depth.computeIfAbsent(inbox, box -> DistributionSummary.builder("weft.component.inbox.depth")
                    .baseUnit("messages").tags(metrics.tags().and("box", box)).register(metrics.registry()));
        }
        s.record(depthNow);
    }

    @Override
    public void received(Component component, String inbox, int depthNow) {
        counter(received, "weft.component.received", inbox).increment();
    }

    @Override
    public void dropped(Component component, String box, ComponentObserver.Drop reason) {
        Map<String, Counter> byBox = dropped.get(reason);
        Counter c = byBox.get(box);
        if (c == null) {
            c = byBox.computeIfAbsent(box, b -> metrics.counter("weft.component.dropped", "box", b, "reason",
                    reason.name().toLowerCase(Locale.ROOT)));
        }
        c.increment();
    }

    @Override
    public void ended(Component component, Component.State state) {
        (switch (state) {
            case SUCCEEDED -> succeeded;
            case FAILED -> failed;
            default -> cancelled;
        }).increment();
        active.decrementAndGet();
    }

    private Counter counter(Map<String, Counter> byBox, String name, String box) {
        Counter c = byBox.get(box);
        return c != null ? c : byBox.computeIfAbsent(box, b -> metrics.counter(name, "box", b));
    }
}
