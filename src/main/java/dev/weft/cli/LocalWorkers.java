package dev.weft.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Worker JVMs on this machine, as child processes: the first starts the cluster (on a given port, or any free one),
 * the others join it. Every child is started with {@code --exit-with-stdin}, so it leaves when this process dies
 * however it dies, and with a lifetime, so none outlives a forgotten test; {@link #close()} stops them all. Used by
 * {@code ./weft cluster workers}, the cluster tests and the cluster report.
 *
 * <p>Thread safe.
 */
public final class LocalWorkers implements AutoCloseable {
    private static final Pattern UP = Pattern.compile("weft: worker up at (\\S+?);");

    private final List<Process> processes = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private final int seedPort;

    private LocalWorkers(int seedPort) {
        this.seedPort = seedPort;
    }

    /**
     * Starts {@code count} workers and waits until each is up.
     *
     * @param count    how many
     * @param port     the first one's port (0: any free port); the others take free ports
     * @param lifetime how long each may live at most
     * @param extra    more worker options for each (such as {@code --concurrency 64})
     * @param log      where each line the workers print goes, prefixed with the worker's number ({@code null}: dropped)
     * @throws IOException if a process cannot start, or a worker is not up within 60 seconds (all are stopped)
     */
    public static LocalWorkers start(int count, int port, Duration lifetime, List<String> extra,
                                     Consumer<String> log) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        LocalWorkers w = new LocalWorkers(port);
        try {
            String first = w.launch(1, port, null, lifetime, extra, log);
            String seed = first.replaceAll("^.*@", "");
            List<CompletableFuture<String>> rest = new ArrayList<>();
            for (int i = 2; i <= count; i++) {
                int n = i;
                rest.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return w.launch(n, 0, seed, lifetime, extra, log);
                    } catch (IOException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                }, Thread.ofVirtual()::start));
            }
            for (CompletableFuture<String> f : rest) {
                f.join();
            }
            return w;
        } catch (RuntimeException | IOException e) {
            w.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private String launch(int n, int port, String seed, Duration lifetime, List<String> extra, Consumer<String> log)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-preview", "--enable-native-access=ALL-UNNAMED", "--add-opens",
                "java.base/java.lang=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xss512k",
                "-cp", System.getProperty("java.class.path"), ClusterCli.class.getName(), "worker",
                "--port", Integer.toString(port), "--exit-with-stdin", "--lifetime", lifetime.toMillis() + "ms"));
        if (seed != null) {
            cmd.addAll(List.of("--seed", seed));
        }
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        synchronized (processes) {
            processes.add(p);
        }
        CompletableFuture<String> up = new CompletableFuture<>();
        Thread.ofVirtual().name("weft-worker-" + n + "-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = UP.matcher(line);
                    if (m.find()) {
                        up.complete(m.group(1));
                    }
                    if (log != null) {
                        log.accept("[worker-" + n + "] " + line);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
            up.completeExceptionally(new IOException("worker " + n + " exited (status "
                    + (p.isAlive() ? "?" : p.exitValue()) + ") before it was up; its output went to the log"));
        });
        try {
            String address = up.get(60, TimeUnit.SECONDS);
            synchronized (processes) {
                while (addresses.size() < n) {
                    addresses.add(null);
                }
                addresses.set(n - 1, address);
            }
            return address;
        } catch (TimeoutException e) {
            throw new IOException("worker " + n + " was not up within 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting worker " + n, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** The workers' member addresses, in start order. */
    public List<String> addresses() {
        synchronized (processes) {
            return List.copyOf(addresses);
        }
    }

    /** {@code host:port} of the first worker: the seed others join through. */
    public String seed() {
        return addresses().get(0).replaceAll("^.*@", "");
    }

    /** The port the first worker was asked for (0: it took a free one; see {@link #seed()}). */
    public int seedPort() {
        return seedPort;
    }

    /** Worker {@code i}'s process (0-based, in start order). */
    public Process process(int i) {
        synchronized (processes) {
            return processes.get(i);
        }
    }

    /**
     * Kills worker {@code i} at once ({@link Process#destroyForcibly()}: no goodbye to the cluster), and waits for
     * it to be gone.
     */
    public void kill(int i) throws InterruptedException {
        Process p = process(i);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** Stops every worker still running: asks them to leave (closing their input), then kills what remains. */
    @Override
    public void close() {
        List<Process> all;
        synchronized (processes) {
            all = List.copyOf(processes);
        }
        for (Process p : all) {
            try {
                p.getOutputStream().close();
            } catch (IOException e) {
                // gone already
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (Process p : all) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code ./weft cluster workers [--count N] [--port N] [--lifetime DURATION] [worker options]}. */
    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        int count = 2;
        int port = 25520;
        Duration lifetime = Duration.ofHours(8);
        List<String> extra = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--count" -> count = ClusterCli.number(args, ++i, "--count", 1, 64);
                case "--port" -> port = ClusterCli.number(args, ++i, "--port", 0, 65535);
                case "--lifetime" -> lifetime = ClusterCli.duration(ClusterCli.value(args, ++i, "--lifetime"),
                        "--lifetime");
                default -> extra.add(args[i]);
            }
        }
        out.println("weft: starting " + count + " workers on 127.0.0.1, the first on port " + port + " (Ctrl-C stops "
                + "them; they leave by themselves after " + lifetime + ")");
        LocalWorkers w;
        try {
            w = start(count, port, lifetime, extra, out::println);
        } catch (IOException e) {
            err.println("weft cluster workers: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(w::close));
        out.println("weft: " + count + " workers up; in another terminal: ./weft cluster demo --seed " + w.seed());
        for (int i = 0; i < count; i++) {
            w.process(i).waitFor();
        }
        return 0;
    }
}
