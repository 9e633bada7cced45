package dev.weft.lock.violation;

import dev.weft.demo.Demo;

/** A deliberate violation for {@code dev.weft.ArchitectureTest}: the library importing an application. */
public final class LockImportsDemo {
    private LockImportsDemo() {
    }

    static String name() {
        return Demo.class.getName();
    }
}
