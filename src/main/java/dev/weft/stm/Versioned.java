package dev.weft.stm;

/**
 * One committed state of a key: its value (null when the key is absent or was removed) and the version of the commit
 * that wrote it (0 for a key never written). Immutable: a commit publishes a new one rather than changing this.
 */
record Versioned(Object value, long version) {
    /** A key that was never written. */
    static final Versioned ABSENT = new Versioned(null, 0);
}
