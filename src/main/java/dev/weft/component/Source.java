package dev.weft.component;

import java.util.Objects;
import java.util.Optional;

/**
 * Sends the items of an {@link Iterable} on {@code "outbox"}, one after another, then ends, sending
 * {@link ProducerFinished} on {@code "signal"} (Kamaelia's {@code DataSource}; with one item, its {@code OneShot}).
 * The iterable is read lazily on the component's thread, so it may be long or endless; a send into a full inbox waits
 * (backpressure). Between items it looks at {@code "control"}: a {@link Shutdown} there stops it at once (and is
 * forwarded on {@code "signal"}); other control messages are dropped, since a source has no input to finish. A
 * {@code null} item fails it. Made by {@link Components#source(Iterable)} and {@link Components#oneShot(Object)}.
 *
 * <p>Thread safety: as any component; the iterable is iterated only on the component's own thread.
 */
public final class Source extends Component {
    private final Iterable<?> items;

    /** A source of {@code items}. */
    Source(Iterable<?> items) {
        this.items = Objects.requireNonNull(items, "items");
    }

    @Override
    protected void main() throws InterruptedException {
        int index = 0;
        for (Object item : items) {
            stopIfAsked();
            if (item == null) {
                throw new NullPointerException("source '" + path() + "': item " + index + " is null");
            }
            send(item);
            index++;
        }
    }

    private void stopIfAsked() {
        for (Optional<Object> c = poll(CONTROL); c.isPresent(); c = poll(CONTROL)) {
            if (c.get() instanceof Shutdown s) {
                throw new ShutdownSignal(path(), s);
            }
        }
    }
}
