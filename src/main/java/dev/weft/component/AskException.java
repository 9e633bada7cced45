package dev.weft.component;

/**
 * An {@linkplain Asks ask} that got no reply value: the asked component failed the request ({@link Request#fail};
 * the cause is what it failed it with), or ended without replying (no cause), or, as the subclass
 * {@link AskTimeoutException}, no reply came in time. The message names the component (or service) asked and the
 * request's id.
 */
public sealed class AskException extends RuntimeException permits AskTimeoutException {
    private static final long serialVersionUID = 1L;
    private final String target;
    private final long requestId;

    AskException(String target, long requestId, String message, Throwable cause) {
        super(message, cause);
        this.target = target;
        this.requestId = requestId;
    }

    /** What was asked: a component's {@code path.inbox}, or {@code service 'name' (path.inbox)}. */
    public String target() {
        return target;
    }

    /** The id of the request that got no reply ({@link Request#id()}). */
    public long requestId() {
        return requestId;
    }
}
