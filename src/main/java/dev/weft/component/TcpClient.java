package dev.weft.component;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP client as a component (Kamaelia's {@code TCPClient}), on a blocking socket and virtual threads: what arrives
 * on {@value #INBOX} is written to the socket, what the socket delivers is sent on {@value #OUTBOX}.
 *
 * <pre>{@code
 * // print what a line-mode server says, until it closes the connection
 * Pipeline.of(new TcpClient("127.0.0.1", port, TcpClient.Options.defaults().withLineMode(true)),
 *         new Component() {
 *             protected void main() {
 *                 for (Object line : messages()) {
 *                     System.out.println(line);
 *                 }
 *             }
 *         }).run();
 * }</pre>
 *
 * <p><b>Messages.</b> By default {@value #OUTBOX} carries {@code byte[]} chunks as they come off the socket; in line
 * mode ({@link Options#withLineMode}) {@code String}s, one per line, decoded as UTF-8, without the line end. What
 * arrives on {@value #INBOX} is written: a {@code byte[]} as it is, anything else as its {@code toString()} in UTF-8,
 * plus {@code "\n"} in line mode.
 *
 * <p><b>Life.</b> The client connects when it starts (a failure to connect, or a failed TLS handshake, fails it,
 * naming the host and port). It ends when the server closes the connection (after the last data: then
 * {@link ProducerFinished} on {@value #SIGNAL}). {@link ProducerFinished} on {@value #CONTROL}: what waits in
 * {@value #INBOX} is written, then the output is shut down (the server reads the end of the stream), and the client
 * keeps delivering what the server still sends until the server closes. {@link Shutdown} on {@value #CONTROL}: the
 * socket closes at once and the client ends, forwarding the {@code Shutdown}. Idle, it is two parked virtual threads:
 * its own on its inboxes and a reader child on the socket. (A write blocked because the server does not read holds
 * the client's thread; a {@code Shutdown} is then seen when the write ends, or the system's close cancels it.)
 *
 * <p><b>TLS.</b> Given an {@link SSLContext} ({@link Options#withSslContext}), the client layers TLS over the
 * connection, checks the server's certificate against {@code host} (as HTTPS does; {@link
 * Options#withHostnameVerification} turns that off) and completes the handshake before it reads or writes.
 *
 * <p><b>Threads.</b> As every {@link Component}: {@link #deliver}, {@link #stop()}, {@link #join()} and the views from
 * any thread, the rest from its own.
 */
public final class TcpClient extends Component {
    private static final Logger LOG = LoggerFactory.getLogger(TcpClient.class);
    private static final Duration NO_LIMIT = Duration.ofNanos(-1);
    /** The reader child's signal arrives here when the server closed the connection. */
    private static final String READER_ENDED = "_readerEnded";

    private final String host;
    private final int port;
    private final Options options;

    /** A plaintext client of {@code host}:{@code port} exchanging {@code byte[]} messages. */
    public TcpClient(String host, int port) {
        this(host, port, Options.defaults());
    }

    /**
     * A client of {@code host}:{@code port} with {@code options} (TLS, lines or bytes, connect timeout).
     *
     * @throws IllegalArgumentException if the port is outside 1..65535
     */
    public TcpClient(String host, int port, Options options) {
        super(Objects.requireNonNull(options, "options").name);
        this.host = Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("TCP client port must be in 1..65535, got " + port);
        }
        this.port = port;
        this.options = options;
        addInbox(READER_ENDED);
    }

    /** The host this client connects to. */
    public String host() {
        return host;
    }

    /** The port this client connects to. */
    public int port() {
        return port;
    }

    /** The options this client was made with. */
    public Options options() {
        return options;
    }

    @Override
    protected void main() throws Exception {
        Framing framing = new Framing(options.lineMode, options.maxLineLength);
        Socket socket = connect();
        SocketWriter writer = new SocketWriter(socket, framing, path());
        try {
            SocketReader reader = new SocketReader("reader", socket, framing);
            // A child added while running starts at once, so its links are made first; Components.link would not
            // yet see this as its parent, hence the pass-through is named explicitly.
            Links.link(Linkage.Kind.OUTBOX_PASSTHROUGH, reader, OUTBOX, this, OUTBOX, Delivery.BLOCK);
            Components.link(reader, SIGNAL, this, READER_ENDED);
            addChildren(reader);
            ProducerFinished finishing = null;
            boolean outputOpen = true;
            while (true) {
                awaitAny(NO_LIMIT);
                Optional<Object> c = poll(CONTROL);
                if (c.isPresent() && c.get() instanceof Shutdown s) {
                    throw new ShutdownSignal(path(), s);
                }
                if (c.isPresent() && c.get() instanceof ProducerFinished p && finishing == null) {
                    finishing = p;
                }
                Optional<Object> m = poll(INBOX);
                if (m.isPresent()) {
                    if (outputOpen) {
                        outputOpen = writer.write(m.get(), !dataReady(INBOX));
                    } else {
                        LOG.debug("'{}': {} arrived after the output ended; not written", path(), m.get());
                    }
                }
                if (poll(READER_ENDED).isPresent()) {
                    if (finishing != null) {
                        throw new ShutdownSignal(path(), finishing);
                    }
                    return; // the server closed the connection
                }
                if (finishing != null && outputOpen && !dataReady(INBOX)) {
                    writer.shutdownOutput();
                    outputOpen = false;
                }
            }
        } finally {
            writer.close();
        }
    }

    private Socket connect() throws IOException, InterruptedException {
        Socket plain = new Socket();
        int timeout = (int) Math.min(Integer.MAX_VALUE, Math.max(1, options.connectTimeout.toMillis()));
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), timeout);
            SSLContext ssl = options.sslContext;
            if (ssl == null) {
                return plain;
            }
            SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket(plain, host, port, true);
            if (options.hostnameVerification) {
                SSLParameters p = s.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(p);
            }
            s.setSoTimeout(timeout); // the handshake waits no longer than the connect may
            s.startHandshake();
            s.setSoTimeout(0);
            return s;
        } catch (IOException | RuntimeException e) {
            SocketWriter.closeQuietly(plain);
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("'" + path() + "' interrupted while connecting to " + host + ":"
                        + port);
            }
            throw new IOException("TCP client '" + path() + "' cannot connect to " + host + ":" + port
                    + (options.sslContext != null ? " (TLS)" : "") + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "TcpClient[" + path() + ", " + host + ":" + port + ", " + state() + "]";
    }

    /**
     * Options of a {@link TcpClient}: immutable, made with {@code with…} methods from {@link #defaults()}. Defaults:
     * plaintext, {@code byte[]} messages, lines of at most 64 KiB in line mode, a 10 s connect timeout, host names
     * verified under TLS, the component named after its class.
     */
    public static final class Options {
        private static final Options DEFAULTS = new Options(null, null, true, false, 64 * 1024,
                Duration.ofSeconds(10));
        private final String name;
        private final SSLContext sslContext;
        private final boolean hostnameVerification;
        private final boolean lineMode;
        private final int maxLineLength;
        private final Duration connectTimeout;

        private Options(String name, SSLContext sslContext, boolean hostnameVerification, boolean lineMode,
                int maxLineLength, Duration connectTimeout) {
            this.name = name;
            this.sslContext = sslContext;
            this.hostnameVerification = hostnameVerification;
            this.lineMode = lineMode;
            this.maxLineLength = maxLineLength;
            this.connectTimeout = connectTimeout;
        }

        /** The defaults (see the class comment). */
        public static Options defaults() {
            return DEFAULTS;
        }

        /** The client component's name (non-blank, no {@code '/'}); null: named after its class. */
        public Options withName(String name) {
            return new Options(name, sslContext, hostnameVerification, lineMode, maxLineLength, connectTimeout);
        }

        /** Speaks TLS with sockets from {@code context}, which decides whom to trust (null: plaintext). */
        public Options withSslContext(SSLContext context) {
            return new Options(name, context, hostnameVerification, lineMode, maxLineLength, connectTimeout);
        }

        /**
         * Whether, under TLS, the server's certificate must name the host connected to (as HTTPS checks it; on by
         * default). Turning it off trusts any certificate the context trusts, for any host.
         */
        public Options withHostnameVerification(boolean verify) {
            return new Options(name, sslContext, verify, lineMode, maxLineLength, connectTimeout);
        }

        /** Line mode: the client receives and sends lines ({@code String}s) instead of {@code byte[]} chunks. */
        public Options withLineMode(boolean lines) {
            return new Options(name, sslContext, hostnameVerification, lines, maxLineLength, connectTimeout);
        }

        /** In line mode, the longest line accepted, in bytes: a longer one ends the input as if the server closed. */
        public Options withMaxLineLength(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("max line length must be >= 1, got " + bytes);
            }
            return new Options(name, sslContext, hostnameVerification, lineMode, bytes, connectTimeout);
        }

        /** How long connecting (and the TLS handshake) may take before the client fails. */
        public Options withConnectTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connect timeout must be > 0, got " + timeout);
            }
            return new Options(name, sslContext, hostnameVerification, lineMode, maxLineLength, timeout);
        }

        /** The TLS context, if any. */
        public Optional<SSLContext> sslContext() {
            return Optional.ofNullable(sslContext);
        }

        /** Whether host names are verified under TLS. */
        public boolean hostnameVerification() {
            return hostnameVerification;
        }

        /** Whether the client receives and sends lines. */
        public boolean lineMode() {
            return lineMode;
        }

        /** The longest line accepted in line mode, in bytes. */
        public int maxLineLength() {
            return maxLineLength;
        }

        /** The connect timeout. */
        public Duration connectTimeout() {
            return connectTimeout;
        }
    }
}
