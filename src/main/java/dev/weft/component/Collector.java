package dev.weft.component;

import java.util.ArrayList;
import java.util.List;

/**
 * A sink that keeps every message it receives on {@code "inbox"}, in order, until {@link Shutdown} or (inbox drained)
 * {@link ProducerFinished}; read them with {@link #items()}, typically after the component ended. Made by
 * {@link Components#collector()}.
 *
 * <pre>{@code
 * Collector sink = Components.collector();
 * Pipeline.of(Components.source(List.of(1, 2, 3)), sink).run();
 * sink.items();   // [1, 2, 3]
 * }</pre>
 *
 * <p>Thread safe: {@link #items()} and {@link #size()} may be called from any thread at any time (a snapshot while the
 * collector still runs, everything it received once it ended).
 */
public final class Collector extends Component {
    private final List<Object> items = new ArrayList<>();

    /** An empty collector. */
    Collector() {
    }

    @Override
    protected void main() {
        for (Object m : messages()) {
            synchronized (items) {
                items.add(m);
            }
        }
    }

    /** A copy of the messages collected so far, in arrival order. */
    public List<Object> items() {
        synchronized (items) {
            return List.copyOf(items);
        }
    }

    /**
     * A copy of the messages collected so far, each cast to {@code type}.
     *
     * @throws ClassCastException naming the collector if a message is of another type
     */
    public <T> List<T> items(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Object m : items()) {
            if (!type.isInstance(m)) {
                throw new ClassCastException("collector '" + path() + "' holds a " + m.getClass().getName()
                        + ", not a " + type.getName() + ": " + m);
            }
            out.add(type.cast(m));
        }
        return out;
    }

    /** How many messages were collected so far. */
    public int size() {
        synchronized (items) {
            return items.size();
        }
    }
}
