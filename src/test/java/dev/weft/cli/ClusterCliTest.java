package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ./weft cluster}: a bad command line is one line on standard error and exit status 2, before anything starts. */
class ClusterCliTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "nope | unknown cluster command 'nope' (worker, workers, demo, certs)",
            "worker --port | --port needs a value",
            "worker --port 70000 | --port must be 0 to 65535, got 70000",
            "worker --concurrency x | --concurrency takes a number, got 'x'",
            "worker --seed localhost | seed must be host:port, got 'localhost'",
            "worker --lifetime soon | --lifetime takes a duration such as 90s, 10m or PT10M, got 'soon'",
            "worker --member w | --member names a certificate: give --tls DIR too",
            "worker --discovery dns | --discovery takes 'kubernetes', got 'dns'",
            "worker --frobnicate | unknown worker option '--frobnicate'",
            "demo --items 0 | --items must be 1 to 10000000, got 0",
            "workers --count 100 | --count must be 1 to 64, got 100"})
    void aBadCommandLineIsOneLineAndStatusTwo(String line, String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ClusterCli.run(line.split(" "), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(status).isEqualTo(2);
        assertThat(e).isEqualTo("weft cluster: " + message + System.lineSeparator());
    }
}
