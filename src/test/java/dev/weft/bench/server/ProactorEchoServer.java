package dev.weft.bench.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A proactor: NIO.2's {@link AsynchronousSocketChannel}, where the program starts an operation and a
 * {@link CompletionHandler} is called when the system has finished it, on a group of as many platform threads as
 * cores; the think time is a task on a one-thread scheduler that starts the write. Each connection's state is what
 * its handlers hold; the code is a chain of callbacks (read done: find a line; timer: write; write done: read again).
 */
final class ProactorEchoServer implements EchoServer {
    private final AsynchronousChannelGroup group;
    private final AsynchronousServerSocketChannel server;
    private final ScheduledExecutorService timer;
    private final long thinkMs;
    private final Errors errors = new Errors();

    /** Listens now. */
    ProactorEchoServer(long thinkMs) throws IOException {
        this.thinkMs = thinkMs;
        int cores = Runtime.getRuntime().availableProcessors();
        group = AsynchronousChannelGroup.withFixedThreadPool(cores,
                Thread.ofPlatform().daemon().name("echo-proactor-", 0).factory());
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("echo-timer").factory());
        server = AsynchronousServerSocketChannel.open(group);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
        server.accept(null, new CompletionHandler<AsynchronousSocketChannel, Void>() {
            @Override
            public void completed(AsynchronousSocketChannel ch, Void a) {
                server.accept(null, this);
                try {
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                } catch (IOException e) {
                    BlockingEchoServer.closeQuietly(ch);
                    return;
                }
                new Conn(ch).read();
            }

            @Override
            public void failed(Throwable e, Void a) {
                if (server.isOpen()) {
                    server.accept(null, this);
                }
            }
        });
    }

    /** One connection: its buffer and its three handlers. */
    private final class Conn {
        final AsynchronousSocketChannel ch;
        final ByteBuffer in = ByteBuffer.allocate(MAX_LINE);
        ByteBuffer out;

        Conn(AsynchronousSocketChannel ch) {
            this.ch = ch;
        }

        void read() {
            if (!answer()) {
                ch.read(in, null, onRead);
            }
        }

        /** If a whole line is buffered, schedules its echo and returns true. */
        boolean answer() {
            for (int i = 0; i < in.position(); i++) {
                if (in.get(i) == '\n') {
                    byte[] line = new byte[i + 1];
                    in.get(0, line);
                    in.limit(in.position()).position(i + 1);
                    in.compact();
                    out = ByteBuffer.wrap(line);
                    timer.schedule(() -> ch.write(out, null, onWrite), thinkMs, TimeUnit.MILLISECONDS);
                    return true;
                }
            }
            if (!in.hasRemaining()) {
                errors.add();
                BlockingEchoServer.closeQuietly(ch);
                return true;
            }
            return false;
        }

        final CompletionHandler<Integer, Void> onRead = new CompletionHandler<>() {
            @Override
            public void completed(Integer n, Void a) {
                if (n < 0) {
                    BlockingEchoServer.closeQuietly(ch);
                } else {
                    read();
                }
            }

            @Override
            public void failed(Throwable e, Void a) {
                BlockingEchoServer.closeQuietly(ch);
            }
        };

        final CompletionHandler<Integer, Void> onWrite = new CompletionHandler<>() {
            @Override
            public void completed(Integer n, Void a) {
                if (out.hasRemaining()) {
                    ch.write(out, null, this);
                } else {
                    read();
                }
            }

            @Override
            public void failed(Throwable e, Void a) {
                BlockingEchoServer.closeQuietly(ch);
            }
        };
    }

    @Override
    public int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException("proactor echo server: no local address", e);
        }
    }

    @Override
    public long errors() {
        return errors.get();
    }

    @Override
    public void close() {
        BlockingEchoServer.closeQuietly(server);
        timer.shutdownNow();
        try {
            group.shutdownNow(); // closes every channel of the group
            group.awaitTermination(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
