package dev.weft.bench.server;

import dev.weft.metrics.ProcessMemory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The server JVM of {@code ./weft bench server}: {@code ServerProcess VARIANT THINK_MS MAX_SECONDS} starts the variant,
 * prints {@code port N}, then answers commands on standard input, one a line: {@code stats} prints a {@code stats}
 * line (below), {@code quit} or the end of input closes the server and exits. It exits by itself after
 * {@code MAX_SECONDS} whatever happens, so a lost parent never leaves it running.
 *
 * <p>A {@code stats} line is {@code stats threads=T peak=P rss=R heap=H stacks=S direct=D errors=E}: live platform
 * threads and their peak since the last {@code stats} (virtual threads are not counted: they are not OS threads), the
 * resident set ({@code VmRSS}), heap used after a forced collection, committed thread stacks (Native Memory
 * Tracking; -1 without it), direct buffer memory, and the variant's own errors.
 */
public final class ServerProcess {
    private ServerProcess() {
    }

    /** Runs one server as described above. */
    public static void main(String[] args) throws Exception {
        ServerVariant variant = ServerVariant.of(args[0]);
        long thinkMs = Long.parseLong(args[1]);
        long maxSeconds = Long.parseLong(args[2]);
        Thread.ofPlatform().daemon().name("server-deadline").start(() -> {
            try {
                Thread.sleep(maxSeconds * 1000); // the server's own time limit: it exits if it runs past it
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("server " + variant.id() + ": ran past " + maxSeconds + " s, exiting");
            Runtime.getRuntime().halt(3);
        });
        try (EchoServer server = variant.start(thinkMs);
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            warm(server.port());
            System.out.println("port " + server.port());
            System.out.flush();
            for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
                if (line.equals("stats")) {
                    System.out.println(stats(server));
                    System.out.flush();
                }
            }
        }
        System.exit(0); // whatever threads a variant left behind
    }

    /**
     * One echo over one connection before anything is measured, so the idle figures include the classes and the
     * code a connection needs the first time, and the per-connection figures do not.
     */
    static void warm(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write("warm-up\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                // until the echo's end
            }
        }
    }

    static String stats(EchoServer server) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int live = threads.getThreadCount();
        int peak = threads.getPeakThreadCount();
        threads.resetPeakThreadCount();
        System.gc();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long rss = ProcessMemory.rssBytes(ProcessHandle.current().pid()).orElse(-1);
        long stacks = dev.weft.demo.MemoryProbe.committedStacks(dev.weft.demo.MemoryProbe.diagnosticCommand());
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool.getMemoryUsed();
            }
        }
        return String.format(Locale.ROOT, "stats threads=%d peak=%d rss=%d heap=%d stacks=%d direct=%d errors=%d",
                live, peak, rss, heap, stacks, direct, server.errors());
    }
}
