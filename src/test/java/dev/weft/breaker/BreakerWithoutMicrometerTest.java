package dev.weft.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.scope.Scope;
import example.breakeronly.BreakerOnlyProgram;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.EventConsumer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Breakers need Resilience4j, not Micrometer: {@link BreakerOnlyProgram} runs in a fresh JVM whose class path holds the
 * Weft classes, SLF4J and Resilience4j's circuitbreaker and core jars only. (That a user of scopes alone needs no
 * Resilience4j is {@code ScopesOnlyClassPathTest}'s check.)
 */
class BreakerWithoutMicrometerTest {

    private static Path locationOf(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void breakersRunWithoutMicrometer(@TempDir Path dir) throws Exception {
        String pkg = BreakerOnlyProgram.class.getPackageName().replace('.', '/');
        Path to = Files.createDirectories(dir.resolve(pkg));
        try (Stream<Path> files = Files.list(locationOf(BreakerOnlyProgram.class).resolve(pkg))) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        String classPath = String.join(File.pathSeparator, locationOf(Scope.class).toString(),
                locationOf(LoggerFactory.class).toString(), locationOf(CircuitBreaker.class).toString(),
                locationOf(EventConsumer.class).toString(), dir.toString());
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(List.of(java, "--enable-preview", "-cp", classPath,
                BreakerOnlyProgram.class.getName())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the program ended").isTrue();
        assertThat(p.exitValue()).as("exit code; output:%n%s", out).isZero();
        assertThat(out).contains("absent: io.micrometer.core.instrument.MeterRegistry")
                .contains("pipeline: [a!, b!], retry: retried, breaker 'only' CLOSED").contains("breaker-only: ok");
    }
}
