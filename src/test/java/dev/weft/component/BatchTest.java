package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class BatchTest {

    /** Records every batch it receives until its inbox is shut down. */
    static final class Batches extends Component {
        final List<List<Object>> got = new CopyOnWriteArrayList<>();
        final int maxSize;
        final Duration maxWait;

        Batches(int maxSize, Duration maxWait) {
            this.maxSize = maxSize;
            this.maxWait = maxWait;
        }

        @Override
        protected void main() throws InterruptedException {
            for (List<Object> b; !(b = receiveBatch(INBOX, maxSize, maxWait)).isEmpty(); ) {
                got.add(b);
            }
        }
    }

    @Test
    void aFullBatchReturnsAtOnceAndTheRestAtTheEnd() throws Exception {
        Batches b = new Batches(4, Duration.ofHours(1)); // only size or the end can close a batch here
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            items.add(i);
        }
        Pipeline.of(Components.source(items), b).run();
        assertThat(b.got).containsExactly(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7), List.of(8, 9));
    }

    @Test
    void aPartialBatchReturnsOnceItsWaitIsOver() throws Exception {
        Batches b = new Batches(100, Duration.ofMillis(5));
        try (var system = Components.open()) {
            system.start(b);
            b.deliver("only", Component.INBOX);
            while (b.got.isEmpty()) { // returns without a second message: the wait closed the batch
                LockSupport.parkNanos(100_000);
            }
            assertThat(b.got).containsExactly(List.of("only"));
            b.stop();
            system.join();
        }
    }

    @Test
    void shutdownReturnsEmptyAndEndsTheLoop() throws Exception {
        Batches b = new Batches(8, Duration.ofHours(1));
        try (var system = Components.open()) {
            system.start(b);
            b.stop();
            system.join();
        }
        assertThat(b.got).isEmpty();
        assertThat(b.state()).isEqualTo(Component.State.SUCCEEDED);
    }

    @Test
    void batcherSendsEveryMessageOnceInOrderInBoundedLists() throws Exception {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            items.add(i);
        }
        Collector sink = Components.collector();
        Pipeline.of(Components.source(items), Components.batcher(64, Duration.ofMillis(2)), sink).run();
        List<Object> flat = new ArrayList<>();
        for (Object batch : sink.items()) {
            assertThat((List<?>) batch).isNotEmpty().hasSizeLessThanOrEqualTo(64);
            flat.addAll((List<?>) batch);
        }
        assertThat(flat).isEqualTo(items);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> Components.batcher(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxSize >= 1");
        assertThatThrownBy(() -> Components.batcher(1, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
