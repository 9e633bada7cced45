package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.scope.Scope;
import example.scopesonly.ScopesOnlyProgram;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Micrometer, Jackson (issue 13, item 2), Resilience4j (issue 16) and Netflix concurrency-limits (issue 17) are
 * optional: {@link ScopesOnlyProgram} runs in a
 * fresh JVM with only the Weft classes and SLF4J, once on the class path and once with Weft as a named module on the
 * module path (where a {@code requires} of a missing module would stop the JVM before main).
 */
class ScopesOnlyClassPathTest {

    private static Path locationOf(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** The program's class files alone, copied out of the test classes (which hold everything else too). */
    private static Path programOnly(Path dir) throws IOException, URISyntaxException {
        String pkg = ScopesOnlyProgram.class.getPackageName().replace('.', '/');
        Path from = locationOf(ScopesOnlyProgram.class).resolve(pkg);
        Path to = Files.createDirectories(dir.resolve(pkg));
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    private static String run(List<String> pathArgs) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "--enable-preview"));
        command.addAll(pathArgs);
        command.add(ScopesOnlyProgram.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the program ended").isTrue();
        assertThat(p.exitValue()).as("exit code; output:%n%s", out).isZero();
        return out;
    }

    @Test
    void scopesEventsAndLocksRunOnTheClassPathWithoutOptionalLibraries(@TempDir Path dir) throws Exception {
        String classPath = String.join(java.io.File.pathSeparator, locationOf(Scope.class).toString(),
                locationOf(LoggerFactory.class).toString(), programOnly(dir).toString());
        String out = run(List.of("--enable-native-access=ALL-UNNAMED", "-cp", classPath));
        assertThat(out).contains("absent: io.micrometer.core.instrument.MeterRegistry")
                .contains("absent: com.fasterxml.jackson.databind.ObjectMapper")
                .contains("absent: io.github.resilience4j.circuitbreaker.CircuitBreaker")
                .contains("absent: com.netflix.concurrency.limits.Limit").contains("scopes: 3, event: SUCCESS")
                .contains("adaptive map: [2, 4, 6]")
                .contains("gradient2 without its jar: SpeedLaw.GRADIENT2 needs Netflix concurrency-limits")
                .contains("scopes-only: ok");
    }

    @Test
    void andWithWeftAsANamedModuleOnTheModulePath(@TempDir Path dir) throws Exception {
        Path weft = locationOf(Scope.class);
        assertThat(weft.resolve("module-info.class")).as("the Weft classes are an exploded module").exists();
        String modulePath = String.join(java.io.File.pathSeparator, weft.toString(),
                locationOf(LoggerFactory.class).toString());
        String out = run(List.of("--enable-native-access=dev.weft", "--module-path", modulePath, "--add-modules",
                "dev.weft", "-cp", programOnly(dir).toString()));
        assertThat(out).contains("scopes-only: ok");
    }
}
