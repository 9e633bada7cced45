package dev.weft.adapt;

import java.util.Locale;

/** Byte counts as people read them, for messages and decisions. */
final class Bytes {
    private Bytes() {
    }

    /** {@code bytes} in MiB with one decimal, e.g. "12.5 MiB". */
    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
