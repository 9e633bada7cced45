package dev.weft.bench.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.PriorityQueue;

/**
 * The lecture's epoll loop (a reactor): one platform thread, one NIO {@link Selector} over the listening channel and
 * every connection, non-blocking reads and writes, and the think time as a timer in the same loop: a complete line
 * goes into a queue ordered by when it is due, the loop's {@code select} waits at most until the first is due, and a
 * due line is written back (what the socket did not take waits for {@code OP_WRITE}). Every connection's state is an
 * explicit object ({@link Conn}): the "jumbled trains of thought" the lecture warns of, kept small here because the
 * protocol is.
 */
final class ReactorEchoServer implements EchoServer {
    private final Selector selector;
    private final ServerSocketChannel server;
    private final long thinkNanos;
    private final Errors errors = new Errors();
    private final PriorityQueue<Due> timers = new PriorityQueue<>();
    private final Thread loop;
    private volatile boolean running = true;
    private long sequence;

    /** A connection's state between events. */
    private static final class Conn {
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(MAX_LINE);
        ByteBuffer out;
        boolean closed;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }
    }

    /** A line to write back at {@code at} (nanoTime); {@code seq} keeps equal times in arrival order. */
    private record Due(long at, long seq, Conn conn, byte[] line) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** Listens now and starts the loop's thread. */
    ReactorEchoServer(long thinkMs) throws IOException {
        this.thinkNanos = thinkMs * 1_000_000L;
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        loop = Thread.ofPlatform().daemon().name("echo-reactor").start(this::run);
    }

    private void run() {
        try {
            while (running) {
                Due first = timers.peek();
                if (first == null) {
                    selector.select();
                } else {
                    long wait = first.at() - System.nanoTime();
                    if (wait <= 0) {
                        selector.selectNow();
                    } else {
                        selector.select(Math.max(1, (wait + 999_999) / 1_000_000));
                    }
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else {
                        Conn c = (Conn) key.attachment();
                        if (key.isReadable()) {
                            read(key, c);
                        }
                        if (!c.closed && key.isValid() && key.isWritable()) {
                            flush(key, c);
                        }
                    }
                }
                long now = System.nanoTime();
                while (!timers.isEmpty() && timers.peek().at() <= now) {
                    Due d = timers.poll();
                    if (!d.conn().closed) {
                        ByteBuffer pending = d.conn().out;
                        if (pending == null || !pending.hasRemaining()) {
                            d.conn().out = ByteBuffer.wrap(d.line());
                        } else { // the previous line is still going out: this one follows it
                            d.conn().out = ByteBuffer.allocate(pending.remaining() + d.line().length).put(pending)
                                    .put(d.line()).flip();
                        }
                        flush(d.conn().channel.keyFor(selector), d.conn());
                    }
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            // closed
        } finally {
            for (SelectionKey k : selector.keys()) {
                BlockingEchoServer.closeQuietly(k.channel());
            }
            BlockingEchoServer.closeQuietly(selector);
        }
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.register(selector, SelectionKey.OP_READ, new Conn(ch));
        }
    }

    private void read(SelectionKey key, Conn c) {
        int n;
        try {
            n = c.channel.read(c.in);
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0) {
            close(key, c);
            return;
        }
        // every complete line becomes a timer; what follows the last '\n' stays for the next read
        int start = 0;
        for (int i = 0; i < c.in.position(); i++) {
            if (c.in.get(i) == '\n') {
                byte[] line = new byte[i + 1 - start];
                c.in.get(start, line);
                timers.add(new Due(System.nanoTime() + thinkNanos, sequence++, c, line));
                start = i + 1;
            }
        }
        if (start > 0) {
            c.in.limit(c.in.position()).position(start);
            c.in.compact();
        } else if (!c.in.hasRemaining()) {
            errors.add(); // a line longer than MAX_LINE
            close(key, c);
        }
    }

    private void flush(SelectionKey key, Conn c) {
        try {
            c.channel.write(c.out);
        } catch (IOException e) {
            close(key, c);
            return;
        }
        key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    private void close(SelectionKey key, Conn c) {
        c.closed = true;
        key.cancel();
        BlockingEchoServer.closeQuietly(c.channel);
    }

    @Override
    public int port() {
        return server.socket().getLocalPort();
    }

    @Override
    public long errors() {
        return errors.get();
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
