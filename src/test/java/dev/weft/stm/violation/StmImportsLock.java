package dev.weft.stm.violation;

import dev.weft.lock.OrderedLock;

/**
 * A deliberate violation of "stm imports only function" for ArchitectureTest: the store is the optimistic side and
 * sits below the components that use it, so it must not reach up into the lock package (or anything else).
 */
public final class StmImportsLock {
    /** Only here to be imported. */
    public StmImportsLock() {
    }

    /** Uses a lock type, which the stm package may not. */
    public OrderedLock lock() {
        return new OrderedLock("violation");
    }
}
