package dev.weft.lock;

import java.time.Duration;
import java.util.List;

/**
 * Thrown into the victim of a deadlock by a {@link DeadlockDetector} with {@link DeadlockDetector.Policy#BREAK}: the
 * victim's blocking call (a {@link LockSet#acquire(Duration)}, a component's send into a full inbox) ends, having taken
 * nothing, and the other threads of the cycle can proceed. The message names the whole cycle: every thread, its scope
 * or component path, what it waited for and who held it.
 *
 * <p><b>Why a {@link LockTimeoutException}.</b> A wait in a deadlock would have ended with a timeout anyway
 * (Weft's lock waits are never infinite): the detector only ends it sooner, with the same outcome for the caller
 * (nothing held, the lock not got). Code written to handle a lock timeout (back off and retry, give up, report)
 * therefore handles a broken deadlock without change, and metrics count it with the timeouts. For a victim that waited
 * to send into a component's inbox, {@link #lock()} is {@code null}; {@link #holderThread()} and {@link #holderPath()}
 * then name the component that did not take from it.
 */
public final class DeadlockException extends LockTimeoutException {
    private static final long serialVersionUID = 1L;

    private final transient Deadlock deadlock;
    private final String[] cycle; // an array: serialisable, unlike the List type

    DeadlockException(Deadlock deadlock) {
        this(deadlock, deadlock.victim(), System.nanoTime());
    }

    private DeadlockException(Deadlock deadlock, WaitEdge victim, long now) {
        super(message(deadlock, victim), victim instanceof LockWaits.Edge e ? e.lock : null,
                Deadlocks.name(victim.holder()), victim.holderPath(),
                Duration.ofNanos(Math.max(0, now - victim.sinceNanos())));
        this.deadlock = deadlock;
        this.cycle = deadlock.waits().stream().map(WaitEdge::describe).toArray(String[]::new);
    }

    private static String message(Deadlock deadlock, WaitEdge victim) {
        StringBuilder out = new StringBuilder("deadlock broken by failing this wait (the youngest of the cycle): ")
                .append(deadlock.summary()).append(": ");
        List<WaitEdge> waits = deadlock.waits();
        for (int i = 0; i < waits.size(); i++) {
            out.append(i == 0 ? "" : "; ").append(waits.get(i).describe());
        }
        return out.append("; victim ").append(Deadlocks.who(victim.waiter(), victim.waiterPath())).toString();
    }

    /** The deadlock that was broken; {@code null} after deserialisation. */
    public Deadlock deadlock() {
        return deadlock;
    }

    /** The cycle's waits, one line each, as in the message; the victim's wait last. */
    public List<String> cycle() {
        return List.of(cycle);
    }
}
