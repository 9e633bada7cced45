package dev.weft.event;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lincheck: a CPU {@link Event}'s operations are linearizable against {@link EventModel}, the sequential model of
 * caffe2's state machine, including which calls throw (Lincheck compares thrown exception types as results). The
 * model checker explores thread interleavings at every shared-memory access (and reports deadlocks and livelocks);
 * the stress run adds real parallel executions.
 *
 * <p>Callbacks run on the completing thread after the terminal status is visible, so a "how many callbacks ran"
 * operation would not be linearizable by design; instead {@link #noCallbackRanTwice()} checks after each execution
 * that no callback ran more than once. The QuickTheories properties check that each runs exactly once.
 */
public class EventLincheckTest {
    private static final int MAX_CALLBACKS = 64;

    private final Event event = Event.cpu(EventOptions.named("lincheck"));
    private final AtomicInteger registered = new AtomicInteger();
    private final AtomicIntegerArray runs = new AtomicIntegerArray(MAX_CALLBACKS);

    /** Lincheck creates one instance per scenario reflectively: public class, public constructor. */
    public EventLincheckTest() {
    }

    @BeforeAll
    static void quietWarnings() {
        // "setFinished called on a finished event" is expected here thousands of times; logging it would make the
        // model checker explore java.util.logging's internals too.
        Logger.getLogger(Event.class.getName()).setLevel(Level.OFF);
    }

    @Operation
    public void record() {
        event.record();
    }

    @Operation
    public void recordError() {
        event.record("r");
    }

    @Operation
    public void setFinished() {
        event.setFinished();
    }

    @Operation
    public void setFinishedError1() {
        event.setFinished("e1");
    }

    @Operation
    public void setFinishedError2() {
        event.setFinished("e2");
    }

    @Operation
    public void setFinishedException() {
        event.setFinished(new IllegalStateException("x"));
    }

    @Operation
    public void reset() {
        event.reset();
    }

    @Operation
    public void onComplete() {
        int id = registered.getAndIncrement();
        event.onComplete(e -> runs.incrementAndGet(id));
    }

    @Operation
    public EventStatus query() {
        return event.query();
    }

    @Operation
    public String errorMessage() {
        return event.errorMessage().orElse(null);
    }

    @Operation
    public boolean hasException() {
        return event.exception().isPresent();
    }

    @Validate
    public void noCallbackRanTwice() {
        for (int i = 0; i < registered.get(); i++) {
            if (runs.get(i) > 1) {
                throw new AssertionError("callback " + i + " ran " + runs.get(i) + " times");
            }
        }
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(60)
                .invocationsPerIteration(400)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(2)
                .sequentialSpecification(EventModel.class)
                .check(getClass());
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(40)
                .invocationsPerIteration(1000)
                .threads(3)
                .actorsPerThread(3)
                .sequentialSpecification(EventModel.class)
                .check(getClass());
    }
}
