package dev.weft.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Messages to one peer, sent in batches: the first message queued starts a drain on a virtual thread of its own, and
 * whatever is queued by the time it runs goes as one batch (at most {@value #MAX} messages). Under load, batches
 * grow by themselves; alone, a message waits only for that thread to start. Pekko's per-message cost (serialising
 * the envelope, framing, a mailbox run on each side) is then paid once per batch. Order is kept. Thread safe;
 * package-private.
 */
final class Outbox<T> {
    static final int MAX = 256;

    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Consumer<List<T>> send;

    Outbox(Consumer<List<T>> send) {
        this.send = send;
    }

    void add(T message) {
        queue.add(message);
        if (scheduled.compareAndSet(false, true)) {
            Thread.ofVirtual().name("weft-outbox").start(this::drain);
        }
    }

    private void drain() {
        while (true) {
            List<T> batch = new ArrayList<>();
            T m;
            while (batch.size() < MAX && (m = queue.poll()) != null) {
                batch.add(m);
            }
            if (!batch.isEmpty()) {
                send.accept(batch);
                continue;
            }
            scheduled.set(false);
            // a message queued after the last poll but before the flag was cleared found it set: take it here
            if (queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }
}
