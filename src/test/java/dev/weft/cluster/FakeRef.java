package dev.weft.cluster;

import java.util.function.Consumer;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A Pekko typed {@link ActorRef} without an actor system: {@link #tell} hands each message to a consumer, so tests of
 * the {@link Dispatcher} see exactly what it sends (a batch as its messages), on the thread that sends it (the
 * {@link Outbox}'s drain). Only {@code tell} and identity
 * equality are used by the dispatcher; {@link #path()} throws, since no actor path exists.
 */
final class FakeRef<T> implements ActorRef<T> {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final transient Consumer<? super T> sink;

    FakeRef(String name, Consumer<? super T> sink) {
        this.name = name;
        this.sink = sink;
    }

    // a batch (Outbox) is recorded as its messages, in order, as the worker's actor handles it
    @SuppressWarnings("unchecked")
    @Override
    public void tell(T message) {
        if (message instanceof Protocol.WorkerBatch b) {
            b.messages().forEach(m -> sink.accept((T) m));
        } else if (message instanceof Protocol.DriverBatch b) {
            b.messages().forEach(m -> sink.accept((T) m));
        } else {
            sink.accept(message);
        }
    }

    // a fake stands for any message type: narrowing or widening changes nothing about what it records
    @SuppressWarnings("unchecked")
    @Override
    public <U extends T> ActorRef<U> narrow() {
        return (ActorRef<U>) this;
    }

    // as for narrow: the fake records whatever it is told
    @SuppressWarnings("unchecked")
    @Override
    public <U> ActorRef<U> unsafeUpcast() {
        return (ActorRef<U>) this;
    }

    @Override
    public ActorPath path() {
        throw new UnsupportedOperationException("a fake actor ref (" + name + ") has no actor path");
    }

    @Override
    public int compareTo(ActorRef<?> other) {
        return name.compareTo(other instanceof FakeRef<?> f ? f.name : String.valueOf(other));
    }

    @Override
    public String toString() {
        return "FakeRef[" + name + "]";
    }
}
