package dev.weft.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Resident memory (RSS) of processes, read from Linux's {@code /proc/<pid>/status} ({@code VmRSS}), so that a run
 * that starts child processes (worker JVMs, tools) can count their memory with its own. Elsewhere (no
 * {@code /proc}) every reading is empty or zero; {@link #isSupported()} says which.
 *
 * <p>Readings are snapshots: a process may end between listing and reading, and is then counted as 0. Thread safe
 * (stateless).
 */
public final class ProcessMemory {
    private ProcessMemory() {
    }

    /** Whether this system has {@code /proc/self/status} with a {@code VmRSS} line. */
    public static boolean isSupported() {
        return rssBytes(ProcessHandle.current().pid()).isPresent();
    }

    /**
     * The resident memory of process {@code pid} in bytes; empty if it does not exist (any more), cannot be read,
     * or has no {@code VmRSS} line (a zombie, or a system without {@code /proc}).
     */
    public static OptionalLong rssBytes(long pid) {
        return statusField(pid, "VmRSS");
    }

    /**
     * The peak resident memory ({@code VmHWM}, the high-water mark) of process {@code pid} in bytes, read while it
     * is still alive; empty as for {@link #rssBytes(long)}.
     */
    public static OptionalLong peakRssBytes(long pid) {
        return statusField(pid, "VmHWM");
    }

    private static OptionalLong statusField(long pid, String field) {
        String status;
        try {
            status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
        } catch (NoSuchFileException gone) {
            return OptionalLong.empty();
        } catch (IOException | SecurityException unreadable) {
            return OptionalLong.empty();
        }
        return parseField(status, field);
    }

    /**
     * The {@code VmRSS} of a {@code /proc/<pid>/status} text in bytes; empty if there is none.
     *
     * @throws NullPointerException if {@code status} is null
     */
    public static OptionalLong parseVmRss(String status) {
        return parseField(status, "VmRSS");
    }

    /** A memory field ({@code VmRSS}, {@code VmHWM}, …) of a status text in bytes; empty if absent or malformed. */
    private static OptionalLong parseField(String status, String field) {
        String prefix = field + ":";
        for (String line : status.split("\n")) {
            if (line.startsWith(prefix)) {
                String[] parts = line.substring(prefix.length()).trim().split("\\s+");
                try {
                    long value = Long.parseLong(parts[0]);
                    long unit = parts.length > 1 ? switch (parts[1]) {
                        case "kB" -> 1024L;
                        case "mB", "MB" -> 1024L * 1024;
                        case "gB", "GB" -> 1024L * 1024 * 1024;
                        default -> 1L;
                    } : 1L;
                    return OptionalLong.of(value * unit);
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    /**
     * The summed resident memory of {@code processes} in bytes; those that ended count 0.
     *
     * @throws NullPointerException if {@code processes} or an element is null
     */
    public static long totalRssBytes(Iterable<? extends ProcessHandle> processes) {
        long sum = 0;
        for (ProcessHandle p : processes) {
            sum += rssBytes(Objects.requireNonNull(p, "process").pid()).orElse(0);
        }
        return sum;
    }

    /** The summed resident memory of every live descendant of {@code root} (children, theirs...), not of root. */
    public static long descendantsRssBytes(ProcessHandle root) {
        return totalRssBytes(root.descendants().toList());
    }

    /**
     * The summed resident memory of {@code root} and all its live descendants: for the current process
     * ({@link ProcessHandle#current()}), the whole run's memory, child processes included.
     *
     * @throws NullPointerException if {@code root} is null
     */
    public static long treeRssBytes(ProcessHandle root) {
        return rssBytes(root.pid()).orElse(0) + descendantsRssBytes(root);
    }
}
