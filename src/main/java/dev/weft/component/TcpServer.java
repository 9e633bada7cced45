package dev.weft.component;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP server as a component (Kamaelia's {@code ServerCore}/{@code SimpleServer}), on blocking sockets and virtual
 * threads, with no selector thread: an acceptor child blocks in {@code accept()}, and each accepted connection
 * becomes two more children, a connected-socket adapter (one virtual thread blocked in {@code read()}, one waiting to
 * write) and the <em>protocol</em> component the factory makes for it, linked both ways:
 *
 * <pre>
 *   socket bytes -&gt; adapter "outbox" -&gt; protocol "inbox"      protocol "outbox" -&gt; adapter "inbox" -&gt; socket
 *   peer closed  -&gt; adapter "signal" -&gt; protocol "control"    protocol "signal" -&gt; adapter "control" -&gt; socket closed
 * </pre>
 *
 * <pre>{@code
 * class Echo extends Component {
 *     protected void main() throws InterruptedException {
 *         for (Object line : messages()) {   // until the client closes (ProducerFinished) or Shutdown
 *             send(line);
 *         }
 *     }
 * }
 * try (var system = Components.open()) {
 *     TcpServer echo = new TcpServer(0, connection -> new Echo(), TcpServer.Options.defaults().withLineMode(true));
 *     system.start(echo);
 *     System.out.println("echo on port " + echo.port());
 *     system.join();
 * }
 * }</pre>
 *
 * <p><b>Messages.</b> By default the protocol receives {@code byte[]} chunks as they come off the socket; in line mode
 * ({@link Options#withLineMode}) it receives {@code String}s, one per line, decoded as UTF-8, without the line end. What
 * it sends is written: a {@code byte[]} as it is, anything else as its {@code toString()} in UTF-8, plus {@code "\n"}
 * in line mode.
 *
 * <p><b>A connection's life.</b> When the peer closes (or the connection breaks), the protocol receives
 * {@link ProducerFinished} on {@code "control"} after the last data. When the protocol ends, what it sent is written and
 * the socket closes. A client that connects and sends nothing, or half a line, costs its parked virtual threads (the
 * adapter's two and the protocol's) and nothing else: other clients are served as before.
 *
 * <p><b>Stopping.</b> {@link Shutdown} on {@code "control"} (as {@link ComponentSystem#close()} sends) closes the server
 * socket and every connection's socket at once, from the server's thread, which unblocks every {@code accept()} and
 * {@code read()}, and sends {@code Shutdown} to every adapter and protocol; the server ends when they all ended.
 * {@link ProducerFinished} on {@code "control"} stops accepting and lets the open connections finish: the server ends
 * when the last one ended (a {@code Shutdown} meanwhile still closes them at once). The server's {@code "inbox"} is
 * not used.
 *
 * <p><b>Failures.</b> Binding fails the server ({@link #port()} then throws); so does an error of {@code accept()} other
 * than its socket being closed, a factory that throws or returns null, and a protocol that fails (structured: the
 * failure cancels the server's other children and reaches its owner; protocols should handle their own errors). A
 * connection's I/O errors (a reset, a failed TLS handshake) are not failures: they end that connection (logged at
 * debug).
 *
 * <p><b>Network.</b> Binds the loopback address unless told otherwise ({@link Options#withAllInterfaces()},
 * {@link Options#withBindAddress}); speaks TLS when given an {@link SSLContext} ({@link Options#withSslContext}), the
 * handshake of each connection running on that connection's threads.
 *
 * <p><b>Threads.</b> {@link #port()}, {@link #address()}, {@link #openConnections()} and {@link #acceptedCount()} may be
 * called from any thread; the rest is the component's own, as for every {@link Component}.
 */
public final class TcpServer extends Component {
    private static final Logger LOG = LoggerFactory.getLogger(TcpServer.class);
    private static final Duration NO_LIMIT = Duration.ofNanos(-1);
    /** The acceptor's sockets arrive here. */
    private static final String ACCEPTED = "_accepted";
    /** The acceptor's signal arrives here when it ended. */
    private static final String ACCEPTOR_ENDED = "_acceptorEnded";

    private final int requestedPort;
    private final Function<? super Connection, ? extends Component> protocols;
    private final Options options;
    private final CompletableFuture<InetSocketAddress> listening = new CompletableFuture<>();
    private final Map<Long, Open> open = new ConcurrentHashMap<>();
    private volatile long acceptedCount;
    // The server's own thread only:
    private ServerSocket serverSocket;
    private boolean acceptorEnded = true;

    /** One open connection, as the stopping path needs it. */
    private record Open(Connection connection, ConnectedSocketAdapter adapter, Component protocol) {
    }

    /**
     * A server on {@code port} of the loopback address (0: any free port, see {@link #port()}) making one protocol
     * component per connection with {@code protocols}; plaintext, {@code byte[]} messages.
     */
    public TcpServer(int port, Function<? super Connection, ? extends Component> protocols) {
        this(port, protocols, Options.defaults());
    }

    /**
     * A server on {@code port} (0: any free port, see {@link #port()}) making one protocol component per connection
     * with {@code protocols}; {@code options} say where to bind, TLS, lines or bytes.
     *
     * @throws IllegalArgumentException if the port is outside 0..65535
     */
    public TcpServer(int port, Function<? super Connection, ? extends Component> protocols, Options options) {
        super(Objects.requireNonNull(options, "options").name);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("TCP server port must be in 0..65535, got " + port);
        }
        this.requestedPort = port;
        this.protocols = Objects.requireNonNull(protocols, "protocols");
        this.options = options;
        addInbox(ACCEPTED);
        addInbox(ACCEPTOR_ENDED);
    }

    /**
     * The port the server listens on, waiting until it is bound: with port 0 this is the one the system chose.
     *
     * @throws IllegalStateException if binding failed, or the server ended before it listened
     */
    public int port() throws InterruptedException {
        return address().getPort();
    }

    /**
     * The address the server listens on, waiting until it is bound.
     *
     * @throws IllegalStateException if binding failed, or the server ended before it listened
     */
    public InetSocketAddress address() throws InterruptedException {
        try {
            return listening.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("TCP server '" + path() + "' is not listening (port " + requestedPort
                    + "): " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The connections open now (accepted, and their adapter not yet ended), in no particular order. */
    public List<Connection> openConnections() {
        List<Connection> out = new ArrayList<>(open.size());
        for (Open o : open.values()) {
            out.add(o.connection);
        }
        return out;
    }

    /** How many connections were accepted so far. */
    public long acceptedCount() {
        return acceptedCount;
    }

    /** The options this server was made with. */
    public Options options() {
        return options;
    }

    @Override
    protected void main() throws Exception {
        try {
            serverSocket = bind();
        } catch (IOException | RuntimeException e) {
            listening.completeExceptionally(e);
            throw new IOException("TCP server '" + path() + "' cannot listen on " + options.bindAddress.getHostAddress()
                    + ":" + requestedPort + ": " + e.getMessage(), e);
        }
        listening.complete((InetSocketAddress) serverSocket.getLocalSocketAddress());
        LOG.debug("'{}' listening on {}", path(), serverSocket.getLocalSocketAddress());
        boolean finished = false;
        try {
            Acceptor acceptor = new Acceptor(serverSocket);
            Components.link(acceptor, OUTBOX, this, ACCEPTED);
            Components.link(acceptor, SIGNAL, this, ACCEPTOR_ENDED);
            acceptorEnded = false;
            addChildren(acceptor);
            serve();
            finished = true;
        } finally {
            stopAccepting();
            if (!finished) {
                closeAll(); // Shutdown, or a failure: every connection ends now
            }
        }
    }

    private ServerSocket bind() throws IOException {
        SSLContext ssl = options.sslContext;
        ServerSocket ss = ssl == null ? new ServerSocket() : ssl.getServerSocketFactory().createServerSocket();
        try {
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(options.bindAddress, requestedPort), options.backlog);
            return ss;
        } catch (IOException | RuntimeException e) {
            ss.close();
            throw e;
        }
    }

    /** Accepts until told to stop; returns once every connection ended after ProducerFinished. */
    private void serve() throws Exception {
        while (true) {
            awaitAny(NO_LIMIT);
            Optional<Object> c = poll(CONTROL);
            if (c.isPresent() && c.get() instanceof Shutdown s) {
                throw new ShutdownSignal(path(), s);
            }
            if (c.isPresent() && c.get() instanceof ProducerFinished p) {
                finish(p);
                return;
            }
            Optional<Object> socket = poll(ACCEPTED);
            if (socket.isPresent()) {
                connect((Socket) socket.get());
            }
            Optional<Object> acceptorEnd = poll(ACCEPTOR_ENDED);
            if (acceptorEnd.isPresent()) {
                acceptorEnded = true;
                if (acceptorEnd.get() instanceof Shutdown s) {
                    throw new ShutdownSignal(path(), s); // the acceptor failed: its failure reaches us as a child's
                }
                finish(new ProducerFinished("acceptor of '" + path() + "' ended"));
                return;
            }
            poll(INBOX); // not used: a message linked here is discarded
        }
    }

    /** Stops accepting, then waits until every connection ended (or a Shutdown arrives). */
    private void finish(ProducerFinished p) throws InterruptedException {
        Optional<Shutdown> shutdown = stopAccepting();
        if (shutdown.isPresent()) {
            throw new ShutdownSignal(path(), shutdown.get());
        }
        LOG.debug("'{}' stopped accepting ({}); {} connection(s) still open", path(), p, open.size());
        while (true) {
            Optional<Object> c = awaitChildrenOrControl();
            if (c.isEmpty()) {
                return;
            }
            if (c.get() instanceof Shutdown s) {
                throw new ShutdownSignal(path(), s);
            }
        }
    }

    /** Makes one connection's adapter and protocol, links them both ways, and starts them as children. */
    private void connect(Socket socket) {
        Connection connection;
        ConnectedSocketAdapter adapter;
        Component protocol;
        try {
            socket.setTcpNoDelay(true);
            long id = ++acceptedCount;
            connection = new Connection(id, (InetSocketAddress) socket.getRemoteSocketAddress(),
                    (InetSocketAddress) socket.getLocalSocketAddress(), options.sslContext != null);
            protocol = protocols.apply(connection);
            if (protocol == null) {
                throw new IllegalStateException("the protocol factory of TCP server '" + path()
                        + "' returned null for " + connection);
            }
            if (protocol.state() != State.NEW || protocol.parent() != null) {
                throw new IllegalStateException("the protocol factory of TCP server '" + path() + "' returned "
                        + protocol + " for " + connection + ", which already started or has a parent; it must "
                        + "make a new component for each connection");
            }
            adapter = new ConnectedSocketAdapter("connection-" + id, socket, options.framing(),
                    () -> open.remove(id));
            Components.link(adapter, OUTBOX, protocol, INBOX);
            Components.link(adapter, SIGNAL, protocol, CONTROL);
            Components.link(protocol, OUTBOX, adapter, INBOX);
            Components.link(protocol, SIGNAL, adapter, CONTROL);
        } catch (IOException e) {
            LOG.debug("'{}': accepted connection {} is already gone: {}", path(), socket, e.toString());
            SocketWriter.closeQuietly(socket);
            return;
        } catch (RuntimeException e) {
            SocketWriter.closeQuietly(socket);
            throw e;
        }
        open.put(connection.id(), new Open(connection, adapter, protocol));
        addChildren(adapter, protocol);
    }

    /**
     * Closes the server socket, waits for the acceptor to end (closing the sockets it still hands over), and returns
     * a Shutdown that arrived meanwhile, if any. Idempotent.
     */
    private Optional<Shutdown> stopAccepting() throws InterruptedException {
        if (serverSocket != null) {
            try {
                serverSocket.close();
            } catch (IOException e) {
                LOG.debug("'{}': closing the server socket failed: {}", path(), e.toString());
            }
        }
        Shutdown shutdown = null;
        while (true) {
            for (Optional<Object> s = poll(ACCEPTED); s.isPresent(); s = poll(ACCEPTED)) {
                SocketWriter.closeQuietly((Socket) s.get());
            }
            if (acceptorEnded || poll(ACCEPTOR_ENDED).isPresent()) {
                acceptorEnded = true;
                // the acceptor sent its last socket before its end signal: none is left behind
                for (Optional<Object> s = poll(ACCEPTED); s.isPresent(); s = poll(ACCEPTED)) {
                    SocketWriter.closeQuietly((Socket) s.get());
                }
                return Optional.ofNullable(shutdown);
            }
            awaitAny(NO_LIMIT);
            Optional<Object> c = poll(CONTROL);
            if (c.isPresent() && c.get() instanceof Shutdown s && shutdown == null) {
                shutdown = s;
            }
            poll(INBOX);
        }
    }

    /** Closes every open connection's socket (unblocking its reads and writes) and stops its components. */
    private void closeAll() {
        for (Open o : open.values()) {
            o.adapter.closeSocket();
            if (o.adapter.state() == State.RUNNING) {
                o.adapter.stop();
            }
            if (o.protocol.state() == State.RUNNING) {
                o.protocol.stop();
            }
        }
    }

    @Override
    public String toString() {
        InetSocketAddress a = listening.getNow(null);
        return "TcpServer[" + path() + ", " + (a == null ? "port " + requestedPort : a) + ", " + state() + "]";
    }

    /**
     * What a protocol factory learns about the connection it makes a protocol for: immutable, any thread. For a
     * chat-like server this names the peer; the id is unique per server, counting from 1.
     */
    public static final class Connection {
        private final long id;
        private final InetSocketAddress remote;
        private final InetSocketAddress local;
        private final boolean secure;

        Connection(long id, InetSocketAddress remote, InetSocketAddress local, boolean secure) {
            this.id = id;
            this.remote = remote;
            this.local = local;
            this.secure = secure;
        }

        /** The connection's number on its server, from 1. */
        public long id() {
            return id;
        }

        /** The peer's address and port. */
        public InetSocketAddress remoteAddress() {
            return remote;
        }

        /** The server's address and port for this connection. */
        public InetSocketAddress localAddress() {
            return local;
        }

        /** Whether the connection speaks TLS. */
        public boolean secure() {
            return secure;
        }

        @Override
        public String toString() {
            return "connection " + id + " from " + remote + (secure ? " (TLS)" : "");
        }
    }

    /**
     * Options of a {@link TcpServer}: immutable, made with {@code with…} methods from {@link #defaults()}. Defaults:
     * bind the loopback address, plaintext, {@code byte[]} messages, lines of at most 64 KiB in line mode, a backlog
     * of 50, the component named after its class.
     */
    public static final class Options {
        private static final Options DEFAULTS = new Options(null, InetAddress.getLoopbackAddress(), null, false,
                64 * 1024, 50);
        private final String name;
        private final InetAddress bindAddress;
        private final SSLContext sslContext;
        private final boolean lineMode;
        private final int maxLineLength;
        private final int backlog;

        private Options(String name, InetAddress bindAddress, SSLContext sslContext, boolean lineMode,
                int maxLineLength, int backlog) {
            this.name = name;
            this.bindAddress = bindAddress;
            this.sslContext = sslContext;
            this.lineMode = lineMode;
            this.maxLineLength = maxLineLength;
            this.backlog = backlog;
        }

        /** The defaults (see the class comment). */
        public static Options defaults() {
            return DEFAULTS;
        }

        /** The server component's name (non-blank, no {@code '/'}); null: named after its class. */
        public Options withName(String name) {
            return new Options(name, bindAddress, sslContext, lineMode, maxLineLength, backlog);
        }

        /** Binds {@code address} (the loopback address by default). */
        public Options withBindAddress(InetAddress address) {
            return new Options(name, Objects.requireNonNull(address, "bind address"), sslContext, lineMode,
                    maxLineLength, backlog);
        }

        /** Binds every interface (the wildcard address): an explicit choice, since it exposes the server. */
        public Options withAllInterfaces() {
            return withBindAddress(new InetSocketAddress(0).getAddress());
        }

        /**
         * Speaks TLS with server sockets from {@code context} (null: plaintext). Client authentication and the like
         * are the context's business.
         */
        public Options withSslContext(SSLContext context) {
            return new Options(name, bindAddress, context, lineMode, maxLineLength, backlog);
        }

        /** Line mode: protocols receive and send lines ({@code String}s) instead of {@code byte[]} chunks. */
        public Options withLineMode(boolean lines) {
            return new Options(name, bindAddress, sslContext, lines, maxLineLength, backlog);
        }

        /**
         * In line mode, the longest line accepted, in bytes: a longer one ends the connection's input (the protocol
         * receives {@link ProducerFinished}), so a peer cannot make the server buffer without end.
         */
        public Options withMaxLineLength(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("max line length must be >= 1, got " + bytes);
            }
            return new Options(name, bindAddress, sslContext, lineMode, bytes, backlog);
        }

        /** How many connections the system may queue before they are accepted. */
        public Options withBacklog(int backlog) {
            if (backlog < 1) {
                throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
            }
            return new Options(name, bindAddress, sslContext, lineMode, maxLineLength, backlog);
        }

        /** The address bound. */
        public InetAddress bindAddress() {
            return bindAddress;
        }

        /** The TLS context, if any. */
        public Optional<SSLContext> sslContext() {
            return Optional.ofNullable(sslContext);
        }

        /** Whether protocols receive and send lines. */
        public boolean lineMode() {
            return lineMode;
        }

        /** The longest line accepted in line mode, in bytes. */
        public int maxLineLength() {
            return maxLineLength;
        }

        /** The accept backlog. */
        public int backlog() {
            return backlog;
        }

        Framing framing() {
            return new Framing(lineMode, maxLineLength);
        }
    }
}
