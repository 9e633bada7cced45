package dev.weft.component;

import java.time.Duration;
import java.util.Objects;

/**
 * Request/response on components: {@code ask} puts a {@link Request} carrying the question into a component's inbox
 * (or a registered {@link Service}'s) and waits for the component to answer through it, up to a timeout.
 *
 * <pre>{@code
 * // plain code, a virtual thread, or another component's main:
 * int price = Asks.ask(shop, "inbox", "apples", Integer.class, Duration.ofSeconds(1));
 * int again = system.services().retrieve("shop").ask("pears", Integer.class, Duration.ofSeconds(1));
 * // the shop's main:
 * for (Object m : messages()) {
 *     if (m instanceof Request r) r.answer(q -> prices.get((String) q));
 * }
 * }</pre>
 *
 * <p><b>Outcomes.</b> The ask returns the reply, or throws: {@link AskException} with the component's failure as cause
 * when it {@linkplain Request#fail failed} the request; {@link AskException} at once (not at the timeout) when the
 * component ends without replying, or had ended before the request reached it; {@link AskTimeoutException} when no
 * reply came within the timeout, which counts the wait for room in a full inbox (backpressure applies to asks too);
 * {@link InterruptedException} when the asker is interrupted, which cancels its wait. An asker that gave up leaves
 * its request closed: a later reply is dropped and counted at the component ({@link Component#lateReplies()}), and
 * the component can skip work for it ({@link Request#isOpen()}, which {@link Request#answer} checks).
 *
 * <p><b>No leaks.</b> The asker waits on its own request (it parks; no {@code synchronized}, so a virtual thread
 * never pins its carrier). The only other place an ask is listed is the asked component's set of open asks
 * ({@link Component#openAsks()}), which the ask leaves however it returns; so thousands of timed-out asks leave
 * nothing behind but the requests still queued in the inbox, which are messages like any other.
 *
 * <p><b>Ending.</b> When the asked component ends, the asks still waiting on it fail at once naming it. A request is
 * bound to the component asked: a component may hand it to a child or a helper thread to answer, but the component
 * must not end before they do (a child is fine: a parent ends after its children). A component asking itself from its
 * own thread would wait for itself, so that throws at once.
 *
 * <p>Any thread may ask. A component's {@code main} blocked in an ask does not see {@link Shutdown} on its control
 * until the ask returns (the timeout bounds that); its system's cancellation interrupts it.
 */
public final class Asks {
    private Asks() {
    }

    /**
     * Asks {@code component} through its {@code inbox} and waits up to {@code timeout} for the reply.
     *
     * @return the reply (null if the component replied null)
     * @throws AskTimeoutException if no reply came in time
     * @throws AskException if the component failed the request, or ended without replying
     * @throws IllegalArgumentException if the component has no such inbox, or the timeout is not positive
     * @throws IllegalStateException if called from the component's own thread
     * @throws InterruptedException if the asker was interrupted (its wait is cancelled)
     */
    public static Object ask(Component component, String inbox, Object question, Duration timeout)
            throws InterruptedException {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(inbox, "inbox");
        return ask(component, inbox, null, question, Object.class, timeout);
    }

    /**
     * As {@link #ask(Component, String, Object, Duration)}, with the reply checked to be a {@code replyType} (a reply
     * of another type fails the ask with an {@link AskException} whose cause is a {@link ClassCastException}).
     */
    public static <R> R ask(Component component, String inbox, Object question, Class<R> replyType,
            Duration timeout) throws InterruptedException {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(inbox, "inbox");
        return ask(component, inbox, null, question, replyType, timeout);
    }

    /**
     * Asks the service {@code service} (its component's inbox); see
     * {@link #ask(Component, String, Object, Duration)}.
     */
    public static Object ask(Service service, Object question, Duration timeout) throws InterruptedException {
        return ask(service, question, Object.class, timeout);
    }

    /**
     * Asks the service {@code service}, the reply checked to be a {@code replyType}; see
     * {@link #ask(Component, String, Object, Class, Duration)}.
     */
    public static <R> R ask(Service service, Object question, Class<R> replyType, Duration timeout)
            throws InterruptedException {
        Objects.requireNonNull(service, "service");
        return ask(service.component(), service.inbox(), service, question, replyType, timeout);
    }

    /** The ask behind them all; {@code via}: null, the {@link Service} asked, or {@link Request#ACTOR}. */
    static <R> R ask(Component component, String inbox, Object via, Object question, Class<R> replyType,
            Duration timeout) throws InterruptedException {
        Objects.requireNonNull(question, () -> "null question for " + Request.target(component, inbox, via));
        Objects.requireNonNull(replyType, "replyType");
        long nanos = positiveNanos(timeout, component, inbox, via);
        long deadline = System.nanoTime() + nanos;
        Inbox in = component.inbox(inbox, "ask through");
        if (component.onOwnThread()) {
            throw new IllegalStateException("component '" + component.path() + "' asked itself ("
                    + Request.target(component, inbox, via) + ") from its own thread: it would wait for its own"
                    + " reply; answer the question directly");
        }
        AskBook book = AskBook.of(component);
        Request request = new Request(question, component, inbox, via, book, Thread.currentThread());
        book.add(request);
        try {
            int put;
            try {
                put = in.putUntil(request, null, "ask #" + request.id(), true, deadline);
            } catch (InterruptedException | RuntimeException e) {
                request.giveUp();
                request.detach();
                throw e;
            }
            if (put == Inbox.DROPPED) {
                request.giveUp();
                request.detach();
                throw new AskException(request.target(), request.id(), "component '" + component.path()
                        + "' had ended before request #" + request.id() + " reached " + request.target(), null);
            }
            if (put == Inbox.TIMED_OUT) {
                request.giveUp();
                request.detach();
                throw new AskTimeoutException(request.target(), request.id(), timeout, "no room in " + request.target()
                        + " for request #" + request.id() + " within " + timeout + " (inbox full)");
            }
            Object reply = request.await(deadline, timeout);
            if (reply != null && !replyType.isInstance(reply)) {
                ClassCastException cce = new ClassCastException("reply to request #" + request.id() + " from "
                        + request.target() + " is a " + reply.getClass().getName() + " (" + reply + "), not a "
                        + replyType.getName());
                throw new AskException(request.target(), request.id(), cce.getMessage(), cce);
            }
            return replyType.cast(reply);
        } finally {
            book.remove(request);
        }
    }

    /** The timeout in nanoseconds (saturated for huge ones), checked positive. */
    static long positiveNanos(Duration timeout, Component component, String inbox, Object via) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("ask of " + Request.target(component, inbox, via)
                    + " needs a positive timeout, got " + timeout);
        }
        try {
            return Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }
}
