package dev.weft.bench.server;

/**
 * One variant at one number of connections: what the load client measured over the timed window and what the
 * server process reported before (idle, listening) and after it (connections still open, after a forced collection).
 *
 * @param variant       the variant's id ({@link ServerVariant})
 * @param connections   connections asked for
 * @param slowClients   of those, slow clients (one byte a second); not in the latencies or the throughput
 * @param thinkMs       the server's think time per request
 * @param seconds       the timed window's length
 * @param completed     echoes of fast clients that arrived in the window
 * @param p50Nanos      median latency, send to echo, of those; -1 without any
 * @param p99Nanos      99th percentile latency; -1 without any
 * @param maxNanos      the longest; -1 without any
 * @param connected     connections established
 * @param connectFailed connections that failed or timed out (30 s) connecting
 * @param readySeconds  from the first connect until every connection had its first echo (or 30 s passed)
 * @param notReady      connections without a first echo after 30 s
 * @param ioErrors      connections reset or closed by the server after connecting
 * @param mismatches    echoes that were not the line sent
 * @param serverErrors  connections the server failed to serve by its own count (a thread it could not start)
 * @param slowEchoes    echoes the slow clients got
 * @param peakThreads   most live platform threads of the server JVM during the run (virtual threads not counted)
 * @param rssIdle       server resident set listening with no connection, bytes
 * @param rssLoaded     server resident set after the window, connections open, bytes
 * @param heapIdle      heap used after a forced collection, idle
 * @param heapLoaded    heap used after a forced collection, connections open
 * @param stacksIdle    committed thread stacks (Native Memory Tracking), idle; -1 unknown
 * @param stacksLoaded  committed thread stacks, connections open; -1 unknown
 * @param directLoaded  direct buffer memory, connections open
 * @param failure       why the run could not be completed, or "" when it was
 */
public record ServerRow(String variant, int connections, int slowClients, long thinkMs, double seconds,
                        long completed, long p50Nanos, long p99Nanos, long maxNanos, long connected,
                        long connectFailed, double readySeconds, long notReady, long ioErrors, long mismatches,
                        long serverErrors, long slowEchoes,
                        long peakThreads, long rssIdle, long rssLoaded, long heapIdle, long heapLoaded,
                        long stacksIdle, long stacksLoaded, long directLoaded, String failure) {
    /** Echoes per second in the window. */
    public double throughput() {
        return seconds > 0 ? completed / seconds : 0;
    }

    /**
     * What a perfect server would do: each fast connection one echo per think time (the client waits for each echo
     * before sending the next, so no server can do more).
     */
    public double ideal() {
        return (connections - slowClients) * 1000.0 / Math.max(1, thinkMs);
    }

    /** Errors of every kind: failed connects, broken connections, wrong echoes, the server's own. */
    public long errors() {
        return connectFailed + notReady + ioErrors + mismatches + serverErrors;
    }

    /**
     * What the server holds per open connection, bytes: the growth of heap after a collection, committed thread
     * stacks and direct buffers from idle to loaded, over the connections established; -1 if unknown.
     */
    public long keptPerConnection() {
        if (connected <= 0 || heapLoaded < 0 || failed()) {
            return -1;
        }
        long stacks = stacksLoaded >= 0 && stacksIdle >= 0 ? stacksLoaded - stacksIdle : 0;
        return Math.max(0, (heapLoaded - heapIdle) + stacks + directLoaded) / connected;
    }

    /** The resident set's growth from idle to loaded over the connections established, bytes; -1 if unknown. */
    public long rssPerConnection() {
        if (connected <= 0 || rssLoaded < 0 || rssIdle < 0 || failed()) {
            return -1;
        }
        return Math.max(0, rssLoaded - rssIdle) / connected;
    }

    /** Whether the run could not be completed (a process failed or timed out). */
    public boolean failed() {
        return !failure.isEmpty();
    }
}
