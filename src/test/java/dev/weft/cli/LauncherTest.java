package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's own promises (issue 12, item 12): {@code ./weft test} ends by saying why tests were skipped, through
 * the same function as {@code ./weft skipped}, which this test runs on a report made here. Runs the script with bash
 * from the project root, where Surefire starts the tests.
 */
class LauncherTest {
    private static final String REPORT = """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuite name="dev.weft.cuda.CudaGpuTest" tests="2" skipped="2">
              <testcase name="a" classname="dev.weft.cuda.CudaGpuTest">
                <skipped message="Assumption failed: no CUDA device">org.opentest4j.TestAbortedException: \
            Assumption failed: no CUDA device: cudaGetDeviceCount returned 35 (&quot;driver&quot;)
                </skipped>
              </testcase>
              <testcase name="b" classname="dev.weft.cuda.CudaGpuTest">
                <skipped message="Assumption failed: no CUDA device">org.opentest4j.TestAbortedException: \
            Assumption failed: no CUDA device: cudaGetDeviceCount returned 35 (&quot;driver&quot;)
                </skipped>
              </testcase>
            </testsuite>
            """;

    private static String weft(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", "weft"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("./weft %s ended", List.of(args)).isTrue();
        return out;
    }

    @Test
    void skippedSaysOnceWhyTestsWereSkippedWithTheirCount(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("TEST-dev.weft.cuda.CudaGpuTest.xml"), REPORT);
        String out = weft("skipped", dir.toString());
        assertThat(out).contains("skipped tests (count, reason):")
                .containsPattern("\\s+2 no CUDA device: cudaGetDeviceCount returned 35 \\(\"driver\"\\)");
    }

    @Test
    void skippedWithoutReportsSaysWhatToDo(@TempDir Path dir) throws Exception {
        assertThat(weft("skipped", dir.toString())).contains("no test reports in").contains("run ./weft test first");
    }

    @Test
    void theTestCommandPrintsTheSkipReasonsAtTheEnd() throws IOException {
        String script = Files.readString(Path.of("weft"));
        String test = script.substring(script.indexOf("\n  test)"), script.indexOf("\n  test-gpu)"));
        assertThat(test).contains("skip_reasons");
    }
}
