package dev.weft.adapt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Reads the limits of the machine this JVM runs on: the heap, the container's cgroup v2 memory and CPU limits, and the
 * processors. Each {@link #snapshot()} reads them afresh (a few small file reads and MXBean calls, nothing cached),
 * so a limit that changes while the JVM runs (a container resized in place, a cgroup's {@code memory.max} written by an
 * operator) shows in the next snapshot.
 *
 * {@snippet :
 * MachineSnapshot now = Machine.current().snapshot();
 * long room = now.memoryAvailable();     // the tighter of the heap's and the container's headroom
 * double cpus = now.cpus();              // the container's CPU quota, else the processors
 * }
 *
 * <p>Where the container values come from: the cgroup v2 files {@code memory.max}, {@code memory.current} and
 * {@code cpu.max} of the process's cgroup. {@link #current()} finds that cgroup from {@code /proc/self/cgroup};
 * {@link #ofCgroup(Path)} reads another folder. <strong>cgroup v1 is not supported</strong>: on a cgroup v1 host (or a
 * hybrid one, whose memory and CPU controllers are on v1) the container values are empty, and the JVM's own container
 * support (which does read v1) still shows through {@link Runtime#maxMemory()} and
 * {@link Runtime#availableProcessors()}. A missing file (no cgroup, or a controller not enabled for it) gives an empty
 * value; a file that is there but malformed is an error, not a silent "no limit".
 *
 * <p>Immutable and thread safe: a {@code Machine} holds only the cgroup folder it reads.
 */
public final class Machine {

    /** Where cgroup v2 is mounted on Linux. */
    private static final Path CGROUP_MOUNT = Path.of("/sys/fs/cgroup");
    private static final Path PROC_SELF_CGROUP = Path.of("/proc/self/cgroup");
    /** Enough of a malformed file to recognise it in an error message. */
    private static final int QUOTED_MAX = 80;

    /** The cgroup v2 folder to read; {@code null} for none (no cgroup v2): container values are then empty. */
    private final Path cgroup;

    private Machine(Path cgroup) {
        this.cgroup = cgroup;
    }

    /**
     * This JVM's machine. Its cgroup v2 folder is found from the {@code 0::/path} line of {@code /proc/self/cgroup}:
     * {@code /sys/fs/cgroup} + path; if that folder has no {@code memory.max} (a container without a cgroup namespace
     * sees the host's path but has its own cgroup mounted at the root), {@code /sys/fs/cgroup} itself when it has one;
     * else the path's folder if it is a cgroup v2 folder at all (its {@code cpu.max} may still be there). With no
     * cgroup v2 (not Linux, cgroup v1, or nothing readable), container values are empty.
     *
     * <p>The folder is found once, here; call {@code current()} again to follow a process moved to another cgroup.
     */
    public static Machine current() {
        String self;
        try {
            self = Files.readString(PROC_SELF_CGROUP);
        } catch (IOException | SecurityException unreadable) {
            return new Machine(null);
        }
        return new Machine(findCgroup(self, CGROUP_MOUNT).orElse(null));
    }

    /**
     * A machine whose container values are read from the cgroup v2 files in {@code dir} ({@code memory.max},
     * {@code memory.current}, {@code cpu.max}), for a cgroup that {@link #current()} does not find, or for tests.
     * The folder need not exist: missing files give empty values.
     *
     * @throws NullPointerException if {@code dir} is null
     */
    public static Machine ofCgroup(Path dir) {
        return new Machine(Objects.requireNonNull(dir, "cgroup dir"));
    }

    /** The cgroup v2 folder this machine reads; empty where there is none. */
    public Optional<Path> cgroupDir() {
        return Optional.ofNullable(cgroup);
    }

    /**
     * Reads the limits now.
     *
     * @throws IllegalStateException if a cgroup file is there but malformed (the message names the file and quotes
     *                               its content), e.g. a {@code memory.max} holding {@code lots}
     * @throws UncheckedIOException  if a cgroup file is there but cannot be read (naming the file)
     */
    public MachineSnapshot snapshot() {
        Runtime runtime = Runtime.getRuntime();
        long heapUsed = Math.max(0, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        OptionalLong memoryMax = OptionalLong.empty();
        OptionalLong memoryCurrent = OptionalLong.empty();
        OptionalDouble cpus = OptionalDouble.empty();
        if (cgroup != null) {
            memoryMax = readBytes(cgroup.resolve("memory.max"), true);
            memoryCurrent = readBytes(cgroup.resolve("memory.current"), false);
            cpus = readCpus(cgroup.resolve("cpu.max"));
        }
        return new MachineSnapshot(runtime.maxMemory(), heapUsed, memoryMax, memoryCurrent, cpus,
                runtime.availableProcessors(), Instant.now());
    }

    /** Says which cgroup folder it reads. */
    @Override
    public String toString() {
        return cgroup == null ? "Machine[no cgroup v2]" : "Machine[cgroup " + cgroup + "]";
    }

    /**
     * The cgroup v2 folder for a {@code /proc/self/cgroup} text under {@code mount}, as {@link #current()} describes;
     * empty if the text has no {@code 0::} line or no candidate folder is a cgroup v2 one.
     */
    static Optional<Path> findCgroup(String procSelfCgroup, Path mount) {
        for (String line : procSelfCgroup.split("\n")) {
            if (!line.startsWith("0::")) {
                continue;
            }
            String path = line.substring(3).strip();
            // The path is absolute within the hierarchy; resolve it under the mount, not at the file system's root.
            Path dir = mount.resolve(path.replaceFirst("^/+", ""));
            if (Files.isRegularFile(dir.resolve("memory.max"))) {
                return Optional.of(dir);
            }
            if (Files.isRegularFile(mount.resolve("memory.max"))) {
                return Optional.of(mount);
            }
            // cgroup.controllers is in every cgroup v2 folder (and in no v1 one): a v2 cgroup without the memory
            // controller, whose cpu.max may still be there. The root cgroup has neither limit: its values are empty.
            if (Files.isRegularFile(dir.resolve("cgroup.controllers"))) {
                return Optional.of(dir);
            }
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** A byte count, or {@code max} (when allowed) for none; empty if the file is missing. */
    private static OptionalLong readBytes(Path file, boolean maxMeansNone) {
        String text = read(file);
        if (text == null) {
            return OptionalLong.empty();
        }
        String value = text.strip();
        if (maxMeansNone && value.equals("max")) {
            return OptionalLong.empty();
        }
        try {
            long bytes = Long.parseLong(value);
            if (bytes >= 0) {
                return OptionalLong.of(bytes);
            }
        } catch (NumberFormatException malformed) {
            // Reported below, with the file and its content.
        }
        throw malformed(file, text, maxMeansNone ? "a byte count or 'max'" : "a byte count");
    }

    /** {@code cpu.max}: "quota period" as quota / period CPUs; "max period" (or "max") for none. */
    private static OptionalDouble readCpus(Path file) {
        String text = read(file);
        if (text == null) {
            return OptionalDouble.empty();
        }
        String[] parts = text.strip().split("\\s+");
        if (parts.length >= 1 && parts.length <= 2 && parts[0].equals("max")) {
            if (parts.length == 1 || isPositiveLong(parts[1])) {
                return OptionalDouble.empty();
            }
        } else if (parts.length == 2 && isPositiveLong(parts[0]) && isPositiveLong(parts[1])) {
            return OptionalDouble.of((double) Long.parseLong(parts[0]) / Long.parseLong(parts[1]));
        }
        throw malformed(file, text, "'quota period' or 'max period', both positive integers");
    }

    private static boolean isPositiveLong(String s) {
        try {
            return Long.parseLong(s) > 0;
        } catch (NumberFormatException notANumber) {
            return false;
        }
    }

    /** The file's text; {@code null} if it does not exist. */
    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException missing) {
            return null;
        } catch (IOException unreadable) {
            throw new UncheckedIOException("cannot read cgroup file " + file + ": " + unreadable.getMessage(),
                    unreadable);
        }
    }

    private static IllegalStateException malformed(Path file, String text, String expected) {
        String quoted = text.strip();
        if (quoted.length() > QUOTED_MAX) {
            quoted = quoted.substring(0, QUOTED_MAX) + "…";
        }
        return new IllegalStateException(
                "malformed cgroup file " + file + ": expected " + expected + ", got '" + quoted + "'");
    }
}
