package dev.weft.lock;

/**
 * A computation run under locks by {@link LockSet#call(java.time.Duration, ThrowingSupplier)}; it may throw any
 * exception, which {@code call} rethrows unchanged.
 *
 * @param <T> the result type
 * @param <X> the exception type it may throw
 */
@FunctionalInterface
public interface ThrowingSupplier<T, X extends Exception> {
    /** Computes the result. */
    T get() throws X;
}
