package dev.weft.breaker;

import java.util.Objects;
import java.util.function.Function;

/**
 * What a {@link BreakerTransformer} does with a message its open breaker refuses to pass to the handler: fail the
 * component, reject the message on {@value BreakerTransformer#REJECTED}, or send a fallback on {@code "outbox"}.
 * Immutable and thread safe (a fallback function is called only on the component's thread).
 */
public final class WhenOpen {
    private enum Kind { FAIL, REJECT, FALLBACK }

    private static final WhenOpen FAIL = new WhenOpen(Kind.FAIL, null);
    private static final WhenOpen REJECT = new WhenOpen(Kind.REJECT, null);

    private final Kind kind;
    private final Function<Object, ?> fallback;

    private WhenOpen(Kind kind, Function<Object, ?> fallback) {
        this.kind = kind;
        this.fallback = fallback;
    }

    /**
     * The component fails with {@link BreakerOpenException} (naming it and the breaker) at the first message the
     * breaker refuses: for a stage that has no useful answer without its dependency, so the failure reaches the
     * parent (or the system) the structured way and stops the pipeline.
     */
    public static WhenOpen fail() {
        return FAIL;
    }

    /**
     * The message leaves on {@value BreakerTransformer#REJECTED} as a {@link Rejected} whose reason is the breaker's
     * {@code CallNotPermittedException}, and the component takes the next message: shed load while the dependency
     * recovers. An unlinked {@code "rejected"} outbox drops the rejections and counts them, as any unlinked outbox.
     */
    public static WhenOpen reject() {
        return REJECT;
    }

    /**
     * {@code fallback} is applied to the message and its result sent on {@code "outbox"} (nothing for {@code null}):
     * a degraded answer (a cached value, a default) while the dependency recovers. A fallback that throws fails the
     * component.
     */
    public static WhenOpen fallback(Function<Object, ?> fallback) {
        return new WhenOpen(Kind.FALLBACK, Objects.requireNonNull(fallback, "fallback"));
    }

    boolean fails() {
        return kind == Kind.FAIL;
    }

    boolean rejects() {
        return kind == Kind.REJECT;
    }

    Function<Object, ?> fallbackFunction() {
        return fallback;
    }

    @Override
    public String toString() {
        return "WhenOpen." + kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
