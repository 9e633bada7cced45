/**
 * Locks that cannot deadlock: {@link dev.weft.lock.OrderedLock}s with a global order, taken together by
 * {@link dev.weft.lock.LockSet} in that order with a deadline, and an order check that refuses out-of-order nesting.
 */
package dev.weft.lock;
