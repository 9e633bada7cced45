package dev.weft.bench.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JVM the report starts on its own class path ({@link ProcessBuilder}): its standard output read a line at a time
 * into a queue (so every wait has a time limit), the last lines of its standard error kept for error messages, and
 * {@link #close()} that asks nothing and destroys it (forcibly after 5 s). Every live one is destroyed at this JVM's
 * exit too, so an interrupted report leaves no process behind. One thread uses an instance.
 */
final class ChildProcess implements AutoCloseable {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final String EOF = "\u0000eof";

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "server-report-children"));
    }

    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedDeque<String> errors = new ConcurrentLinkedDeque<>();
    private final PrintStream in;

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name(name + "-out").start(() -> drain(true));
        Thread.ofPlatform().daemon().name(name + "-err").start(() -> drain(false));
    }

    /** Starts {@code main} with {@code args} in a JVM of this one's kind and class path, with {@code jvmFlags}. */
    static ChildProcess start(String name, List<String> jvmFlags, Class<?> main, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-preview");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(args);
        Process p = new ProcessBuilder(command).start();
        LIVE.add(p);
        return new ChildProcess(name, p);
    }

    private void drain(boolean stdout) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                stdout ? process.getInputStream() : process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (stdout) {
                    lines.add(line);
                } else {
                    errors.addLast(line);
                    if (errors.size() > 20) {
                        errors.pollFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            if (stdout) {
                lines.add(EOF);
            }
        }
    }

    /** The process id. */
    long pid() {
        return process.pid();
    }

    /**
     * The next standard output line starting with {@code prefix} (others are skipped), without the prefix.
     *
     * @throws IOException if none comes within {@code timeout} or the process ended first; the message names the
     *                     process, what was awaited and its last error lines
     */
    String expect(String prefix, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(EOF)) {
                if (line != null) {
                    lines.add(EOF);
                }
                throw new IOException(name + ": " + (line == null ? "no '" + prefix.strip() + "' line within "
                        + timeout.toSeconds() + " s" : "ended (exit " + exitCode() + ") before a '" + prefix.strip()
                        + "' line") + lastErrors());
            }
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
        }
    }

    private String exitCode() {
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Its standard error's last lines, as "; stderr: ..." or "". */
    String lastErrors() {
        return errors.isEmpty() ? "" : "; stderr: " + String.join(" / ", errors);
    }

    /** Sends a command line to its standard input. */
    void send(String command) {
        in.println(command);
    }

    /** Waits up to {@code timeout} for it to exit by itself; true if it did. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Destroys it unless it ended (forcibly after 5 s), and forgets it. */
    @Override
    public void close() {
        in.close();
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        LIVE.remove(process);
    }
}
