package dev.weft.tube;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Every value a runner's nodes emitted, as {@link Event}s, until their epoch is cleared. Asked for a node's signal
 * in an epoch, it answers from that epoch or, failing that, its parent epochs (a node inside a map's sub-epoch sees
 * the values from before the map). A runner clears each root epoch (and its sub-epochs) once its result has been
 * returned, unless {@linkplain Runners.Options#withAutoclear autoclear} is off.
 *
 * <p>Thread safe: nodes emit into it from many threads; reads see every event emitted before the read began.
 */
public final class EventStore {
    private final TubeGraph graph;
    private final AtomicLong ids = new AtomicLong();
    /** Root epoch number -> epoch -> events by flat signal index. */
    private final ConcurrentHashMap<Long, ConcurrentHashMap<Epoch, AtomicReferenceArray<Event>>> roots =
            new ConcurrentHashMap<>();

    EventStore(TubeGraph graph) {
        this.graph = graph;
    }

    Event add(int node, int signal, Epoch epoch, Object value) {
        Event e = new Event(ids.incrementAndGet(), Instant.now(), graph.ids[node], graph.signals[node][signal], epoch,
                value);
        roots.computeIfAbsent(epoch.rootNumber(), r -> new ConcurrentHashMap<>())
                .computeIfAbsent(epoch, x -> new AtomicReferenceArray<>(graph.signalCount))
                .set(graph.signalBase[node] + signal, e);
        return e;
    }

    /** The event of (node, signal) in the epoch or its nearest ancestor that has one; null if none. */
    Event find(int node, int signal, Epoch epoch) {
        Map<Epoch, AtomicReferenceArray<Event>> byEpoch = roots.get(epoch.rootNumber());
        if (byEpoch == null) {
            return null;
        }
        int flat = graph.signalBase[node] + signal;
        for (Epoch e = epoch; e != null; e = e.parent()) {
            AtomicReferenceArray<Event> a = byEpoch.get(e);
            if (a != null) {
                Event ev = a.get(flat);
                if (ev != null) {
                    return ev;
                }
            }
        }
        return null;
    }

    /** Events of (node, signal) in the epoch and all its sub-epochs, in epoch order. */
    List<Event> within(int node, int signal, Epoch epoch) {
        Map<Epoch, AtomicReferenceArray<Event>> byEpoch = roots.get(epoch.rootNumber());
        List<Event> out = new ArrayList<>();
        if (byEpoch == null) {
            return out;
        }
        int flat = graph.signalBase[node] + signal;
        byEpoch.forEach((e, a) -> {
            Event ev = a.get(flat);
            if (ev != null && e.isWithin(epoch)) {
                out.add(ev);
            }
        });
        out.sort(Comparator.comparing(Event::epoch));
        return out;
    }

    /**
     * The event of {@code nodeId}'s {@code signal} in {@code epoch}, or in its nearest parent epoch that has one.
     *
     * @throws IllegalArgumentException when the tube has no such node or signal
     */
    public Optional<Event> get(String nodeId, String signal, Epoch epoch) {
        Integer node = graph.index.get(nodeId);
        if (node == null) {
            throw new IllegalArgumentException("tube '" + graph.spec.id() + "' has no node '" + nodeId + "'");
        }
        int s = graph.signalIndex(node, signal);
        if (s < 0) {
            throw new IllegalArgumentException("node '" + nodeId + "' has no signal '" + signal + "'");
        }
        return Optional.ofNullable(find(node, s, epoch));
    }

    /** The events of exactly this epoch, in emission order. */
    public List<Event> events(Epoch epoch) {
        List<Event> out = new ArrayList<>();
        Map<Epoch, AtomicReferenceArray<Event>> byEpoch = roots.get(epoch.rootNumber());
        AtomicReferenceArray<Event> a = byEpoch == null ? null : byEpoch.get(epoch);
        if (a != null) {
            for (int i = 0; i < a.length(); i++) {
                if (a.get(i) != null) {
                    out.add(a.get(i));
                }
            }
        }
        out.sort(Comparator.comparingLong(Event::id));
        return out;
    }

    /** Every event held, in emission order. */
    public List<Event> events() {
        List<Event> out = new ArrayList<>();
        roots.values().forEach(m -> m.values().forEach(a -> {
            for (int i = 0; i < a.length(); i++) {
                if (a.get(i) != null) {
                    out.add(a.get(i));
                }
            }
        }));
        out.sort(Comparator.comparingLong(Event::id));
        return out;
    }

    /** How many events are held. */
    public int size() {
        return events().size();
    }

    /** Whether no events are held. */
    public boolean isEmpty() {
        // looks at the events, not the epochs: an epoch's slots exist a moment before its first event is set
        for (var m : roots.values()) {
            for (AtomicReferenceArray<Event> a : m.values()) {
                for (int i = 0; i < a.length(); i++) {
                    if (a.get(i) != null) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Clears an epoch and its sub-epochs. */
    public void clear(Epoch epoch) {
        if (epoch.isRoot()) {
            roots.remove(epoch.rootNumber());
            return;
        }
        Map<Epoch, AtomicReferenceArray<Event>> byEpoch = roots.get(epoch.rootNumber());
        if (byEpoch != null) {
            byEpoch.keySet().removeIf(e -> e.isWithin(epoch));
        }
    }

    /** Clears everything. */
    public void clear() {
        roots.clear();
    }

    @Override
    public String toString() {
        return "EventStore[" + size() + " events in " + roots.size() + " root epochs]";
    }
}
