package dev.weft.function;

/**
 * A function from {@code A} to {@code B} that may throw {@code X}, a checked exception or not.
 *
 * @param <A> the argument type
 * @param <B> the result type
 * @param <X> the exception type it may throw
 */
@FunctionalInterface
public interface ThrowingFunction<A, B, X extends Exception> {
    /** Applies the function. */
    B apply(A argument) throws X;
}
