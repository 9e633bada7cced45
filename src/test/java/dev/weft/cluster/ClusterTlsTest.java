package dev.weft.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.flow.OperationRegistry;
import dev.weft.tube.NodeRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, item 5, on real Pekko members: mutual TLS admits a member with a certificate of the cluster's CA and
 * refuses one from another CA (it never joins), and a member refuses an address off loopback without TLS.
 */
class ClusterTlsTest {
    private static final char[] PASSWORD = "weft-test-password".toCharArray();

    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() {
        Certificates.create(dir.resolve("ours"), List.of("worker", "driver"), PASSWORD, Duration.ofDays(1));
        Certificates.create(dir.resolve("theirs"), List.of("intruder"), PASSWORD, Duration.ofDays(1));
    }

    @Test
    void aMemberWithTheClustersCertificateJoinsAndOneFromAnotherCaIsRefused() throws Exception {
        ClusterOptions base = ClusterOptions.defaults().withName("weft-tls");
        try (Worker w = Worker.start(base.withTls(Tls.fromDirectory(dir.resolve("ours"), "worker", PASSWORD)),
                OperationRegistry.empty(), NodeRegistry.builder().build())) {
            String seed = w.address().replaceAll(".*@", "");
            try (Cluster c = Cluster.join(base.withSeeds(seed)
                    .withTls(Tls.fromDirectory(dir.resolve("ours"), "driver", PASSWORD)))) {
                assertThat(c.awaitWorkers(1, Duration.ofSeconds(20))).extracting(WorkerInfo::member)
                        .containsExactly(w.address());
            }
            assertThatThrownBy(() -> Cluster.join(base.withSeeds(seed).withJoinTimeout(Duration.ofSeconds(8))
                    .withTls(Tls.fromDirectory(dir.resolve("theirs"), "intruder", PASSWORD))))
                    .isInstanceOf(ClusterException.class)
                    .hasMessageContaining("was not up within")
                    .hasMessageContaining("TLS");
        }
    }

    @Test
    void aMemberRefusesAnAddressOffLoopbackWithoutTls() {
        // 192.0.2.1 is TEST-NET-1: never this machine's; the refusal comes before anything binds
        assertThatThrownBy(() -> Cluster.join(ClusterOptions.defaults().withAddress("192.0.2.1", 0)))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("refuses to bind 192.0.2.1")
                .hasMessageContaining("without TLS");
    }
}
