package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.cluster.Tls;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./weft cluster certs}, called in process: a bad command line is one line and exit status 2 with nothing
 * written; a good one writes the stores (keytool runs: two small sets for the whole class) and says what to run next.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterCertsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path tmp;

    private int run(Map<String, String> env, String... args) {
        out.reset();
        err.reset();
        return ClusterCerts.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Exit status 2, exactly one line on stderr naming the command, no stack trace, nothing on stdout. */
    private String badInput(Map<String, String> env, String... args) {
        assertThat(run(env, args)).as("exit status of %s", Arrays.asList(args)).isEqualTo(2);
        assertThat(out()).isEmpty();
        assertThat(err().lines()).as("stderr of %s", Arrays.asList(args)).singleElement().asString()
                .startsWith("weft cluster certs: ").doesNotContain("\tat ").doesNotContain("Exception");
        return err();
    }

    private String badInput(String... args) {
        return badInput(Map.of(), args);
    }

    @Test
    void helpPrintsTheUsage() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out()).startsWith("usage: ./weft cluster certs").contains("--overwrite").contains("offline");
        assertThat(err()).isEmpty();
    }

    @Test
    void aBadCommandLineIsOneLineAndExitStatusTwoAndWritesNothing() throws Exception {
        String dir = tmp.resolve("certs").toString();
        assertThat(badInput("--dir", dir, "--bogus")).contains("unknown option '--bogus'");
        assertThat(badInput("--dir", dir, "extra")).contains("unknown argument 'extra'");
        assertThat(badInput("--dir")).contains("--dir needs a value");
        assertThat(badInput("--dir", dir, "--days", "--overwrite")).contains("--days needs a value");
        assertThat(badInput("--dir", dir, "--days", "zero")).contains("whole number").contains("'zero'");
        assertThat(badInput("--dir", dir, "--days=0")).contains("between 1 and 36500");
        assertThat(badInput("--dir", dir, "--members", "driver,worker_1")).contains("'worker_1'");
        assertThat(badInput("--dir", dir, "--members", "driver,,w")).contains("empty name");
        assertThat(badInput("--dir", dir, "--members", "ca")).contains("'ca'");
        assertThat(badInput("--dir", dir, "--members", "a,A")).contains("given twice");
        assertThat(badInput("--dir", dir, "--overwrite=yes")).contains("takes no value");
        assertThat(badInput("--dir", dir, "--password-file", tmp.resolve("missing").toString()))
                .contains("does not exist");
        Path shortFile = Files.writeString(tmp.resolve("short"), "12345\n");
        assertThat(badInput("--dir", dir, "--password-file", shortFile.toString())).contains("shorter than 6");
        assertThat(badInput(Map.of(ClusterPassword.ENV, "abc"), "--dir", dir)).contains(ClusterPassword.ENV)
                .contains("shorter than 6");
        assertThat(tmp.resolve("certs")).as("nothing was written").doesNotExist();
    }

    @Test
    void aGoodCommandLineWritesTheStoresAndARandomPasswordOnceAndRefusesToOverwriteThem() throws Exception {
        Path dir = tmp.resolve("certs");
        assertThat(run(Map.of(), "--dir", dir.toString(), "--members", "driver,worker-1", "--days", "7")).isZero();
        assertThat(err()).isEmpty();
        assertThat(out()).contains("weft cluster certs: CA: CN=Weft cluster CA").contains("valid 7 days")
                .contains("member 'worker-1': worker-1.p12").contains("wrote to " + dir.toAbsolutePath())
                .contains("ca.p12").contains("keep it offline").contains("truststore.p12").contains("driver.p12")
                .contains("password")
                .contains("./weft cluster worker --tls " + dir.toAbsolutePath() + " --member worker-1");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("ca.p12", "ca.pem", "driver.p12", "password", "truststore.p12", "worker-1.p12");
        }
        String password = Files.readString(dir.resolve("password"));
        assertThat(password).matches("[A-Za-z0-9_-]{24}\n");
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("password"))))
                    .isEqualTo("rw-------");
        }
        // what a worker will do with them: the password as found from the folder opens its stores
        char[] found = ClusterPassword.find(null, Map.of(), dir);
        assertThat(Tls.fromDirectory(dir, "worker-1", found).keyStore()).isEqualTo(dir.resolve("worker-1.p12"));

        byte[] ca = Files.readAllBytes(dir.resolve("ca.p12"));
        assertThat(badInput("--dir", dir.toString(), "--members", "worker-1")).contains("refusing to overwrite")
                .contains("ca.p12").contains("worker-1.p12").contains("password");
        assertThat(Files.readAllBytes(dir.resolve("ca.p12"))).isEqualTo(ca);
        assertThat(Files.readString(dir.resolve("password"))).isEqualTo(password);

        // with the password from a file this time: the earlier random password would be left stale, so it counts as
        // an existing file; with --overwrite, a new CA, and the stale password is removed
        Path pw = Files.writeString(tmp.resolve("pw"), "from-a-file\r\n");
        Files.delete(dir.resolve("ca.p12"));
        Files.delete(dir.resolve("ca.pem"));
        Files.delete(dir.resolve("truststore.p12"));
        Files.delete(dir.resolve("worker-1.p12"));
        assertThat(badInput("--dir", dir.toString(), "--members", "worker-1", "--password-file", pw.toString()))
                .contains("already has password");
        assertThat(run(Map.of(), "--dir", dir.toString(), "--members", "worker-1", "--password-file", pw.toString(),
                "--overwrite")).as(err()).isZero();
        assertThat(out()).contains("(password: from " + pw + ")").contains("--password-file F")
                .contains("removed password");
        assertThat(dir.resolve("password")).doesNotExist();
        assertThat(Files.readAllBytes(dir.resolve("ca.p12"))).isNotEqualTo(ca);
        assertThat(Files.readAllBytes(dir.resolve("driver.p12"))).as("the earlier run's other member is left alone")
                .isNotEmpty();
        assertThat(Tls.fromDirectory(dir, "worker-1", "from-a-file".toCharArray())).isNotNull();
        assertThat(ClusterPassword.find(pw, Map.of(ClusterPassword.ENV, "ignored-env"), dir))
                .as("--password-file comes first").containsExactly("from-a-file".toCharArray());
        assertThat(ClusterPassword.find(null, Map.of(ClusterPassword.ENV, "from-env"), dir))
                .as("then the environment").containsExactly("from-env".toCharArray());
        assertThat(List.of(ClusterPassword.random(), ClusterPassword.random())).extracting(String::new)
                .doesNotHaveDuplicates();
    }
}
