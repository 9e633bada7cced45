package dev.weft.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded HTTP server on 127.0.0.1 of the demo and the downloader report: {@code GET /page/N} waits the
 * artificial delay, then answers page N's HTML ({@link Pages#body}), or HTTP 500 for the pages chosen to fail
 * ({@link Pages#fails}). One virtual thread per exchange.
 *
 * <p>Keep-alive: the JDK server keeps at most {@code sun.net.httpserver.maxIdleConnections} connections idle (200 by
 * default) and closes any other one right after its response, without a {@code Connection: close} header. The
 * {@link java.net.http.HttpClient} has already pooled such a connection, so its next request on it meets a closed
 * socket; the client retries a GET once, and when the retry lands on another such connection the page fails with
 * {@code IOException: HTTP/1.1 header parser received no bytes} (issue 12: 21 of 10,000 pages with 1,000 in flight).
 * The closed connections also make the client reconnect over and over. This class therefore raises the limit
 * ({@link #MAX_IDLE_CONNECTIONS}) before the first server of the JVM starts, unless it was set on the command line;
 * the JDK reads it once per JVM, so it has no effect if another {@code HttpServer} started first.
 */
final class PageServer implements AutoCloseable {
    /** Idle keep-alive connections the server keeps open: more than any variant holds (ports and descriptors bound). */
    static final int MAX_IDLE_CONNECTIONS = 100_000;
    private static final String MAX_IDLE_PROPERTY = "sun.net.httpserver.maxIdleConnections";

    static {
        if (System.getProperty(MAX_IDLE_PROPERTY) == null) {
            System.setProperty(MAX_IDLE_PROPERTY, Integer.toString(MAX_IDLE_CONNECTIONS));
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    /** The clients' ends (address and port) of the connections that sent a request since the last reset. */
    private final Set<InetSocketAddress> peers = ConcurrentHashMap.newKeySet();

    private final double errorRate;

    /** A server on an ephemeral port: HTML pages after {@code delayMs}, {@code errorRate} of them failing. */
    PageServer(int delayMs, double errorRate) throws IOException {
        this.errorRate = errorRate;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8192);
        server.createContext("/page/", exchange -> serve(exchange, delayMs));
        server.setExecutor(threads);
        server.start();
    }

    /** The port it listens on. */
    int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:PORT/page/}. */
    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/page/");
    }

    /** Requests answered with a page so far. */
    long served() {
        return served.get();
    }

    /** Requests answered with HTTP 500 so far. */
    long errors() {
        return errors.get();
    }

    /** Distinct connections that sent a request since the server started or {@link #resetConnections}. */
    int connections() {
        return peers.size();
    }

    /** Starts counting {@link #connections} afresh. */
    void resetConnections() {
        peers.clear();
    }

    /**
     * The server's ends of connections it has not closed yet (established, or closed by the client and not yet by
     * the server), from {@code /proc/net/tcp} and {@code tcp6}; -1 where those cannot be read.
     */
    int openConnections() {
        String port = String.format(":%04X ", port());
        int open = 0;
        boolean read = false;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException | RuntimeException e) {
                continue;
            }
            read = true;
            for (String line : lines) {
                String[] f = line.strip().split("\\s+");
                // sl local_address rem_address st ...; states 0A listen, 06 time-wait, 07 closed
                if (f.length > 3 && (f[1] + " ").endsWith(port) && !Set.of("0A", "06", "07").contains(f[3])) {
                    open++;
                }
            }
        }
        return read ? open : -1;
    }

    /**
     * Waits until the server has closed every connection, checking every 20 ms for at most {@code timeout}: after a
     * client closes, the server closes its ends only as its dispatcher gets to them, and until then their buffers
     * count in the next measurement. Returns whether it got there (true at once where /proc cannot be read).
     */
    boolean awaitNoConnections(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int open = openConnections();
            if (open <= 0) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
    }

    private void serve(HttpExchange exchange, int delayMs) throws IOException {
        try (exchange) {
            peers.add(exchange.getRemoteAddress());
            String path = exchange.getRequestURI().getPath();
            int page;
            try {
                page = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
            } catch (NumberFormatException e) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (delayMs > 0) {
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
            }
            byte[] bytes;
            int status;
            if (Pages.fails(page, errorRate)) {
                errors.incrementAndGet();
                status = 500;
                bytes = ("internal error on page " + page + "\n").getBytes(StandardCharsets.US_ASCII);
            } else {
                served.incrementAndGet();
                status = 200;
                bytes = Pages.body(page);
            }
            exchange.getResponseHeaders().set("Content-Type",
                    status == 200 ? "text/html; charset=us-ascii" : "text/plain; charset=us-ascii");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.close();
    }
}
