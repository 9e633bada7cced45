package dev.weft.component;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Gathers messages from {@code "inbox"} into lists and sends each list on {@code "outbox"}: a batch goes out as soon
 * as it holds {@code maxSize} messages, or {@code maxWait} after its first message arrived, whichever comes first
 * (seed 000's "event batching with a short wait"; see {@link Component#receiveBatch(String, int, Duration)}). It ends
 * as the usual loop does, sending a last, partial batch first when a {@link ProducerFinished} arrives. Made by
 * {@link Components#batcher(int, Duration)}.
 *
 * <pre>{@code
 * Pipeline.of(events, Components.batcher(64, Duration.ofMillis(2)), writer)  // writer gets List<Object> of 1..64
 * }</pre>
 *
 * <p>The trade: a consumer with a fixed cost per call (a write, a flush, a round trip) pays it once per batch instead
 * of once per message, at the price of up to {@code maxWait} of extra latency when traffic is light. BENCHMARKS.md
 * ("Batching") measures both. Thread safety: as any component, it runs on its own thread.
 */
public final class Batcher extends Component {
    private final int maxSize;
    private final Duration maxWait;

    Batcher(int maxSize, Duration maxWait) {
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxSize < 1 || maxWait.isNegative()) {
            throw new IllegalArgumentException("a batcher needs maxSize >= 1 and maxWait >= 0, got " + maxSize
                    + " and " + maxWait);
        }
        this.maxSize = maxSize;
        this.maxWait = maxWait;
    }

    @Override
    protected void main() throws InterruptedException {
        for (List<Object> batch; !(batch = receiveBatch(INBOX, maxSize, maxWait)).isEmpty(); ) {
            send(batch);
        }
    }

    @Override
    public String toString() {
        return super.toString() + " (batches of up to " + maxSize + ", " + maxWait.toMillis() + " ms)";
    }
}
