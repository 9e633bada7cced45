package dev.weft.stm;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A commit refused because what its {@link Checkout} read changed after the snapshot was taken (Axon's
 * {@code ConcurrentUpdate}), or because another commit was publishing one of its keys at that moment (Axon's
 * {@code BusyRetry}, folded in here: either way the transaction must run again on fresh values). Nothing of the
 * refused commit was written. {@link #keys()} names the keys; the message names the store and the versions.
 * {@link Store#atomically} retries on this exception; when it gives up, the last one carries the earlier ones as
 * {@linkplain #getSuppressed() suppressed}.
 */
public final class ConcurrentUpdateException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String store;
    private final SortedSet<String> keys;

    /**
     * {@code trace}: whether to record a stack trace; those thrown inside {@link Store#atomically} and caught there
     * are made without one (filling a trace costs microseconds, and a busy store refuses many commits), and the one it
     * finally throws is made with one.
     */
    ConcurrentUpdateException(String store, Set<String> keys, String message, boolean trace) {
        super(message, null, true, trace);
        this.store = store;
        this.keys = Collections.unmodifiableSortedSet(new TreeSet<>(keys));
    }

    /** The name of the store the commit was for. */
    public String store() {
        return store;
    }

    /** The keys that changed (or were being published) since the snapshot, sorted. */
    public Set<String> keys() {
        return keys;
    }
}
