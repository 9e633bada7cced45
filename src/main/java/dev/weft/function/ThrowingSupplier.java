package dev.weft.function;

/**
 * A computation of a {@code T} that may throw {@code X}, a checked exception or not.
 *
 * @param <T> the result type
 * @param <X> the exception type it may throw
 */
@FunctionalInterface
public interface ThrowingSupplier<T, X extends Exception> {
    /** Computes the result. */
    T get() throws X;
}
