package dev.weft.breaker;

import dev.weft.component.Component;
import dev.weft.function.ThrowingFunction;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A transformer whose handler runs through a Resilience4j circuit breaker: each message on {@code "inbox"} is passed to
 * the handler if the breaker permits, and the handler's result sent on {@code "outbox"} ({@code null} sends nothing).
 * Made by {@link Breakers#transformer}.
 *
 * <ul>
 *   <li><b>The handler fails</b> (throws an exception): the breaker counts the failure and the message leaves on
 *       {@value #REJECTED} as a {@link Rejected} carrying the exception; the component goes on. A failing call never
 *       fails the component by itself: deciding when failures are too many is the breaker's job.</li>
 *   <li><b>The breaker is open</b> (or half open with its trial calls taken): the handler is not called, and the
 *       {@link WhenOpen} policy decides: fail the component with {@link BreakerOpenException}, reject the message on
 *       {@value #REJECTED}, or send a fallback on {@code "outbox"}.</li>
 *   <li><b>Interruption</b> (the component is cancelled while the handler runs) gives the breaker's permission back
 *       uncounted and ends the component as cancelled.</li>
 * </ul>
 * It ends as {@link dev.weft.component.Transformer} does, at {@code Shutdown} or at {@code ProducerFinished} once its
 * inbox is drained. Its {@link #status()} is the breaker's state, so {@code describe()} and {@code mermaid()} show it.
 *
 * <p>Thread safety: as any component, it runs on its own thread; the handler and fallback are called only there, one
 * message at a time. The breaker may be shared with other components, operations or threads (Resilience4j's
 * breakers are thread safe), and {@link #status()} may be read from any thread.
 */
public final class BreakerTransformer extends Component {
    /** The outbox for messages the handler failed on, or that the open breaker rejected. */
    public static final String REJECTED = "rejected";

    private final CircuitBreaker breaker;
    private final ThrowingFunction<Object, ?, ? extends Exception> handler;
    private final WhenOpen whenOpen;

    // Declaring the "rejected" outbox stores the name only; nothing reads through this before construction ends.
    @SuppressWarnings("this-escape")
    BreakerTransformer(String name, CircuitBreaker breaker, ThrowingFunction<Object, ?, ? extends Exception> handler,
            WhenOpen whenOpen) {
        super(name);
        this.breaker = Objects.requireNonNull(breaker, "breaker");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.whenOpen = Objects.requireNonNull(whenOpen, "whenOpen");
        addOutbox(REJECTED);
    }

    /** The breaker this component's handler runs through. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    @Override
    protected void main() throws Exception {
        for (Object m : messages()) {
            Object out;
            try {
                out = Guarded.call(breaker, () -> handler.apply(m));
            } catch (Guarded.Refused refused) {
                if (whenOpen.fails()) {
                    throw new BreakerOpenException("component '" + path() + "'", breaker, refused.getCause());
                }
                if (whenOpen.rejects()) {
                    send(new Rejected(m, breaker.getName(), refused.getCause(), true), REJECTED);
                    continue;
                }
                Function<Object, ?> fallback = whenOpen.fallbackFunction();
                out = fallback.apply(m);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                send(new Rejected(m, breaker.getName(), e, false), REJECTED);
                continue;
            }
            if (out != null) {
                send(out);
            }
        }
    }

    /** The breaker's state, as {@link Breakers#status(CircuitBreaker)} says it. */
    @Override
    public Optional<String> status() {
        return Optional.of(Breakers.status(breaker));
    }
}
