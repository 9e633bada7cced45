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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Futures, the lecture's answer to the reactor's state management: the same asynchronous channels as
 * {@link ProactorEchoServer}, but every operation is a {@link CompletableFuture} and a connection is one chain,
 * {@code readLine -> after(think) -> write -> readLine ...}, whose state lives in the futures' closures. The think time
 * is {@link CompletableFuture#delayedExecutor} (the JDK's one delay thread); the I/O completes on a group of as many
 * platform threads as cores.
 */
final class FuturesEchoServer implements EchoServer {
    private final AsynchronousChannelGroup group;
    private final AsynchronousServerSocketChannel server;
    private final Executor later;
    private final Errors errors = new Errors();

    /** Listens now. */
    FuturesEchoServer(long thinkMs) throws IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        group = AsynchronousChannelGroup.withFixedThreadPool(cores,
                Thread.ofPlatform().daemon().name("echo-futures-", 0).factory());
        later = CompletableFuture.delayedExecutor(thinkMs, TimeUnit.MILLISECONDS, Runnable::run);
        server = AsynchronousServerSocketChannel.open(group);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
        acceptLoop();
    }

    private void acceptLoop() {
        accept().whenComplete((ch, e) -> {
            if (e != null) {
                if (server.isOpen()) {
                    acceptLoop();
                }
                return;
            }
            acceptLoop();
            try {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException io) {
                BlockingEchoServer.closeQuietly(ch);
                return;
            }
            serve(ch, ByteBuffer.allocate(MAX_LINE));
        });
    }

    /** One request: read a line, wait, write it; then the next, until the chain fails (peer gone). */
    private void serve(AsynchronousSocketChannel ch, ByteBuffer in) {
        readLine(ch, in)
                .thenCompose(line -> CompletableFuture.supplyAsync(() -> line, later))
                .thenCompose(line -> write(ch, ByteBuffer.wrap(line)))
                .whenComplete((v, e) -> {
                    if (e == null) {
                        serve(ch, in);
                    } else {
                        BlockingEchoServer.closeQuietly(ch);
                    }
                });
    }

    private CompletableFuture<AsynchronousSocketChannel> accept() {
        CompletableFuture<AsynchronousSocketChannel> f = new CompletableFuture<>();
        server.accept(null, handler(f));
        return f;
    }

    /** The next line from {@code in} and then the channel, '\n' included. */
    private CompletableFuture<byte[]> readLine(AsynchronousSocketChannel ch, ByteBuffer in) {
        for (int i = 0; i < in.position(); i++) {
            if (in.get(i) == '\n') {
                byte[] line = new byte[i + 1];
                in.get(0, line);
                in.limit(in.position()).position(i + 1);
                in.compact();
                return CompletableFuture.completedFuture(line);
            }
        }
        if (!in.hasRemaining()) {
            errors.add();
            return CompletableFuture.failedFuture(new IOException("line longer than " + MAX_LINE + " bytes"));
        }
        CompletableFuture<Integer> read = new CompletableFuture<>();
        ch.read(in, null, handler(read));
        return read.thenCompose(n -> n < 0 ? CompletableFuture.failedFuture(new IOException("peer closed"))
                : readLine(ch, in));
    }

    private CompletableFuture<Void> write(AsynchronousSocketChannel ch, ByteBuffer out) {
        CompletableFuture<Integer> wrote = new CompletableFuture<>();
        ch.write(out, null, handler(wrote));
        return wrote.thenCompose(n -> out.hasRemaining() ? write(ch, out) : CompletableFuture.completedFuture(null));
    }

    private static <T> CompletionHandler<T, Void> handler(CompletableFuture<T> f) {
        return new CompletionHandler<>() {
            @Override
            public void completed(T result, Void a) {
                f.complete(result);
            }

            @Override
            public void failed(Throwable e, Void a) {
                f.completeExceptionally(e);
            }
        };
    }

    @Override
    public int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException("futures echo server: no local address", e);
        }
    }

    @Override
    public long errors() {
        return errors.get();
    }

    @Override
    public void close() {
        BlockingEchoServer.closeQuietly(server);
        try {
            group.shutdownNow();
            group.awaitTermination(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
