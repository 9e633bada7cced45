package dev.weft.component;

import dev.weft.function.ThrowingFunction;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One {@linkplain Asks ask}: a question put into a component's inbox that carries its own reply path. The component
 * receives the {@code Request} like any message and answers through it: {@link #reply(Object)}, {@link #fail}, or
 * {@link #answer} (computes the reply, failing the request with whatever the computation throws).
 *
 * <pre>{@code
 * for (Object m : messages()) {
 *     if (m instanceof Request r) {
 *         r.answer(q -> prices.get((String) q));   // the asker's ask(...) returns the price
 *     }
 * }
 * }</pre>
 *
 * <p><b>Correlation</b> is the object itself: each request has an {@link #id()} (unique in the JVM, for logs and
 * errors) and is the only route back to its asker, so replies cannot cross, however many asks are in flight. There is
 * no table of waiters anywhere: the asker waits on its own request, and a request nobody references any more (its
 * asker gave up, the component dropped it) is garbage like any message.
 *
 * <p><b>Exactly one outcome.</b> The first of reply, fail, the asker giving up (timeout or interruption) and the
 * asked component ending without replying wins; the request is then closed ({@link #isOpen()} false). A reply or
 * failure that comes after the asker gave up, or after the component ended, is dropped and counted as a late reply at
 * the asked component ({@link Component#lateReplies()}); replying twice is a bug and throws.
 *
 * <p>Thread safe: any thread may reply (a component may hand the request to a helper thread or a child). The asker
 * waits by parking its own thread (no {@code synchronized}, so a virtual thread never pins its carrier).
 */
public final class Request {
    private static final AtomicLong IDS = new AtomicLong();
    private static final VarHandle OUTCOME;

    static {
        try {
            OUTCOME = MethodHandles.lookup().findVarHandle(Request.class, "outcome", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Outcomes that are not a reply value: private types, so that no reply value can be mistaken for one. */
    private static final class Mark {
        private final String what;

        Mark(String what) {
            this.what = what;
        }

        @Override
        public String toString() {
            return what;
        }
    }

    private static final Mark NULL_REPLY = new Mark("replied null");
    private static final Mark GAVE_UP = new Mark("asker gave up");

    private record Failed(Throwable failure) {
    }

    private record Ended(String component) {
    }

    private final long id = IDS.incrementAndGet();
    private final Object question;
    /** The component asked and its inbox; {@code via}: null, the {@link Service} asked, or {@link #ACTOR}. */
    private final Component component;
    private final String inbox;
    private final Object via;
    private final AskBook book;
    /** The asking thread, to unpark; cleared when the ask returns: a request left in an inbox holds no thread. */
    private volatile Thread asker;
    /** Null while open; then the reply value, {@link #NULL_REPLY}, {@link Failed}, {@link Ended} or {@code GAVE_UP}. */
    private volatile Object outcome;

    /** {@code via} for an actor's ask: the target() names the actor rather than its mailbox. */
    static final Object ACTOR = new Mark("actor");

    Request(Object question, Component component, String inbox, Object via, AskBook book, Thread asker) {
        this.question = Objects.requireNonNull(question, "question");
        this.component = component;
        this.inbox = inbox;
        this.via = via;
        this.book = book;
        this.asker = asker;
    }

    /** The request's id: unique in this JVM, increasing in the order requests were made. */
    public long id() {
        return id;
    }

    /** What was asked. */
    public Object question() {
        return question;
    }

    /**
     * What was asked, as a {@code type}.
     *
     * @throws ClassCastException naming the request and both types if the question is not a {@code type}
     */
    public <Q> Q question(Class<Q> type) {
        if (!type.isInstance(question)) {
            throw new ClassCastException("request #" + id + " to " + target() + " asks a "
                    + question.getClass().getName() + " (" + question + "), not a " + type.getName());
        }
        return type.cast(question);
    }

    /**
     * What was asked: a component's {@code path.inbox}, {@code service 'name' (path.inbox)}, or {@code actor 'path'}.
     * Made when needed (errors, views), so that an ask pays for no string.
     */
    public String target() {
        return target(component, inbox, via);
    }

    static String target(Component component, String inbox, Object via) {
        if (via instanceof Service s) {
            return "service '" + s.name() + "' (" + component.path() + "." + inbox + ")";
        }
        return via == ACTOR ? "actor '" + component.path() + "'" : component.path() + "." + inbox;
    }

    /** Whether the asker still waits for an outcome: false once replied, failed, given up on, or ended unanswered. */
    public boolean isOpen() {
        return OUTCOME.getVolatile(this) == null;
    }

    /**
     * Replies {@code value} (may be null) to the asker.
     *
     * @return true if the asker gets it; false if it came late (the asker gave up, or the asked component ended
     *     before), in which case it is dropped and counted at the asked component
     * @throws IllegalStateException if the request was already replied to or failed
     */
    public boolean reply(Object value) {
        return complete(value == null ? NULL_REPLY : value);
    }

    /**
     * Fails the request: the asker's ask throws {@link AskException} with {@code failure} as its cause.
     *
     * @return true if the asker gets it; false if late (dropped and counted, as for {@link #reply})
     * @throws IllegalStateException if the request was already replied to or failed
     */
    public boolean fail(Throwable failure) {
        return complete(new Failed(Objects.requireNonNull(failure, "failure")));
    }

    /**
     * Replies with what {@code handler} makes of the question, or fails the request with the exception it throws
     * (an {@link Error} fails the request and is rethrown, since it is not the asker's problem alone). Skips the
     * handler when the request is no longer open (the asker gave up): no work for nobody.
     *
     * @return true if the asker gets the outcome; false if it came late or the handler was skipped
     */
    public <X extends Exception> boolean answer(ThrowingFunction<Object, ?, X> handler) {
        Objects.requireNonNull(handler, "handler");
        if (!isOpen()) {
            return false;
        }
        Object value;
        try {
            value = handler.apply(question);
        } catch (Exception e) {
            return fail(e);
        } catch (Error e) {
            fail(e);
            throw e;
        }
        return reply(value);
    }

    private boolean complete(Object result) {
        if (OUTCOME.compareAndSet(this, null, result)) {
            Thread waiter = asker;
            if (waiter != null) {
                LockSupport.unpark(waiter);
            }
            return true;
        }
        Object was = OUTCOME.getVolatile(this);
        if (was == GAVE_UP || was instanceof Ended) {
            book.lateReply();
            return false;
        }
        throw new IllegalStateException("request #" + id + " to " + target() + " was already "
                + (was instanceof Failed f ? "failed (" + f.failure() + ")" : "replied to (" + was + ")")
                + "; a request has one outcome");
    }

    /** The asked component ended without replying: fails the ask at once (nothing if it had an outcome). */
    void ended(String component) {
        if (OUTCOME.compareAndSet(this, null, new Ended(component))) {
            Thread waiter = asker;
            if (waiter != null) {
                LockSupport.unpark(waiter);
            }
        }
    }

    /** The asker stops waiting (its ask failed or was interrupted before the request was delivered). */
    boolean giveUp() {
        return OUTCOME.compareAndSet(this, null, GAVE_UP);
    }

    /**
     * On the asker's thread: waits for the outcome until {@code deadline} ({@link System#nanoTime()}), parking.
     * Interruption gives up and throws, unless the outcome had come (then it is returned and the interrupt status
     * kept: a reply is never lost to an interrupt that came after it).
     */
    Object await(long deadline, Duration timeout) throws InterruptedException {
        try {
            Object o;
            while ((o = OUTCOME.getVolatile(this)) == null) {
                if (Thread.interrupted()) {
                    if (giveUp()) {
                        throw new InterruptedException("ask #" + id + " of " + target() + " interrupted");
                    }
                    Thread.currentThread().interrupt();
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    if (giveUp()) {
                        throw new AskTimeoutException(target(), id, timeout, "no reply from " + target()
                                + " to request #" + id + " within " + timeout);
                    }
                    continue;
                }
                LockSupport.parkNanos(this, left);
            }
            return decode(o);
        } finally {
            asker = null;
        }
    }

    private Object decode(Object o) {
        if (o == NULL_REPLY) {
            return null;
        }
        if (o instanceof Failed f) {
            String to = target();
            throw new AskException(to, id, "request #" + id + " to " + to + " failed: " + f.failure(), f.failure());
        }
        if (o instanceof Ended e) {
            String to = target();
            throw new AskException(to, id, "component '" + e.component() + "' ended without replying to request #"
                    + id + " (asked " + to + ")", null);
        }
        return o;
    }

    /** Clears the asker when an ask ends before waiting (its delivery failed). */
    void detach() {
        asker = null;
    }

    /** {@code "Request#12[question -> sys/c.inbox, open]"}. */
    @Override
    public String toString() {
        Object o = OUTCOME.getVolatile(this);
        return "Request#" + id + "[" + question + " -> " + target() + ", " + (o == null ? "open"
                : o instanceof Failed f ? "failed: " + f.failure() : o instanceof Ended ? "ended unanswered"
                : o instanceof Mark m ? m.toString() : "replied") + "]";
    }
}
