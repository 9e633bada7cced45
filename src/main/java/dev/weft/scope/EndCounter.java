package dev.weft.scope;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** The field of {@link EndCounter}, after the left padding and before the right. */
abstract class EndCounterValue extends CacheLinePad {
    volatile long value;
}

/**
 * How many of a scope's tasks ended, counted by the tasks' threads: an atomic counter on cache lines of its own, so
 * that the count every task adds to does not share a line with what the owner writes per fork.
 */
final class EndCounter extends EndCounterValue {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(EndCounterValue.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

    /** Counts one more end; returns the new count. */
    long increment() {
        return (long) VALUE.getAndAdd(this, 1L) + 1;
    }

    long get() {
        return value;
    }
}
