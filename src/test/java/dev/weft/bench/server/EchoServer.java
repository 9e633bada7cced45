package dev.weft.bench.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One way of serving the report's protocol: a client sends a line (at most {@link #MAX_LINE} bytes, ending in
 * {@code '\n'}), the server waits the think time (simulated work: a sleep on the thread-per-connection variants, a
 * timer on the event-driven ones) and sends the same line back, then waits for the next. Listens on 127.0.0.1 only.
 * {@link #close()} stops accepting and closes every connection. Thread safe: {@link #port()} and {@link #errors()}
 * from any thread.
 */
public interface EchoServer extends AutoCloseable {
    /** The longest line served, '\n' included; a longer one ends the connection. */
    int MAX_LINE = 1024;
    /** The accept backlog every variant asks for (the kernel caps it at {@code net.core.somaxconn}). */
    int BACKLOG = 4096;

    /** The port it listens on, on 127.0.0.1. */
    int port();

    /** Connections it failed to serve for reasons of its own (a thread it could not start, a line too long). */
    long errors();

    /** Stops accepting, closes every connection, and releases its threads. */
    @Override
    void close();

    /** An error counter the variants share. */
    final class Errors {
        private final AtomicLong count = new AtomicLong();

        /** Counts one. */
        void add() {
            count.incrementAndGet();
        }

        /** The count so far. */
        long get() {
            return count.get();
        }
    }
}
