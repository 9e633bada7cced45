package dev.weft.bench.server;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Thread per connection with plain blocking code, the lecture's first server: an acceptor thread, and for every
 * connection one thread of the given kind that reads a line, sleeps the think time, and writes it back. On platform
 * threads ({@code threads}) each connection holds an OS thread and its stack (1 MiB reserved by default), blocked in
 * {@code read()} or {@code sleep()}; on virtual threads ({@code virtual}) the same code parks and its stack lives
 * in the heap. A thread that cannot be started (the OS refuses more) counts an error and closes its connection.
 */
final class BlockingEchoServer implements EchoServer {
    private final ServerSocket server;
    private final Thread.Builder connections;
    private final long thinkMs;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Errors errors = new Errors();
    private final Thread acceptor;

    /** Listens now; {@code virtual} picks the connection threads' kind. */
    BlockingEchoServer(boolean virtual, long thinkMs) throws IOException {
        this.thinkMs = thinkMs;
        this.connections = virtual ? Thread.ofVirtual().name("echo-virtual-", 0)
                : Thread.ofPlatform().daemon().name("echo-platform-", 0);
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
        acceptor = Thread.ofPlatform().daemon().name("echo-acceptor").start(this::accept);
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            open.add(socket);
            try {
                connections.start(() -> serve(socket));
            } catch (OutOfMemoryError | RuntimeException e) {
                // "unable to create native thread": the OS will not give this connection a thread
                errors.add();
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket socket) {
        byte[] line = new byte[MAX_LINE];
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), MAX_LINE);
            OutputStream out = socket.getOutputStream();
            int n = 0;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                if (n == MAX_LINE) {
                    errors.add();
                    return;
                }
                line[n++] = (byte) b;
                if (b == '\n') {
                    Thread.sleep(thinkMs); // the protocol's think time (the workload), blocking as the model does
                    out.write(line, 0, n);
                    out.flush();
                    n = 0;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the peer went away, or close(): this connection ends
        } finally {
            open.remove(socket);
        }
    }

    @Override
    public int port() {
        return server.getLocalPort();
    }

    @Override
    public long errors() {
        return errors.get();
    }

    @Override
    public void close() {
        closeQuietly(server);
        for (Socket s : open) {
            closeQuietly(s);
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing: nothing left to do
        }
    }
}
