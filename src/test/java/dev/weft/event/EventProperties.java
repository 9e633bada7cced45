package dev.weft.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;

/**
 * QuickTheories properties of a CPU {@link Event}:
 * <ol>
 *   <li>{@link #randomCallSequencesMatchTheModel()}: any sequence of calls on one event gives, call by call, the same
 *       results, the same exception types and the same number of callbacks run as {@link EventModel}.</li>
 *   <li>{@link #racingFinishersCallbacksAndWaiters()}: N threads register callbacks while M threads race
 *       {@code setFinished} with random outcomes and K threads wait: every callback runs exactly once and sees the
 *       final status, callbacks run in registration order per registering thread, every waiter wakes and sees the same
 *       final status and message, and exactly one finisher wins (the others throw only if a success won).</li>
 * </ol>
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EventProperties {

    /** How long a race may take before its threads count as stuck; lowered only to demonstrate a broken variant. */
    static final long DEADLINE_SECONDS = Long.getLong("weft.test.raceDeadlineSeconds", 30);

    @BeforeAll
    static void quietWarnings() {
        Logger.getLogger(Event.class.getName()).setLevel(Level.OFF); // "setFinished on a finished event", by design
    }

    // ---- 1. sequences against the model ----

    enum Op { RECORD, RECORD_ERROR, SET_FINISHED, SET_FINISHED_E1, SET_FINISHED_E2, SET_FINISHED_EXCEPTION, RESET,
        ON_COMPLETE, QUERY, ERROR_MESSAGE, HAS_EXCEPTION, AWAIT_ZERO }

    static final Gen<List<Op>> SEQUENCES = lists()
            .of(integers().between(0, Op.values().length - 1).map(i -> Op.values()[i]))
            .ofSizeBetween(0, 40);

    @Test
    void randomCallSequencesMatchTheModel() {
        qt().withExamples(2000).forAll(SEQUENCES).checkAssert(ops -> {
            Event event = Event.cpu(EventOptions.named("seq"));
            EventModel model = new EventModel();
            AtomicInteger fired = new AtomicInteger();
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                String real = outcome(() -> apply(op, event, fired));
                String expected = outcome(() -> apply(op, model));
                assertThat(real).as("call %d (%s) of %s", i, op, ops).isEqualTo(expected);
                assertThat(fired.get()).as("callbacks run after call %d (%s) of %s", i, op, ops)
                        .isEqualTo(model.fired);
            }
        });
    }

    private static Object apply(Op op, Event e, AtomicInteger fired) throws Exception {
        return switch (op) {
            case RECORD -> { e.record(); yield null; }
            case RECORD_ERROR -> { e.record("r"); yield null; }
            case SET_FINISHED -> { e.setFinished(); yield null; }
            case SET_FINISHED_E1 -> { e.setFinished("e1"); yield null; }
            case SET_FINISHED_E2 -> { e.setFinished("e2"); yield null; }
            case SET_FINISHED_EXCEPTION -> { e.setFinished(new IllegalStateException("x")); yield null; }
            case RESET -> { e.reset(); yield null; }
            case ON_COMPLETE -> { e.onComplete(x -> fired.incrementAndGet()); yield null; }
            case QUERY -> e.query();
            case ERROR_MESSAGE -> e.errorMessage().orElse(null);
            case HAS_EXCEPTION -> e.exception().isPresent();
            case AWAIT_ZERO -> e.await(Duration.ZERO);
        };
    }

    private static Object apply(Op op, EventModel m) {
        return switch (op) {
            case RECORD -> { m.record(); yield null; }
            case RECORD_ERROR -> { m.recordError(); yield null; }
            case SET_FINISHED -> { m.setFinished(); yield null; }
            case SET_FINISHED_E1 -> { m.setFinishedError1(); yield null; }
            case SET_FINISHED_E2 -> { m.setFinishedError2(); yield null; }
            case SET_FINISHED_EXCEPTION -> { m.setFinishedException(); yield null; }
            case RESET -> { m.reset(); yield null; }
            case ON_COMPLETE -> { m.onComplete(); yield null; }
            case QUERY -> m.query();
            case ERROR_MESSAGE -> m.errorMessage();
            case HAS_EXCEPTION -> m.hasException();
            case AWAIT_ZERO -> m.query().isTerminal();
        };
    }

    interface Call {
        Object run() throws Exception;
    }

    private static String outcome(Call call) {
        try {
            return "returned " + call.run();
        } catch (Exception e) {
            return "threw " + e.getClass().getSimpleName();
        }
    }

    // ---- 2. racing finishers, callback registrars and waiters ----

    enum Finish { SUCCESS, ERROR, EXCEPTION }

    /**
     * One race: {@code registrars} threads each register {@code perRegistrar} callbacks; one thread per entry of
     * {@code finishers} calls setFinished with that outcome; {@code waiters} threads await (every other one with a
     * timeout) and then read the status and message.
     */
    record Race(boolean recordFirst, int registrars, int perRegistrar, List<Finish> finishers, int waiters) {
    }

    static final Gen<Race> RACES = booleans().all()
            .zip(integers().between(1, 16), integers().between(1, 8), (r, n, k) -> new int[] {r ? 1 : 0, n, k})
            .zip(lists().of(integers().between(0, 2).map(i -> Finish.values()[i])).ofSizeBetween(1, 16),
                    integers().between(0, 8),
                    (a, f, w) -> new Race(a[0] == 1, a[1], a[2], f, w));

    @Test
    void racingFinishersCallbacksAndWaiters() {
        qt().withExamples(400).forAll(RACES).checkAssert(EventProperties::race);
    }

    /** A callback's run, as logged: which registrar made it, its sequence number there, and the running thread. */
    record Run(int registrar, int seq, Thread thread) {
    }

    static void race(Race race) {
        Event event = Event.cpu(EventOptions.named("race"));
        if (race.recordFirst()) {
            event.record();
        }
        int callbacks = race.registrars() * race.perRegistrar();
        AtomicIntegerArray runs = new AtomicIntegerArray(callbacks);
        AtomicReferenceArray<EventStatus> seenByCallback = new AtomicReferenceArray<>(callbacks);
        Queue<Run> log = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        Queue<String> seenByWaiters = new ConcurrentLinkedQueue<>();
        Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();

        for (int r = 0; r < race.registrars(); r++) {
            int registrar = r;
            threads.add(Thread.ofVirtual().unstarted(() -> {
                awaitStart(start);
                for (int k = 0; k < race.perRegistrar(); k++) {
                    int id = registrar * race.perRegistrar() + k, seq = k;
                    event.onComplete(e -> {
                        runs.incrementAndGet(id);
                        seenByCallback.set(id, e.query());
                        log.add(new Run(registrar, seq, Thread.currentThread()));
                    });
                }
            }));
        }
        for (int f = 0; f < race.finishers().size(); f++) {
            Finish how = race.finishers().get(f);
            int n = f;
            threads.add(Thread.ofVirtual().unstarted(() -> {
                awaitStart(start);
                try {
                    switch (how) {
                        case SUCCESS -> event.setFinished();
                        case ERROR -> event.setFinished("error " + n);
                        case EXCEPTION -> event.setFinished(new IllegalStateException("exception " + n));
                    }
                } catch (IllegalStateException alreadySucceeded) {
                    refused.incrementAndGet();
                } catch (Throwable t) {
                    unexpected.add(t);
                }
            }));
        }
        for (int w = 0; w < race.waiters(); w++) {
            boolean timed = w % 2 == 1;
            threads.add(Thread.ofVirtual().unstarted(() -> {
                awaitStart(start);
                try {
                    if (timed) {
                        if (!event.await(Duration.ofSeconds(DEADLINE_SECONDS))) {
                            unexpected.add(new AssertionError("a timed await missed the completion"));
                            return;
                        }
                    } else {
                        event.await();
                    }
                    seenByWaiters.add(event.query() + " " + event.errorMessage().orElse(""));
                } catch (Throwable t) {
                    unexpected.add(t);
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        List<Thread> stuck = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS + 1);
        for (Thread t : threads) {
            try {
                if (!t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    stuck.add(t);
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        stuck.forEach(Thread::interrupt);
        assertThat(stuck).as("threads still running %d s after the start of %s (a missed wake-up?)", DEADLINE_SECONDS + 1, race).isEmpty();
        assertThat(unexpected).as("unexpected outcomes in %s", race).isEmpty();

        EventStatus status = event.query();
        String message = event.errorMessage().orElse("");
        assertThat(status).as("final status of %s", race).isIn(EventStatus.SUCCESS, EventStatus.FAILED);
        for (int id = 0; id < callbacks; id++) {
            assertThat(runs.get(id)).as("runs of callback %d in %s", id, race).isEqualTo(1);
            assertThat(seenByCallback.get(id)).as("status seen by callback %d in %s", id, race).isEqualTo(status);
        }
        assertThat(seenByWaiters).as("what the waiters saw in %s", race).hasSize(race.waiters())
                .allMatch(s -> s.equals(status + " " + message));
        int n = race.finishers().size();
        if (status == EventStatus.SUCCESS) {
            assertThat(race.finishers()).contains(Finish.SUCCESS);
            assertThat(refused.get()).as("finishers refused after a success in %s", race).isEqualTo(n - 1);
        } else {
            assertThat(refused.get()).as("finishers refused after a failure in %s", race).isZero();
            List<String> possible = new ArrayList<>();
            for (int f = 0; f < n; f++) {
                switch (race.finishers().get(f)) {
                    case ERROR -> possible.add("error " + f);
                    case EXCEPTION -> possible.add("java.lang.IllegalStateException: exception " + f);
                    case SUCCESS -> { }
                }
            }
            assertThat(message).as("final message of %s", race).isIn(possible);
        }
        // per running thread, each registrar's callbacks ran in the order it registered them
        Map<Thread, Map<Integer, Integer>> lastSeq = new HashMap<>();
        for (Run run : log) {
            Map<Integer, Integer> last = lastSeq.computeIfAbsent(run.thread(), t -> new HashMap<>());
            Integer before = last.put(run.registrar(), run.seq());
            assertThat(before == null || before < run.seq())
                    .as("callback %d of registrar %d ran after its callback %s on %s in %s", run.seq(),
                            run.registrar(), before, run.thread(), race).isTrue();
        }
    }

    private static void awaitStart(CountDownLatch start) {
        try {
            if (!start.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("the race never started");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
