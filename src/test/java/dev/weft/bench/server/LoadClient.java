package dev.weft.bench.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The load JVM of {@code ./weft bench server}: {@code LoadClient PORT CONNECTIONS SLOW_FRACTION WARMUP_MS MEASURE_MS
 * MAX_SECONDS} opens {@code CONNECTIONS} connections to 127.0.0.1:PORT from two selector threads (non-blocking, at
 * most 200 connects in flight per thread), and every connection then runs a closed loop: send a line,
 * wait for its echo, check it, send the next. A {@code SLOW_FRACTION} of them are slow clients (the lecture's
 * malicious client): they send their line one byte per second and are not counted in the latencies.
 *
 * <p>A connection is ready when its first echo came back (the server accepted it and serves it; a slow client
 * when it connected). When every connection is ready or failed (30 s at most) it prints {@code connected C failed F
 * ready R after S s}, waits {@code WARMUP_MS}, measures for {@code MEASURE_MS} (echoes that
 * arrive in that window: their count and their latency, send to echo), stops sending and prints a {@code result}
 * line; then keeps the connections open until {@code close} (or the end of input) arrives on standard input, and
 * closes them with {@code SO_LINGER 0} (a reset: no TIME_WAIT left on either side, however many runs). It exits by
 * itself after {@code MAX_SECONDS}.
 */
public final class LoadClient {
    private static final int WORKERS = 2;
    private static final int CONNECTS_IN_FLIGHT = 200;
    private static final long CONNECT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final InetSocketAddress address;
    private final CountDownLatch connectDone = new CountDownLatch(WORKERS);
    private final CountDownLatch reported = new CountDownLatch(WORKERS);
    private volatile long measureStart = Long.MAX_VALUE;
    private volatile long measureEnd = Long.MAX_VALUE;
    private volatile boolean stopSending;
    private volatile boolean closeAll;

    private LoadClient(int port) {
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** One connection's state. */
    private static final class Client {
        final int id;
        final boolean slow;
        SocketChannel channel;
        SelectionKey key;
        byte[] line;
        ByteBuffer out;
        final ByteBuffer in = ByteBuffer.allocate(64);
        long sentAt;
        int seq;
        boolean connected;
        boolean ready;
        boolean closed;

        Client(int id, boolean slow) {
            this.id = id;
            this.slow = slow;
        }
    }

    /** One selector thread's clients and counts. */
    private final class Worker implements Runnable {
        final List<Client> clients = new ArrayList<>();
        long[] latencies = new long[1 << 14];
        int latencyCount;
        long completed, ioErrors, mismatches, slowEchoes, connectFailed, connectedCount, readyCount, closedCount;
        volatile boolean connectPhaseDone;
        Selector selector;

        @Override
        public void run() {
            try (Selector sel = Selector.open()) {
                selector = sel;
                loop();
            } catch (IOException e) {
                System.err.println("load client: selector failed: " + e);
                ioErrors++;
            } finally {
                if (!connectPhaseDone) {
                    connectPhaseDone = true;
                    connectDone.countDown();
                }
                reported.countDown();
                for (Client c : clients) {
                    close(c);
                }
            }
        }

        private void loop() throws IOException {
            int next = 0, pending = 0;
            long connectDeadline = System.nanoTime() + CONNECT_NANOS;
            long nextSlowTick = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            boolean reportedResult = false;
            while (!closeAll) {
                while (next < clients.size() && pending < CONNECTS_IN_FLIGHT) {
                    Client c = clients.get(next++);
                    if (startConnect(c)) {
                        pending++;
                    }
                }
                selector.select(10);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Client c = (Client) key.attachment();
                    if (!key.isValid() || c.closed) {
                        continue;
                    }
                    if (key.isConnectable()) {
                        pending--;
                        try {
                            c.channel.finishConnect();
                            connected(c);
                        } catch (IOException e) {
                            connectFailed++;
                            close(c);
                        }
                        continue;
                    }
                    if (key.isReadable()) {
                        read(c);
                    }
                    if (!c.closed && key.isValid() && key.isWritable()) {
                        write(c);
                    }
                }
                long now = System.nanoTime();
                if (!connectPhaseDone && next == clients.size() && pending == 0
                        && readyCount + closedCount >= clients.size()) {
                    connectPhaseDone = true;
                    connectDone.countDown();
                }
                if (!connectPhaseDone && now > connectDeadline) {
                    for (Client c : clients) {
                        if (!c.connected && !c.closed) {
                            connectFailed++;
                            close(c);
                        }
                    }
                    next = clients.size();
                    pending = 0;
                    connectPhaseDone = true; // the connected ones not yet answered go on, counted as not ready
                    connectDone.countDown();
                }
                if (now >= nextSlowTick) {
                    nextSlowTick += TimeUnit.SECONDS.toNanos(1);
                    for (Client c : clients) {
                        if (c.slow && c.connected && !c.closed && c.out != null && c.out.hasRemaining()) {
                            trickle(c);
                        }
                    }
                }
                if (stopSending && !reportedResult) {
                    reportedResult = true;
                    reported.countDown();
                }
            }
        }

        /** Starts a connect; false if it completed or failed at once. */
        private boolean startConnect(Client c) {
            try {
                c.channel = SocketChannel.open();
                c.channel.configureBlocking(false);
                c.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (c.channel.connect(address)) {
                    connected(c);
                    return false;
                }
                c.key = c.channel.register(selector, SelectionKey.OP_CONNECT, c);
                return true;
            } catch (IOException e) {
                connectFailed++;
                close(c);
                return false;
            }
        }

        private void connected(Client c) throws IOException {
            c.connected = true;
            connectedCount++;
            if (c.slow) { // a slow client never gets an echo in time: ready once connected
                c.ready = true;
                readyCount++;
            }
            if (c.key == null) {
                c.key = c.channel.register(selector, SelectionKey.OP_READ, c);
            } else {
                c.key.interestOps(SelectionKey.OP_READ);
            }
            send(c);
        }

        private void send(Client c) {
            if (stopSending) {
                return;
            }
            c.line = String.format(Locale.ROOT, "%08d %08d\n", c.id, c.seq++).getBytes(StandardCharsets.US_ASCII);
            c.out = ByteBuffer.wrap(c.line);
            c.sentAt = System.nanoTime();
            if (c.slow) {
                trickle(c);
            } else {
                write(c);
            }
        }

        /** A slow client's next byte. */
        private void trickle(Client c) {
            ByteBuffer one = c.out.slice(c.out.position(), 1);
            try {
                if (c.channel.write(one) == 1) {
                    c.out.position(c.out.position() + 1);
                }
            } catch (IOException e) {
                ioErrors++;
                close(c);
            }
        }

        private void write(Client c) {
            try {
                c.channel.write(c.out);
                c.key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
                        : SelectionKey.OP_READ);
            } catch (IOException e) {
                ioErrors++;
                close(c);
            }
        }

        private void read(Client c) {
            int n;
            try {
                n = c.channel.read(c.in);
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                if (!closeAll) {
                    ioErrors++;
                }
                close(c);
                return;
            }
            int end = -1;
            for (int i = 0; i < c.in.position(); i++) {
                if (c.in.get(i) == '\n') {
                    end = i;
                    break;
                }
            }
            if (end < 0) {
                if (!c.in.hasRemaining()) {
                    mismatches++;
                    close(c);
                }
                return;
            }
            long now = System.nanoTime();
            byte[] got = new byte[end + 1];
            c.in.get(0, got);
            c.in.limit(c.in.position()).position(end + 1);
            c.in.compact();
            if (!Arrays.equals(got, c.line)) {
                mismatches++;
            } else if (!c.ready) {
                c.ready = true; // its first echo: the server has accepted it and serves it
                readyCount++;
            } else if (c.slow) {
                slowEchoes++;
            } else if (now >= measureStart && now < measureEnd) {
                completed++;
                if (latencyCount == latencies.length) {
                    latencies = Arrays.copyOf(latencies, latencies.length * 2);
                }
                latencies[latencyCount++] = now - c.sentAt;
            }
            send(c);
        }

        private void close(Client c) {
            if (!c.closed) {
                closedCount++;
            }
            c.closed = true;
            if (c.channel != null) {
                try {
                    c.channel.close(); // SO_LINGER 0: a reset, no TIME_WAIT
                } catch (IOException e) {
                    // closing
                }
            }
        }
    }

    /** Runs as the class comment says. */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int connections = Integer.parseInt(args[1]);
        double slowFraction = Double.parseDouble(args[2]);
        long warmupMs = Long.parseLong(args[3]);
        long measureMs = Long.parseLong(args[4]);
        long maxSeconds = Long.parseLong(args[5]);
        Thread.ofPlatform().daemon().name("client-deadline").start(() -> {
            try {
                Thread.sleep(maxSeconds * 1000); // the client's own time limit: it halts if it runs past it
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("load client: ran past " + maxSeconds + " s, exiting");
            Runtime.getRuntime().halt(3);
        });
        new LoadClient(port).run(connections, slowFraction, warmupMs, measureMs);
        System.exit(0);
    }

    private void run(int connections, double slowFraction, long warmupMs, long measureMs) throws Exception {
        int slow = (int) Math.round(connections * slowFraction);
        List<Worker> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            workers.add(new Worker());
        }
        for (int i = 0; i < connections; i++) {
            // slow clients spread evenly over the ids: every (connections/slow)-th one
            boolean isSlow = slow > 0 && (long) i * slow / connections != (long) (i + 1) * slow / connections;
            workers.get(i % WORKERS).clients.add(new Client(i, isSlow));
        }
        List<Thread> threads = new ArrayList<>();
        for (Worker w : workers) {
            threads.add(Thread.ofPlatform().name("load-" + threads.size()).start(w));
        }
        long began = System.nanoTime();
        connectDone.await(CONNECT_NANOS + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
        double readySeconds = (System.nanoTime() - began) / 1e9;
        long connected = workers.stream().mapToLong(w -> w.connectedCount).sum();
        long failed = workers.stream().mapToLong(w -> w.connectFailed).sum();
        long ready = workers.stream().mapToLong(w -> w.readyCount).sum();
        System.out.printf(Locale.ROOT, "connected %d failed %d ready %d after %.3f s%n", connected, failed, ready,
                readySeconds);
        System.out.flush();
        Thread.sleep(warmupMs); // the untimed warm-up window: the load runs meanwhile on the worker threads
        long start = System.nanoTime();
        measureStart = start;
        Thread.sleep(measureMs); // the timed window being measured, not synchronisation
        long end = System.nanoTime();
        measureEnd = end;
        stopSending = true;
        reported.await(10, TimeUnit.SECONDS);
        long[] all = new long[0];
        long completed = 0, ioErrors = 0, mismatches = 0, slowEchoes = 0;
        connected = 0;
        failed = 0;
        for (Worker w : workers) {
            int from = all.length;
            all = Arrays.copyOf(all, from + w.latencyCount);
            System.arraycopy(w.latencies, 0, all, from, w.latencyCount);
            completed += w.completed;
            ioErrors += w.ioErrors;
            mismatches += w.mismatches;
            slowEchoes += w.slowEchoes;
            connected += w.connectedCount;
            failed += w.connectFailed;
        }
        Arrays.sort(all);
        System.out.printf(Locale.ROOT, "result completed=%d seconds=%.6f p50=%d p99=%d max=%d ioErrors=%d "
                        + "mismatches=%d slowEchoes=%d slow=%d connected=%d connectFailed=%d notReady=%d ready=%.6f%n",
                completed,
                (end - start) / 1e9, percentile(all, 0.50), percentile(all, 0.99),
                all.length == 0 ? -1 : all[all.length - 1], ioErrors, mismatches, slowEchoes, slow, connected, failed,
                connected - ready, readySeconds);
        System.out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null && !line.equals("close"); line = in.readLine()) {
                // nothing else is asked of it
            }
        }
        closeAll = true;
        for (Thread t : threads) {
            t.join(5_000);
        }
    }

    /** The q-quantile of sorted values (nearest rank), or -1 for none. */
    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
