package dev.weft.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Certificates} and {@link Tls}: the stores a cluster gets admit its own members to a real mutual TLS handshake
 * on 127.0.0.1 and refuse a member of another CA, in either direction, and a peer with no certificate. The handshakes
 * are plain JSSE set up as Pekko's {@code ConfigSSLEngineProvider} sets up its engines (the JDK's default key and
 * trust manager factories over the two stores, TLSv1.3, Pekko's default cipher suites, the server needing a client
 * certificate, no hostname verification), so the stores are checked for what Pekko will do with them without starting
 * a cluster. One CA with two members and a second CA with one member are made once for the class (keytool runs are
 * most of its time).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CertificatesTest {
    private static final char[] PASSWORD = "cluster-secret".toCharArray();
    /** pekko.remote.artery.ssl.config-ssl-engine.enabled-algorithms, Pekko 1.7.0's default. */
    private static final String[] PEKKO_SUITES = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"};
    private static final int TIMEOUT_MS = 10_000;

    @TempDir
    static Path tmp;
    static Certificates.Written cluster;
    static Certificates.Written other;
    static final List<String> progress = Collections.synchronizedList(new java.util.ArrayList<>());

    @BeforeAll
    static void makeTwoClusters() {
        cluster = Certificates.defaults().withProgress(progress::add)
                .write(tmp.resolve("cluster"), List.of("driver", "worker-1"), PASSWORD,
                        Duration.ofDays(30));
        // another CA, as an attacker (or another team's cluster) would have: same password, same member name
        other = Certificates.create(tmp.resolve("other"), List.of("worker-1"), PASSWORD, Duration.ofDays(1));
    }

    // ---- what is written ----

    @Test
    void writesTheCaTheTrustStoreAndOneKeyStorePerMemberAndNothingElse() throws Exception {
        Path dir = tmp.resolve("cluster");
        assertThat(cluster.dir()).isEqualTo(dir.toAbsolutePath());
        assertThat(cluster.memberKeyStores()).containsOnlyKeys("driver", "worker-1");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).as("no staging leftovers")
                    .containsExactly("ca.p12", "ca.pem", "driver.p12", "truststore.p12", "worker-1.p12");
        }
        assertThat(cluster.all()).hasSize(5).allSatisfy(p -> assertThat(p).isRegularFile());
        assertThat(progress).as("a line for the CA and one per member").hasSize(3)
                .anySatisfy(l -> assertThat(l).startsWith("CA: ").contains("valid 30 days"))
                .anySatisfy(l -> assertThat(l).contains("worker-1.p12").contains("dns:worker-1"));

        KeyStore trust = load(cluster.trustStore());
        assertThat(Collections.list(trust.aliases())).singleElement()
                .satisfies(a -> assertThat(trust.isCertificateEntry(a)).as("a trusted certificate, no key").isTrue());
        X509Certificate ca = (X509Certificate) trust.getCertificate(Collections.list(trust.aliases()).getFirst());
        assertThat(ca.getBasicConstraints()).as("a CA certificate").isGreaterThanOrEqualTo(0);
        assertThat(ca.getSubjectX500Principal()).isEqualTo(ca.getIssuerX500Principal());
        assertThat(Files.readString(cluster.caCertificate())).startsWith("-----BEGIN CERTIFICATE-----\n")
                .endsWith("-----END CERTIFICATE-----\n");
        try (InputStream in = Files.newInputStream(cluster.caCertificate())) {
            assertThat(java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in))
                    .isEqualTo(ca);
        }
        KeyStore caStore = load(cluster.caKeyStore());
        assertThat(Collections.list(caStore.aliases())).singleElement()
                .satisfies(a -> assertThat(caStore.isKeyEntry(a)).as("the CA's private key").isTrue());

        KeyStore member = load(cluster.memberKeyStores().get("worker-1"));
        assertThat(Collections.list(member.aliases())).containsExactly("worker-1");
        Certificate[] chain = member.getCertificateChain("worker-1");
        assertThat(chain).hasSize(2);
        X509Certificate leaf = (X509Certificate) chain[0];
        assertThat(chain[1]).isEqualTo(ca);
        leaf.verify(ca.getPublicKey());
        assertThat(leaf.getSubjectX500Principal().getName()).startsWith("CN=worker-1");
        assertThat(leaf.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList())
                .containsExactlyInAnyOrder("localhost", "127.0.0.1", "worker-1");
        assertThat(leaf.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(leaf.getNotAfter().toInstant()).isAfter(java.time.Instant.now().plus(Duration.ofDays(29)))
                .isBefore(java.time.Instant.now().plus(Duration.ofDays(31)));
        assertThat(leaf.getNotBefore().toInstant()).as("an hour early, for clocks a little behind")
                .isBefore(java.time.Instant.now().minus(Duration.ofMinutes(50)));

        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            for (Path key : List.of(cluster.caKeyStore(), cluster.memberKeyStores().get("driver"))) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                        .as("%s holds a private key", key.getFileName()).isEqualTo("rw-------");
            }
        }
    }

    // ---- the handshakes ----

    @Test
    void twoMembersOfTheClusterCompleteAMutualTlsHandshake() throws Exception {
        Result r = handshake(context(member("driver"), cluster.trustStore()),
                context(member("worker-1"), cluster.trustStore()));
        assertThat(r.server.failure).as("server side").isNull();
        assertThat(r.client.failure).as("client side").isNull();
        assertThat(r.server.peer).as("the server saw the client's certificate").startsWith("CN=worker-1");
        assertThat(r.client.peer).as("the client saw the server's certificate").startsWith("CN=driver");
        assertThat(r.client.protocol).isEqualTo("TLSv1.3");
    }

    @Test
    void theServerRefusesAClientWhoseCertificateAnotherCaSigned() throws Exception {
        // the intruder trusts the cluster's CA, so only the server's check can stop it
        Result r = handshake(context(member("driver"), cluster.trustStore()),
                context(other.memberKeyStores().get("worker-1"), cluster.trustStore()));
        assertThat(r.server.failure).as("server side").isInstanceOf(SSLHandshakeException.class);
        assertThat(r.client.failure).as("the client got no echo").isNotNull();
        assertThat(r.server.peer).isNull();
    }

    @Test
    void theClientRefusesAServerWhoseCertificateAnotherCaSigned() throws Exception {
        // the intruding server trusts the cluster's CA, so only the client's check can stop it
        Result r = handshake(context(other.memberKeyStores().get("worker-1"), cluster.trustStore()),
                context(member("worker-1"), cluster.trustStore()));
        assertThat(r.client.failure).as("client side").isInstanceOf(SSLHandshakeException.class);
        assertThat(r.client.peer).isNull();
        assertThat(r.server.failure).as("server side").isNotNull();
    }

    @Test
    void theServerRefusesAClientWithNoCertificate() throws Exception {
        Result r = handshake(context(member("driver"), cluster.trustStore()), context(null, cluster.trustStore()));
        assertThat(r.server.failure).as("server side").isInstanceOf(SSLHandshakeException.class);
        assertThat(r.client.failure).as("the client got no echo").isNotNull();
    }

    // ---- Tls over these files ----

    @Test
    void tlsOpensTheStoresAndSaysClearlyWhenThePasswordOrAFileIsWrong() {
        Path dir = tmp.resolve("cluster");
        Tls tls = Tls.fromDirectory(dir, "worker-1", PASSWORD);
        assertThat(tls.keyStore()).isEqualTo(cluster.memberKeyStores().get("worker-1"));
        assertThat(tls.trustStore()).isEqualTo(cluster.trustStore());
        Config c = ConfigFactory.parseString(tls.pekkoConfig());
        assertThat(c.getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");
        assertThat(c.getString("pekko.remote.artery.ssl.config-ssl-engine.key-store"))
                .isEqualTo(cluster.memberKeyStores().get("worker-1").toString());
        assertThat(c.getBoolean("pekko.remote.artery.ssl.config-ssl-engine.require-mutual-authentication")).isTrue();

        assertThatThrownBy(() -> Tls.fromDirectory(dir, "worker-1", "not-the-password".toCharArray()))
                .isInstanceOf(ClusterException.class).hasMessageContaining("worker-1.p12")
                .hasMessageContaining("does not open with the password");
        assertThatThrownBy(() -> Tls.of(cluster.trustStore(), cluster.trustStore(), PASSWORD))
                .isInstanceOf(ClusterException.class).hasMessageContaining("truststore.p12")
                .hasMessageContaining("holds no private key");
        assertThatThrownBy(() -> Tls.of(member("driver"), cluster.caCertificate(), PASSWORD))
                .isInstanceOf(ClusterException.class).hasMessageContaining("ca.pem")
                .hasMessageContaining("trust store");
        assertThatThrownBy(() -> Tls.fromDirectory(dir, "worker-9", PASSWORD))
                .isInstanceOf(ClusterException.class).hasMessageContaining("worker-9.p12")
                .hasMessageContaining("./weft cluster certs");
    }

    // ---- refusals before anything is made ----

    @Test
    void existingFilesAreNeverOverwrittenUnlessAsked() throws IOException {
        Path dir = tmp.resolve("cluster");
        byte[] ca = Files.readAllBytes(cluster.caKeyStore());
        byte[] w1 = Files.readAllBytes(cluster.memberKeyStores().get("worker-1"));
        assertThatThrownBy(() -> Certificates.create(dir, List.of("worker-1", "worker-3"), PASSWORD,
                Duration.ofDays(1)))
                .isInstanceOf(ClusterException.class).hasMessageContaining("refusing to overwrite")
                .hasMessageContaining("ca.p12").hasMessageContaining("worker-1.p12")
                .hasMessageNotContaining("worker-3.p12");
        assertThat(Certificates.existing(dir, List.of("worker-1", "worker-3")))
                .extracting(p -> p.getFileName().toString())
                .containsExactly("ca.p12", "ca.pem", "truststore.p12", "worker-1.p12");
        assertThat(Files.readAllBytes(cluster.caKeyStore())).isEqualTo(ca);
        assertThat(Files.readAllBytes(cluster.memberKeyStores().get("worker-1"))).isEqualTo(w1);
        assertThat(dir.resolve("worker-3.p12")).doesNotExist();
    }

    @Test
    void badNamesPasswordsAndValiditiesAreRefusedNamingTheProblem() {
        Path dir = tmp.resolve("never");
        for (String bad : List.of("worker_1", "-worker", "worker-", "a..b", "", "ca", "TrustStore", "x/y", "é")) {
            assertThatThrownBy(() -> Certificates.create(dir, List.of("driver", bad), PASSWORD, Duration.ofDays(1)))
                    .as("member '%s'", bad).isInstanceOf(ClusterException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> Certificates.create(dir, List.of("a", "A"), PASSWORD, Duration.ofDays(1)))
                .isInstanceOf(ClusterException.class).hasMessageContaining("given twice");
        assertThatThrownBy(() -> Certificates.create(dir, List.of(), PASSWORD, Duration.ofDays(1)))
                .isInstanceOf(ClusterException.class).hasMessageContaining("no members");
        assertThatThrownBy(() -> Certificates.create(dir, List.of("a"), "12345".toCharArray(), Duration.ofDays(1)))
                .isInstanceOf(ClusterException.class).hasMessageContaining("at least 6 characters");
        assertThatThrownBy(() -> Certificates.create(dir, List.of("a"), PASSWORD, Duration.ofHours(23)))
                .isInstanceOf(ClusterException.class).hasMessageContaining("at least a day");
        assertThatThrownBy(() -> Certificates.defaults().withSubjectAlternativeNames(List.of("uri:x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uri:x");
        assertThat(dir).as("nothing was made").doesNotExist();
        Certificates.checkMembers(List.of("driver", "worker-1", "w.example.com"));
    }

    @Test
    void aKeytoolRunThatOverstaysItsTimeoutIsKilledAndLeavesNothingBehind() throws IOException {
        Path dir = tmp.resolve("timeout");
        assertThatThrownBy(() -> Certificates.defaults().withTimeout(Duration.ofMillis(1))
                .write(dir, List.of("a"), PASSWORD, Duration.ofDays(1)))
                .isInstanceOf(ClusterException.class).hasMessageContaining("keytool -genkeypair for the CA")
                .hasMessageContaining("did not finish within PT0.001S");
        try (var left = Files.list(dir)) {
            assertThat(left).as("the staging folder is gone").isEmpty();
        }
    }

    // ---- helpers ----

    private static Path member(String name) {
        return cluster.memberKeyStores().get(name);
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    /** An SSLContext as Pekko's ConfigSSLEngineProvider builds one; no key store: a peer with no certificate. */
    private static SSLContext context(Path keyStore, Path trustStore) throws Exception {
        KeyManager[] keys = null;
        if (keyStore != null) {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(keyStore), PASSWORD);
            keys = kmf.getKeyManagers();
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trustStore));
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(keys, tmf.getTrustManagers(), null);
        return ctx;
    }

    record Side(String peer, String protocol, Exception failure) {
    }

    record Result(Side server, Side client) {
    }

    /**
     * One connection on 127.0.0.1: the client handshakes, sends a byte and reads it back; the server (needing a client
     * certificate) handshakes and echoes. Each side's outcome: the peer it saw, or what failed. Bounded by socket
     * timeouts on both sides.
     */
    private static Result handshake(SSLContext server, SSLContext client) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (var ss = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, loopback);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            ss.setNeedClientAuth(true);
            ss.setEnabledProtocols(new String[] {"TLSv1.3"});
            ss.setEnabledCipherSuites(PEKKO_SUITES);
            ss.setSoTimeout(TIMEOUT_MS);
            Future<Side> serverSide = threads.submit(() -> {
                try (var s = (SSLSocket) ss.accept()) {
                    s.setSoTimeout(TIMEOUT_MS);
                    s.startHandshake();
                    String peer = s.getSession().getPeerPrincipal().getName();
                    int b = s.getInputStream().read();
                    if (b < 0) {
                        throw new IOException("the client closed without sending");
                    }
                    s.getOutputStream().write(b);
                    s.getOutputStream().flush();
                    return new Side(peer, s.getSession().getProtocol(), null);
                } catch (IOException e) {
                    return new Side(null, null, e);
                }
            });
            Side clientSide;
            try (var c = (SSLSocket) client.getSocketFactory().createSocket()) {
                c.connect(new InetSocketAddress(loopback, ss.getLocalPort()), TIMEOUT_MS);
                c.setSoTimeout(TIMEOUT_MS);
                c.setEnabledProtocols(new String[] {"TLSv1.3"});
                c.setEnabledCipherSuites(PEKKO_SUITES);
                c.startHandshake();
                String peer = c.getSession().getPeerPrincipal().getName();
                c.getOutputStream().write(42);
                c.getOutputStream().flush();
                // TLS 1.3: the server checks the client's certificate after the client's side of the handshake is
                // done, so a refused client learns it here, reading the echo
                int echo = c.getInputStream().read();
                clientSide = echo == 42 ? new Side(peer, c.getSession().getProtocol(), null)
                        : new Side(null, null, new IOException("no echo: read " + echo));
            } catch (IOException e) {
                clientSide = new Side(null, null, e);
            }
            return new Result(serverSide.get(2L * TIMEOUT_MS, TimeUnit.MILLISECONDS), clientSide);
        }
    }
}
