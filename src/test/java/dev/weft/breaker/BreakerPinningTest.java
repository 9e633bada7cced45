package dev.weft.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Monitors;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.EventConsumer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Breakers never pin a virtual thread's carrier: Resilience4j's breaker and core jars hold no {@code synchronized}
 * (read from their class files), and JFR sees no {@code jdk.VirtualThreadPinned} while a thousand virtual threads park
 * inside guarded calls, fail, open the breaker and are refused.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BreakerPinningTest {

    private static Path jarOf(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void resilience4jsBreakerAndCoreHoldNoSynchronized() throws Exception {
        List<String> found = new ArrayList<>();
        int classes = 0;
        for (Path jar : List.of(jarOf(CircuitBreaker.class), jarOf(EventConsumer.class))) {
            try (JarFile file = new JarFile(jar.toFile())) {
                for (JarEntry e : file.stream().filter(e -> e.getName().endsWith(".class")
                        && !e.getName().endsWith("module-info.class")).toList()) {
                    found.addAll(Monitors.in(file.getInputStream(e).readAllBytes()));
                    classes++;
                }
            }
        }
        assertThat(classes).as("classes read").isGreaterThan(100);
        assertThat(found).isEmpty();
    }

    @Test
    void virtualThreadsParkingInGuardedCallsDoNotPin() throws Exception {
        CircuitBreaker cb = CircuitBreaker.of("busy", CircuitBreakerConfig.custom().slidingWindowSize(50)
                .minimumNumberOfCalls(50).failureRateThreshold(50).build());
        int n = 1000;
        CountDownLatch inside = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        // Warm-up outside the recording, on this platform thread: the first calls load Resilience4j's classes (for a
        // success, a failure, the opening and a refusal), and class loading raced by virtual threads takes the JDK's
        // class loader monitor, pinned (a flaky failure that was the JDK's, not the breaker's).
        CircuitBreaker warm = CircuitBreaker.of("warm-up", cb.getCircuitBreakerConfig());
        for (int i = 0; i < 60; i++) {
            int k = i;
            try {
                Breakers.callable(warm, "warm-up", () -> {
                    if (k % 4 != 0) {
                        throw new IllegalStateException("warm-up");
                    }
                    return k;
                }).call();
            } catch (Exception expected) {
                // failures, and refusals once it opened
            }
        }
        assertThat(warm.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        try (var recording = new Recording()) {
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO);
            recording.start();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                // Strings made here, on this platform thread: the first run of a string concatenation links its call
                // site, and virtual threads racing to link one contend on the JDK's own monitors (seen as
                // "Contended monitor enter" in StringConcatFactory, pinned: a flaky failure that was not the breaker).
                String call = "call " + k;
                String failing = "failing " + k;
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        Breakers.callable(cb, call, () -> {
                            inside.countDown();
                            release.await(); // parks while holding the breaker's permission
                            if (k % 4 != 0) {
                                throw new IllegalStateException(failing);
                            }
                            return k;
                        }).call();
                    } catch (Exception expected) {
                        // failures, and refusals once the breaker opened
                    }
                }));
            }
            assertThat(inside.await(30, TimeUnit.SECONDS)).as("every call parked inside the breaker").isTrue();
            release.countDown();
            for (Thread t : threads) {
                assertThat(t.join(Duration.ofSeconds(30))).isTrue();
            }
            // three in four failed: the breaker opened on the way (its window of 50 passed 50%), and refuses now
            assertThat(cb.getState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(cb.tryAcquirePermission()).isFalse();
            recording.stop();
            Path file = Files.createTempFile("weft-breaker-pinned", ".jfr");
            try {
                recording.dump(file);
                assertThat(RecordingFile.readAllEvents(file)).as("jdk.VirtualThreadPinned events").isEmpty();
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }
}
