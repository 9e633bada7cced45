/**
 * Optimistic concurrency: a {@link dev.weft.stm.Store} of named, versioned, immutable values (Axon's STM, which seed
 * 002's author recommends over locks: "Use optimistic concurrency all the way!"). A {@link dev.weft.stm.Checkout}
 * reads a consistent snapshot without taking a lock, changes its own view, and commits all or nothing; a commit whose
 * reads went stale fails with {@link dev.weft.stm.ConcurrentUpdateException} naming the keys, and
 * {@link dev.weft.stm.Store#atomically} runs a transaction again under a bounded {@link dev.weft.stm.Retry}. The
 * pessimistic side is {@link dev.weft.lock.LockSet}.
 */
package dev.weft.stm;
