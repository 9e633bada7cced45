package dev.weft;

/**
 * A function that may throw checked exceptions, like a {@link java.util.concurrent.Callable} with an argument.
 *
 * @param <A> the argument type
 * @param <B> the result type
 */
@FunctionalInterface
public interface ThrowingFunction<A, B> {
    /** Applies the function. */
    B apply(A argument) throws Exception;
}
