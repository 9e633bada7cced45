package dev.weft.component;

import java.util.Objects;
import java.util.function.Function;

/**
 * Applies a function to each message on {@code "inbox"} and sends the result on {@code "outbox"} (Kamaelia's
 * {@code PureTransformer}); a {@code null} result sends nothing, so a transformer is also a filter. It ends as the
 * usual loop does: at {@link Shutdown}, or at {@link ProducerFinished} once its inbox is drained, passing the control
 * message on through {@code "signal"}. A function that throws fails the component. Made by
 * {@link Components#transformer(Function)} or {@link Components#transformer(Class, Function)}.
 *
 * <pre>{@code
 * Pipeline.of(Components.source(List.of("a", "", "b")),
 *             Components.transformer(String.class, s -> s.isEmpty() ? null : s.toUpperCase()),  // "A", "B"
 *             Components.consoleEchoer()).run();
 * }</pre>
 *
 * <p>Thread safety: as any component, it runs on its own thread; the function is called only there, one message at a
 * time, so it needs no synchronisation of its own unless it shares state with other threads.
 */
public final class Transformer extends Component {
    private final Function<Object, ?> function;

    /** A transformer applying {@code function} to every message. */
    Transformer(Function<Object, ?> function) {
        this.function = Objects.requireNonNull(function, "function");
    }

    /**
     * A transformer of messages of {@code type}: a message of another type fails it with a {@link ClassCastException}
     * naming the transformer, the type expected and the message.
     */
    <T> Transformer(Class<T> type, Function<? super T, ?> function) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(function, "function");
        this.function = m -> {
            if (!type.isInstance(m)) {
                throw new ClassCastException("transformer '" + path() + "' takes " + type.getName() + ", got "
                        + m.getClass().getName() + ": " + m);
            }
            return function.apply(type.cast(m));
        };
    }

    @Override
    protected void main() throws InterruptedException {
        for (Object m : messages()) {
            Object out = function.apply(m);
            if (out != null) {
                send(out);
            }
        }
    }
}
