package dev.weft.bench.server;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one variant at one number of connections: a server JVM ({@link ServerProcess}), its idle statistics, a load
 * JVM ({@link LoadClient}), its result, the server's statistics with the connections still open, then both stopped.
 * Every wait has a limit; whatever fails, both processes are destroyed and the row says why.
 */
final class ServerCell {
    /** The server JVM's flags: a heap large enough for 10,000 connections of any variant, stacks tracked. */
    static final List<String> SERVER_FLAGS = List.of("-Xmx2g", "-XX:NativeMemoryTracking=summary");
    /** The load JVM's flags. */
    static final List<String> CLIENT_FLAGS = List.of("-Xmx1g");
    /** Warm-up before the timed window: connections made, JIT compiling. */
    static final long WARMUP_MS = 1000;

    private ServerCell() {
    }

    /** Runs {@code variant} with {@code connections}, of which {@code slow} are slow clients. */
    static ServerRow run(ServerVariant variant, int connections, double slowFraction, long thinkMs, int seconds)
            throws InterruptedException {
        int slow = (int) Math.round(connections * slowFraction);
        Map<String, Long> idle = Map.of(), loaded = Map.of(), result = Map.of();
        String failure = "";
        long measureMs = seconds * 1000L;
        String tag = variant.id() + "@" + connections;
        try (ChildProcess server = ChildProcess.start("server " + tag, SERVER_FLAGS, ServerProcess.class,
                List.of(variant.id(), Long.toString(thinkMs), Long.toString(180 + seconds)))) {
            int port = Integer.parseInt(server.expect("port ", Duration.ofSeconds(60)).strip());
            server.send("stats");
            idle = fields(server.expect("stats ", Duration.ofSeconds(60)));
            try (ChildProcess client = ChildProcess.start("load client " + tag, CLIENT_FLAGS, LoadClient.class,
                    List.of(Integer.toString(port), Integer.toString(connections), Double.toString(slowFraction),
                            Long.toString(WARMUP_MS), Long.toString(measureMs),
                            Long.toString(120 + seconds)))) {
                client.expect("connected ", Duration.ofSeconds(60));
                result = fields(client.expect("result ", Duration.ofMillis(WARMUP_MS + measureMs + 30_000)));
                server.send("stats");
                loaded = fields(server.expect("stats ", Duration.ofSeconds(60)));
                client.send("close");
                client.awaitExit(Duration.ofSeconds(20));
            }
            server.send("quit");
            server.awaitExit(Duration.ofSeconds(20));
        } catch (IOException | RuntimeException e) {
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        return new ServerRow(variant.id(), connections, slow, thinkMs,
                result.getOrDefault("seconds_micros", 0L) / 1e6, get(result, "completed"), get(result, "p50"),
                get(result, "p99"), get(result, "max"), get(result, "connected"), get(result, "connectFailed"),
                result.getOrDefault("ready_micros", -1L) / 1e6, get(result, "notReady"),
                get(result, "ioErrors"), get(result, "mismatches"), get(loaded, "errors"),
                get(result, "slowEchoes"), get(loaded, "peak"), get(idle, "rss"), get(loaded, "rss"),
                get(idle, "heap"), get(loaded, "heap"), get(idle, "stacks"), get(loaded, "stacks"),
                get(loaded, "direct"), failure);
    }

    private static long get(Map<String, Long> m, String key) {
        return m.getOrDefault(key, -1L);
    }

    /** {@code key=value} pairs of a line; {@code seconds} and {@code ready} become microseconds. */
    static Map<String, Long> fields(String line) {
        Map<String, Long> m = new HashMap<>();
        for (String part : line.strip().split(" +")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = part.substring(0, eq), value = part.substring(eq + 1);
            if (key.equals("seconds") || key.equals("ready")) {
                m.put(key + "_micros", Math.round(Double.parseDouble(value) * 1e6));
            } else {
                m.put(key, Long.parseLong(value));
            }
        }
        return m;
    }
}
