package dev.weft.stm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The slot of one key: its current {@link Versioned} state, swapped whole, never changed in place. During a
 * {@link CommitMode#CAS} commit the slot holds an {@link Owned} marker instead, for the few instructions between
 * validating and publishing; readers wait those out.
 */
final class Cell {
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Cell.class, "state", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final String key;
    /** A {@link Versioned}, or an {@link Owned} while a CAS commit publishes this key. */
    volatile Object state = Versioned.ABSENT;

    Cell(String key) {
        this.key = key;
    }

    boolean compareAndSet(Object expected, Object update) {
        return STATE.compareAndSet(this, expected, update);
    }

    /**
     * A CAS commit's claim on a cell: which commit holds it (for wait-die). The states to restore on a conflict stay
     * with the committer, so one marker serves every key a commit claims.
     */
    record Owned(Checkout by) {
    }
}
