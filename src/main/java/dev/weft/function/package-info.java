/**
 * The one family of functional interfaces that may throw checked exceptions, used across Weft's API:
 * {@link dev.weft.function.ThrowingRunnable}, {@link dev.weft.function.ThrowingSupplier} and
 * {@link dev.weft.function.ThrowingFunction}, each generic in the exception it throws so that callers keep their own
 * checked exception types (a lambda that throws nothing checked is inferred as throwing a
 * {@code RuntimeException}). A leaf: it depends on nothing but {@code java.lang}.
 */
package dev.weft.function;
