package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.scope.ScopeTimeoutException;
import dev.weft.scope.TaskFailedException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WeftTest {

    @Test
    void allReturnsResultsInInputOrder() {
        List<Callable<Integer>> tasks = IntStream.range(0, 50).<Callable<Integer>>mapToObj(i -> () -> i * i).toList();
        assertThat(Weft.all(tasks)).containsExactlyElementsOf(IntStream.range(0, 50).map(i -> i * i).boxed().toList());
    }

    @Test
    void allThrowsUncheckedWithTheFailureAsCause() {
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> Weft.all(List.<Callable<Integer>>of(() -> 1, () -> { throw boom; })))
                .isInstanceOf(TaskFailedException.class).hasCause(boom);
    }

    @Test
    void anyReturnsASuccess() {
        String won = Weft.any(List.<Callable<String>>of(() -> { throw new IOException("no"); }, () -> "yes"));
        assertThat(won).isEqualTo("yes");
    }

    @Test
    void mapKeepsOrderAndRespectsTheLimit() {
        AtomicInteger now = new AtomicInteger(), peak = new AtomicInteger();
        List<Integer> out = Weft.map(IntStream.range(0, 100).boxed().toList(), i -> {
            peak.accumulateAndGet(now.incrementAndGet(), Math::max);
            Thread.yield();
            now.decrementAndGet();
            return i + 1;
        }, 4);
        assertThat(out).containsExactlyElementsOf(IntStream.range(1, 101).boxed().toList());
        assertThat(peak.get()).isLessThanOrEqualTo(4);
        assertThatThrownBy(() -> Weft.map(List.of(1), i -> i, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timeoutReturnsOrThrows() {
        assertThat(Weft.timeout(Duration.ofSeconds(5), () -> 7)).isEqualTo(7);
        assertThatThrownBy(() -> Weft.timeout(Duration.ofMillis(20), () -> {
            new CountDownLatch(1).await();
            return 0;
        })).isInstanceOf(ScopeTimeoutException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> Weft.timeout(Duration.ofMillis(-1), () -> 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retryRetriesThenGivesUpWithEveryFailure() {
        AtomicInteger calls = new AtomicInteger();
        assertThat(Weft.retry(3, Duration.ZERO, () -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("flaky " + calls.get());
            }
            return "ok";
        })).isEqualTo("ok");
        assertThat(calls.get()).isEqualTo(3);
        assertThatThrownBy(() -> Weft.retry(2, Duration.ofMillis(1), () -> { throw new IOException("always"); }))
                .isInstanceOf(TaskFailedException.class).hasCauseInstanceOf(IOException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
        assertThatThrownBy(() -> Weft.retry(0, Duration.ZERO, () -> 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void contextIsEmptyOutsideScopesAndInheritedInside() {
        assertThat(Weft.context().inScope()).isFalse();
        List<String> paths = Weft.all(List.<Callable<String>>of(() -> Weft.context().path()));
        assertThat(paths).containsExactly("all/task-1");
    }
}
