package dev.weft.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Combinators over events of any devices. Each returns a new read-only CPU event (see {@link EventSource}) that is
 * SCHEDULED until its inputs decide it; it never changes the inputs. Inputs whose device has no callbacks are
 * watched by a virtual thread blocked in {@link Event#finish()}, which ends when that input finishes.
 *
 * <p>Stateless and thread safe.
 */
public final class Events {
    private Events() {
    }

    /**
     * An event that SUCCEEDS when every input has succeeded, and FAILS as soon as one input fails, with a message
     * naming that input and its message (and its kept exception). With no inputs it has SUCCEEDED already.
     *
     * @throws NullPointerException if an input is null
     */
    public static Event allOf(Event... events) {
        return allOf(List.of(events));
    }

    /** {@link #allOf(Event...)} over a list. */
    public static Event allOf(List<Event> events) {
        List<Event> inputs = List.copyOf(events);
        EventSource result = new EventSource("allOf(" + inputs.size() + ")");
        if (inputs.isEmpty()) {
            result.succeed();
            return result.event();
        }
        AtomicInteger left = new AtomicInteger(inputs.size());
        for (Event e : inputs) {
            Event.whenFinished(e, done -> {
                if (done.query() == EventStatus.FAILED) {
                    result.fail("input " + done.describe() + " failed: " + done.errorMessage().orElse("?"),
                            done.exception().orElse(null));
                } else if (left.decrementAndGet() == 0) {
                    result.succeed();
                }
            });
        }
        return result.event();
    }

    /**
     * An event that SUCCEEDS as soon as one input succeeds, and FAILS when every input has failed, with a message
     * listing their messages (and the first kept exception).
     *
     * @throws IllegalArgumentException if there are no inputs
     * @throws NullPointerException     if an input is null
     */
    public static Event anyOf(Event... events) {
        return anyOf(List.of(events));
    }

    /** {@link #anyOf(Event...)} over a list. */
    public static Event anyOf(List<Event> events) {
        List<Event> inputs = List.copyOf(events);
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("anyOf needs at least one event");
        }
        EventSource result = new EventSource("anyOf(" + inputs.size() + ")");
        ReentrantLock lock = new ReentrantLock(); // guards the failure list only; never held while completing
        List<String> failures = new ArrayList<>();
        Throwable[] firstException = new Throwable[1];
        for (Event e : inputs) {
            Objects.requireNonNull(e, "event");
            Event.whenFinished(e, done -> {
                if (done.query() != EventStatus.FAILED) {
                    result.succeed();
                    return;
                }
                boolean all;
                lock.lock();
                try {
                    failures.add(done.describe() + ": " + done.errorMessage().orElse("?"));
                    if (firstException[0] == null) {
                        firstException[0] = done.exception().orElse(null);
                    }
                    all = failures.size() == inputs.size();
                } finally {
                    lock.unlock();
                }
                if (all) {
                    result.fail("all " + inputs.size() + " inputs failed: " + failures, firstException[0]);
                }
            });
        }
        return result.event();
    }
}
