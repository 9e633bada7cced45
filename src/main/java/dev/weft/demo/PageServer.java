package dev.weft.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The downloader report's embedded HTTP server on 127.0.0.1: {@code GET /page/N} waits the artificial delay, then
 * answers page N's HTML ({@link Pages#body}), or HTTP 500 when {@link Pages#fails} picks page N. One virtual thread
 * per exchange.
 */
final class PageServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    PageServer(int delayMs, double errorRate) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8192);
        server.createContext("/page/", exchange -> serve(exchange, delayMs, errorRate));
        server.setExecutor(threads);
        server.start();
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

    private void serve(HttpExchange exchange, int delayMs, double errorRate) throws IOException {
        try (exchange) {
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
            byte[] body;
            int status;
            if (Pages.fails(page, errorRate)) {
                errors.incrementAndGet();
                status = 500;
                body = ("internal error on page " + page + "\n").getBytes(StandardCharsets.US_ASCII);
            } else {
                served.incrementAndGet();
                status = 200;
                body = Pages.body(page);
            }
            exchange.getResponseHeaders().set("Content-Type",
                    status == 200 ? "text/html; charset=us-ascii" : "text/plain; charset=us-ascii");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.close();
    }
}
