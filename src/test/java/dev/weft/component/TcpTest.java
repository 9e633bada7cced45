package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TcpServer and TcpClient on 127.0.0.1, port 0 only. TLS uses a self-signed certificate (EC P-256, CN=localhost,
 * SAN ip:127.0.0.1) that {@code keytool} from the running JDK generates into a temporary PKCS12 keystore once per
 * class: nothing secret is committed.
 */
@Timeout(60)
class TcpTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final TcpServer.Options LINES = TcpServer.Options.defaults().withLineMode(true);
    private static final TcpClient.Options CLIENT_LINES = TcpClient.Options.defaults().withLineMode(true);

    @TempDir
    static Path keys;
    static SSLContext serverTls;
    static SSLContext clientTls;

    /** Sends back what it receives, until the peer closes (ProducerFinished) or Shutdown. */
    static final class Echo extends Component {
        @Override
        protected void main() throws InterruptedException {
            while (true) {
                send(receive()); // receive() ends the loop with ShutdownSignal
            }
        }
    }

    /** Kamaelia's fortune-cookie protocol: sends one line, then ends (the server closes the connection). */
    static final class Fortune extends Component {
        private final String line;

        Fortune(String line) {
            this.line = line;
        }

        @Override
        protected void main() throws InterruptedException {
            send(line);
        }
    }

    /** Collects what arrives until ProducerFinished or Shutdown. */
    static final class Sink extends Component {
        final List<Object> got = new CopyOnWriteArrayList<>();

        @Override
        protected void main() {
            for (Object m : messages()) {
                got.add(m);
            }
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Object o : got) {
                out.writeBytes((byte[]) o);
            }
            return out.toByteArray();
        }
    }

    @BeforeAll
    static void makeCertificate() throws Exception {
        Path store = keys.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "weft", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit",
                "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool ended").isTrue();
        assertThat(p.exitValue()).as("keytool: %s", output).isZero();

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("weft", ks.getCertificate("weft"));
        clientTls = contextTrusting(trust);
    }

    private static SSLContext contextTrusting(KeyStore trust) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    /** Every component of the tree under {@code c} ended normally: none was left running or cancelled. */
    private static void assertAllSucceeded(Component c) {
        assertThat(c.state()).as("state of %s", c.path()).isEqualTo(Component.State.SUCCEEDED);
        for (Component child : c.childComponents()) {
            assertAllSucceeded(child);
        }
    }

    private static List<String> lines(int n, String prefix) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i + " \u00e9\u4e2d"); // non-ASCII: UTF-8 both ways
        }
        return out;
    }

    @Test
    void echoRoundTripInLineMode() throws Exception {
        TcpServer server = new TcpServer(0, c -> new Echo(), LINES);
        Sink sink = new Sink();
        List<String> sent = lines(500, "line ");
        try (var system = Components.open()) {
            system.start(server);
            TcpClient client = new TcpClient("127.0.0.1", server.port(), CLIENT_LINES);
            Pipeline p = Pipeline.of(Components.source(sent), client, sink);
            system.start(p);
            // Source ends -> ProducerFinished -> the client writes, half-closes; the echo sees the end, ends; the
            // server closes; the client reads the end and ends; the sink ends.
            p.join();
            assertThat(client.state()).isEqualTo(Component.State.SUCCEEDED);
        }
        assertThat(sink.got).containsExactlyElementsOf(sent);
        assertThat(server.acceptedCount()).isEqualTo(1);
        assertThat(server.openConnections()).isEmpty();
        assertAllSucceeded(server);
    }

    @Test
    void echoRoundTripOfBytesKeepsOrderUnderBackpressure() throws Exception {
        TcpServer server = new TcpServer(0, c -> new Echo());
        Sink sink = new Sink();
        Random random = new Random(14);
        List<byte[]> chunks = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < 256; i++) {
            byte[] b = new byte[1 + random.nextInt(16 * 1024)];
            random.nextBytes(b);
            chunks.add(b);
            all.writeBytes(b);
        }
        try (var system = Components.open()) {
            system.start(server);
            Pipeline p = Pipeline.of(Components.source(chunks), new TcpClient("127.0.0.1", server.port()), sink);
            system.start(p);
            p.join();
        }
        assertThat(sink.bytes()).isEqualTo(all.toByteArray());
        assertAllSucceeded(server);
    }

    @Test
    void fortuneServerSendsALineAndClosesAndTheClientEnds() throws Exception {
        TcpServer server = new TcpServer(0, c -> new Fortune("Hello from connection " + c.id()), LINES);
        try (var system = Components.open()) {
            system.start(server);
            for (int i = 1; i <= 3; i++) {
                Sink sink = new Sink();
                TcpClient client = new TcpClient("127.0.0.1", server.port(), CLIENT_LINES);
                Pipeline p = Pipeline.of(client, sink); // the client is sent nothing: it only listens
                system.start(p);
                p.join();
                assertThat(sink.got).containsExactly("Hello from connection " + i);
                assertThat(client.state()).isEqualTo(Component.State.SUCCEEDED);
            }
        }
        assertAllSucceeded(server);
    }

    @Test
    void idleAndStalledClientsDoNotKeepOthersWaiting() throws Exception {
        int idle = 150; // 200 in all: connecting is slow on some sandboxes (about 10 ms a connect)
        int stalled = 50;
        CountDownLatch protocols = new CountDownLatch(idle + stalled);
        TcpServer server = new TcpServer(0, c -> {
            protocols.countDown();
            return new Echo();
        }, LINES);
        List<Socket> raw = new ArrayList<>();
        try (var system = Components.open()) {
            system.start(server);
            int port = server.port();
            for (int i = 0; i < idle; i++) {
                raw.add(new Socket(InetAddress.getLoopbackAddress(), port)); // connects, never sends
            }
            for (int i = 0; i < stalled; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                s.getOutputStream().write("half a li".getBytes(StandardCharsets.UTF_8)); // and stalls
                s.getOutputStream().flush();
                raw.add(s);
            }
            protocols.await(); // every idle and stalled connection has its protocol

            Sink sink = new Sink();
            Pipeline p = Pipeline.of(Components.source(List.of("ping")), new TcpClient("127.0.0.1", port, CLIENT_LINES),
                    sink);
            system.start(p);
            p.join();
            assertThat(sink.got).containsExactly("ping");
            assertThat(server.openConnections()).as("the idle and stalled connections are still open")
                    .filteredOn(c -> c.id() <= idle + stalled).hasSize(idle + stalled);
        } finally {
            for (Socket s : raw) {
                s.close();
            }
        }
        assertAllSucceeded(server);
    }

    @Test
    void closingTheSystemClosesEveryConnectionAndEndsEveryThread() throws Exception {
        int n = 20;
        CountDownLatch protocols = new CountDownLatch(n);
        TcpServer server = new TcpServer(0, c -> {
            protocols.countDown();
            return new Echo();
        }, LINES);
        List<Socket> raw = new ArrayList<>();
        try {
            try (var system = Components.open()) {
                system.start(server);
                for (int i = 0; i < n; i++) {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
                    s.setSoTimeout(30_000); // a safety net only: the reads below end when the server closes
                    raw.add(s);
                }
                protocols.await();
                // close(): Shutdown to the server, which closes its socket (unblocking accept) and every connection's
                // socket (unblocking each read) from its own thread.
            }
            for (Socket s : raw) {
                assertThat(readToEnd(s)).as("the server closed the connection").isTrue();
            }
            assertThat(server.openConnections()).isEmpty();
            assertAllSucceeded(server);
            try (Socket refused = new Socket()) {
                assertThatThrownBy(() -> refused.connect(server.address()))
                        .as("nothing listens any more").isInstanceOf(ConnectException.class);
            }
        } finally {
            for (Socket s : raw) {
                s.close();
            }
        }
    }

    /** Reads until the end of the stream; true if it ended (or was reset: the peer closed either way). */
    private static boolean readToEnd(Socket s) throws IOException {
        try {
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // discard
            }
            return true;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Test
    void serverStopClosesConnectionsOfBlockedProtocols() throws Exception {
        // Protocols that never read: only the server's own closing of the sockets ends the adapters' reads.
        CountDownLatch protocols = new CountDownLatch(3);
        TcpServer server = new TcpServer(0, c -> new Component() {
            @Override
            protected void main() throws InterruptedException {
                protocols.countDown();
                receive(CONTROL); // any control message ends it
            }
        });
        List<Socket> raw = new ArrayList<>();
        try (var system = Components.open()) {
            system.start(server);
            for (int i = 0; i < 3; i++) {
                raw.add(new Socket(InetAddress.getLoopbackAddress(), server.port()));
            }
            protocols.await();
            server.stop();
            system.join();
            for (Socket s : raw) {
                assertThat(readToEnd(s)).isTrue();
            }
        } finally {
            for (Socket s : raw) {
                s.close();
            }
        }
        assertAllSucceeded(server);
    }

    /** A protocol that writes until told to stop, without ever receiving: its sends block once the peer stops reading. */
    static final class Flood extends Component {
        private final CountDownLatch writing;

        Flood(CountDownLatch writing) {
            this.writing = writing;
        }

        @Override
        protected void main() throws InterruptedException {
            byte[] chunk = new byte[64 * 1024];
            for (int sent = 0; !dataReady(CONTROL); sent++) {
                send(chunk);
                if (sent == 0) {
                    writing.countDown();
                }
            }
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void stoppingEndsWritesBlockedOnAPeerThatDoesNotRead(boolean tls) throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        TcpServer server = new TcpServer(0, c -> new Flood(writing),
                TcpServer.Options.defaults().withSslContext(tls ? serverTls : null));
        Socket raw = null;
        try (var system = Components.open()) {
            system.start(server);
            if (tls) {
                SSLSocket s = (SSLSocket) clientTls.getSocketFactory()
                        .createSocket(InetAddress.getLoopbackAddress(), server.port());
                s.startHandshake();
                raw = s;
            } else {
                raw = new Socket(InetAddress.getLoopbackAddress(), server.port());
            }
            writing.await(); // and the client never reads: once the adapter's inbox stays full, its write is blocked
            Component adapter = server.childComponents().stream().filter(c -> c.name().startsWith("connection-"))
                    .findFirst().orElseThrow();
            while (adapter.queued(Component.INBOX) < Component.DEFAULT_CAPACITY) {
                Thread.yield();
            }
        } finally {
            if (raw != null) {
                raw.close();
            }
        }
        assertAllSucceeded(server);
    }

    @Test
    void stoppingEndsAStalledTlsHandshake() throws Exception {
        CountDownLatch protocols = new CountDownLatch(1);
        TcpServer server = new TcpServer(0, c -> {
            protocols.countDown();
            return new Fortune("never read"); // its write waits for a handshake that never comes
        }, LINES.withSslContext(serverTls));
        try (var system = Components.open(); Socket raw = new Socket()) {
            system.start(server);
            raw.connect(server.address());
            protocols.await(); // connected in plaintext, and silent
        }
        assertAllSucceeded(server);
    }

    @Test
    void producerFinishedStopsAcceptingAndLetsOpenConnectionsFinish() throws Exception {
        CountDownLatch protocols = new CountDownLatch(1);
        TcpServer server = new TcpServer(0, c -> {
            protocols.countDown();
            return new Echo();
        }, LINES);
        try (var system = Components.open()) {
            system.start(server);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                protocols.await();
                server.deliver(new ProducerFinished("no more clients"), Component.CONTROL);
                assertThat(server.join(Duration.ofMillis(200))).as("the open connection keeps the server").isFalse();
                OutputStream out = s.getOutputStream();
                out.write("still served\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                byte[] back = s.getInputStream().readNBytes("still served\n".length());
                assertThat(new String(back, StandardCharsets.UTF_8)).isEqualTo("still served\n");
            } // closing it ends the echo, the connection, and so the server
            server.join();
            system.join();
        }
        assertAllSucceeded(server);
        try (Socket refused = new Socket()) {
            assertThatThrownBy(() -> refused.connect(server.address())).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void clientShutdownClosesItsSocketAndTheServerSideEnds() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        TcpServer server = new TcpServer(0, c -> new Component() {
            @Override
            protected void main() {
                started.countDown();
                try {
                    for (Object m : messages()) {
                        assertThat(m).isNotNull();
                    }
                } finally {
                    ended.countDown();
                }
            }
        }, LINES);
        try (var system = Components.open()) {
            system.start(server);
            TcpClient client = new TcpClient("127.0.0.1", server.port(), CLIENT_LINES);
            Sink afterClient = new Sink();
            Components.link(client, Component.SIGNAL, afterClient, Component.CONTROL);
            system.start(client).start(afterClient);
            started.await();
            client.stop();
            client.join();
            ended.await(); // the server's protocol saw the end of the stream
            afterClient.join();
            assertThat(afterClient.state()).isEqualTo(Component.State.SUCCEEDED);
        }
        assertAllSucceeded(server);
    }

    @Test
    void tlsRoundTripWithASelfSignedCertificate() throws Exception {
        TcpServer server = new TcpServer(0, c -> {
            assertThat(c.secure()).isTrue();
            return new Echo();
        }, LINES.withSslContext(serverTls));
        Sink sink = new Sink();
        List<String> sent = lines(100, "secret ");
        try (var system = Components.open()) {
            system.start(server);
            TcpClient client = new TcpClient("127.0.0.1", server.port(), CLIENT_LINES.withSslContext(clientTls));
            Pipeline p = Pipeline.of(Components.source(sent), client, sink);
            system.start(p);
            p.join();
        }
        assertThat(sink.got).containsExactlyElementsOf(sent);
        assertAllSucceeded(server);
    }

    @Test
    void tlsFortuneServerWritesFirst() throws Exception {
        TcpServer server = new TcpServer(0, c -> new Fortune("over TLS"), LINES.withSslContext(serverTls));
        Sink sink = new Sink();
        try (var system = Components.open()) {
            system.start(server);
            Pipeline p = Pipeline.of(new TcpClient("127.0.0.1", server.port(), CLIENT_LINES.withSslContext(clientTls)),
                    sink);
            system.start(p);
            p.join();
        }
        assertThat(sink.got).containsExactly("over TLS");
        assertAllSucceeded(server);
    }

    @Test
    void tlsClientThatDoesNotTrustTheServerFailsNamingTheServer() throws Exception {
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        SSLContext trustsNothing = contextTrusting(empty);
        TcpServer server = new TcpServer(0, c -> new Echo(), LINES.withSslContext(serverTls));
        try (var system = Components.open()) {
            system.start(server);
            TcpClient client = new TcpClient("127.0.0.1", server.port(),
                    CLIENT_LINES.withSslContext(trustsNothing).withName("doubter"));
            assertThatThrownBy(client::run).isInstanceOf(ComponentFailedException.class)
                    .hasMessageContaining("doubter")
                    .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("cannot connect to 127.0.0.1:")
                            .hasMessageContaining("TLS"));
            // the server is unharmed: a trusting client is served
            Sink sink = new Sink();
            Pipeline p = Pipeline.of(Components.source(List.of("after")),
                    new TcpClient("127.0.0.1", server.port(), CLIENT_LINES.withSslContext(clientTls)), sink);
            system.start(p);
            p.join();
            assertThat(sink.got).containsExactly("after");
        }
        assertAllSucceeded(server);
    }

    @Test
    void clientThatCannotConnectFailsNamingHostAndPort() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // free once closed (another test could take it: then this test says so)
        }
        TcpClient client = new TcpClient("127.0.0.1", port);
        assertThatThrownBy(client::run).isInstanceOf(ComponentFailedException.class)
                .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("cannot connect to 127.0.0.1:" + port));
    }

    @Test
    void bindingATakenPortFailsTheServerAndPortSaysWhy() throws Exception {
        TcpServer first = new TcpServer(0, c -> new Echo());
        try (var system = Components.open()) {
            system.start(first);
            TcpServer second = new TcpServer(first.port(), c -> new Echo());
            second.start();
            assertThatThrownBy(second::port).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is not listening (port " + first.port() + ")");
            assertThatThrownBy(second::join).isInstanceOf(ComponentFailedException.class)
                    .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("cannot listen on 127.0.0.1:"));
        }
    }

    @Test
    void aFactoryThatReusesAProtocolFailsTheServerNamingIt() throws Exception {
        Echo shared = new Echo();
        TcpServer server = new TcpServer(0, c -> shared, TcpServer.Options.defaults().withName("reuser"));
        try (var system = Components.open();
                Socket first = new Socket();
                Socket second = new Socket()) {
            system.start(server);
            first.connect(server.address());
            second.connect(server.address());
            assertThatThrownBy(server::join).isInstanceOf(ComponentFailedException.class)
                    .hasMessageContaining("reuser")
                    .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("make a new component"));
            assertThat(readToEnd(first)).isTrue(); // the failing server closed every connection
            assertThat(readToEnd(second)).isTrue();
            // join already reported the failure: the try-with-resources close does not throw it again
        }
    }

    @Test
    void bindsLoopbackByDefaultAndAllInterfacesOnlyWhenAsked() throws Exception {
        TcpServer server = new TcpServer(0, c -> new Echo());
        try (var system = Components.open()) {
            system.start(server);
            assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        }
        assertThat(TcpServer.Options.defaults().bindAddress().isLoopbackAddress()).isTrue();
        assertThat(TcpServer.Options.defaults().withAllInterfaces().bindAddress().isAnyLocalAddress()).isTrue();
        assertThat(TcpServer.Options.defaults().sslContext()).isEmpty();
    }

    @Test
    void aLineLongerThanTheLimitEndsTheConnectionsInput() throws Exception {
        TcpServer server = new TcpServer(0, c -> new Echo(), LINES.withMaxLineLength(16));
        Sink sink = new Sink();
        try (var system = Components.open()) {
            system.start(server);
            Pipeline p = Pipeline.of(Components.source(List.of("short", "x".repeat(100), "never echoed")),
                    new TcpClient("127.0.0.1", server.port(), CLIENT_LINES), sink);
            system.start(p);
            p.join();
        }
        assertThat(sink.got).containsExactly("short");
    }

    @Test
    void lineSplitterCutsAtNewlinesDropsCarriageReturnsAndKeepsALastPartialLine() {
        Framing.LineSplitter s = new Framing(true, 1024).splitter();
        byte[] a = "one\r\ntw".getBytes(StandardCharsets.UTF_8);
        byte[] b = "o\n\nthr".getBytes(StandardCharsets.UTF_8);
        assertThat(s.feed(a, a.length)).containsExactly("one");
        assertThat(s.feed(b, b.length)).containsExactly("two", "");
        assertThat(s.rest()).isEqualTo("thr");
        assertThat(s.rest()).isNull();
        assertThat(new String(new Framing(true, 8).encode("hi"), StandardCharsets.UTF_8)).isEqualTo("hi\n");
        assertThat(new Framing(false, 8).encode(new byte[] {1, 2})).containsExactly(1, 2);
    }
}
