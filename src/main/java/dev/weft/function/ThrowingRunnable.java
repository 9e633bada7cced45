package dev.weft.function;

/**
 * An action that may throw {@code X}, a checked exception or not.
 *
 * @param <X> the exception type it may throw
 */
@FunctionalInterface
public interface ThrowingRunnable<X extends Exception> {
    /** Runs the action. */
    void run() throws X;
}
