package dev.weft.stm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Monitors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The store never pins a virtual thread's carrier: its classes hold no {@code synchronized} (read from their class
 * files), and JFR records no {@code jdk.VirtualThreadPinned} while a thousand virtual threads contend on a few keys,
 * committing by {@link Store#atomically} with a back-off long enough to park (and, in {@link CommitMode#LOCK}, parking
 * on the commit lock) and by checkout and commit, in both modes. A contrast shows the recording does see pinning when
 * there is some: a virtual thread parking inside a class initializer (which pins, even on JDK 25) is recorded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StorePinningTest {
    static final int THREADS = 1_000;
    static final int INCREMENTS = 10;
    static final String[] HOT = {"h0", "h1", "h2", "h3"};
    /** Back-off from 50 µs: a pause of 20 µs or more parks the thread (shorter ones yield), so most pauses park. */
    static final Retry PARKING = Retry.attempts(100_000).withBackoff(Duration.ofNanos(50_000), Duration.ofMillis(2));

    @Test
    void theStmPackageHoldsNoSynchronized() throws Exception {
        Path dir = Path.of(Store.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/weft/stm");
        List<String> found = new ArrayList<>();
        int classes = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                found.addAll(Monitors.in(Files.readAllBytes(f)));
                classes++;
            }
        }
        assertThat(classes).as("classes read from %s", dir).isGreaterThanOrEqualTo(10);
        assertThat(found).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(CommitMode.class)
    void contendedCommitsAndBackOffsDoNotPin(CommitMode mode) throws Exception {
        Store store = hotStore(mode);
        AtomicLong refusals = new AtomicLong();
        warmUp(mode);
        List<RecordedEvent> pinned = recordPinning(() -> {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                boolean byCheckout = i % 2 == 1;
                threads.add(Thread.ofVirtual().name("contender-" + i).start(() -> {
                    try {
                        go.await();
                        contend(store, byCheckout, INCREMENTS, refusals);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                assertThat(t.join(Duration.ofSeconds(30))).as("%s ended", t.getName()).isTrue();
            }
        });
        long sum = 0;
        for (String k : HOT) {
            sum += store.get(k, Long.class).orElseThrow();
        }
        assertThat(sum).as("every increment committed once").isEqualTo(2L * THREADS * INCREMENTS);
        assertThat(store.conflicts()).as("the threads contended").isGreaterThan(THREADS);
        System.out.printf("%s: %d commits, %d conflicts (%d refused checkouts)%n", mode, store.commits(),
                store.conflicts(), refusals.get());
        assertThat(pinned).as("jdk.VirtualThreadPinned events").isEmpty();
    }

    static Store hotStore(CommitMode mode) {
        Store store = Store.create(StoreOptions.named("pinning").withCommitMode(mode));
        Checkout init = store.checkout();
        for (String k : HOT) {
            init.set(k, 0L);
        }
        init.commit();
        return store;
    }

    /**
     * The contenders' work, once on this platform thread before the recording, and a refused commit: the first run of
     * a lambda or of a class loads classes, and class loading raced by virtual threads takes the JDK's class loader
     * monitor, pinned (a flaky failure that was the JDK's, not the store's).
     */
    static void warmUp(CommitMode mode) throws InterruptedException {
        Store warm = hotStore(mode);
        AtomicLong ignored = new AtomicLong();
        contend(warm, false, 2, ignored);
        contend(warm, true, 2, ignored);
        Checkout stale = warm.checkout(HOT[0]);
        warm.checkout(HOT[0]).update(HOT[0], Long.class, v -> v + 1).commit();
        try {
            stale.update(HOT[0], Long.class, v -> v + 1).commit();
        } catch (ConcurrentUpdateException expected) {
            // loaded now, with its message and the store's conflict path
        }
        PARKING.pause(1); // atomically's back-off and the refused checkout's park: not reached without contention
        PARKING.pause(8);
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(20_000, 200_000));
    }

    /** {@code increments} times, increments two random hot keys, in one transaction or by checkout and commit. */
    static void contend(Store store, boolean byCheckout, int increments, AtomicLong refusals)
            throws InterruptedException {
        for (int n = 0; n < increments; n++) {
            String a = HOT[ThreadLocalRandom.current().nextInt(HOT.length)];
            String b = HOT[ThreadLocalRandom.current().nextInt(HOT.length)];
            if (byCheckout) {
                incrementByCheckout(store, a, b, refusals);
            } else {
                store.atomically(PARKING, tx -> {
                    tx.update(a, Long.class, v -> v + 1);
                    Thread.yield(); // lets other transactions in between, so that they conflict
                    return tx.update(b, Long.class, v -> v + 1);
                });
            }
        }
    }

    /** Increments two keys by checkout and commit, checking out again on a refusal after a short park. */
    static void incrementByCheckout(Store store, String a, String b, AtomicLong refusals) {
        while (true) {
            Checkout c = store.checkout(a, b);
            c.update(a, Long.class, v -> v + 1).update(b, Long.class, v -> v + 1);
            Thread.yield(); // lets other commits in between, so that this one is refused now and then
            try {
                c.commit();
                return;
            } catch (ConcurrentUpdateException e) {
                refusals.incrementAndGet();
                // A back-off, not synchronisation: parks (unmounts) like atomically's, so the recording covers a
                // refused committer parking too; a yield loop would also starve timed parks on a 2-carrier pool.
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(20_000, 200_000));
            }
        }
    }

    /** Holds a virtual thread that initialises it: parking in a class initializer pins the carrier. */
    static final class ParksWhileInitialising {
        static final long READY;

        static {
            LockSupport.parkNanos(2_000_000);
            READY = System.nanoTime();
        }

        private ParksWhileInitialising() {
        }
    }

    @Test
    void theRecordingSeesPinningWhenThereIsSome() throws Exception {
        List<RecordedEvent> pinned = recordPinning(() -> {
            Thread t = Thread.ofVirtual().start(() -> assertThat(ParksWhileInitialising.READY).isPositive());
            assertThat(t.join(Duration.ofSeconds(10))).isTrue();
        });
        assertThat(pinned).as("jdk.VirtualThreadPinned events").isNotEmpty();
        assertThat(pinned.getFirst().getString("pinnedReason")).contains("<clinit>");
    }

    interface Body {
        void run() throws Exception;
    }

    /** The {@code jdk.VirtualThreadPinned} events (any duration) recorded while {@code body} ran. */
    static List<RecordedEvent> recordPinning(Body body) throws Exception {
        try (var recording = new Recording()) {
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            recording.start();
            body.run();
            recording.stop();
            Path file = Files.createTempFile("weft-stm-pinned", ".jfr");
            try {
                recording.dump(file);
                return RecordingFile.readAllEvents(file);
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }
}
