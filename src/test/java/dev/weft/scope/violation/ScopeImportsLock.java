package dev.weft.scope.violation;

import dev.weft.lock.Locks;

/** A deliberate violation for {@code dev.weft.ArchitectureTest}: scope importing lock (as Scope.dump once did). */
public final class ScopeImportsLock {
    private ScopeImportsLock() {
    }

    static int waits(String path) {
        return Locks.waitsOf(path).size();
    }
}
