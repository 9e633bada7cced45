package dev.weft.scope;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScopeJfrTest {

    @Test
    void scopesAndTasksAreRecordedAsJfrEvents(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("weft.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("dev.weft.Scope").withThreshold(java.time.Duration.ZERO);
            recording.enable("dev.weft.Task").withThreshold(java.time.Duration.ZERO);
            recording.start();
            try (var scope = Scope.open(ScopeOptions.named("recorded"))) {
                scope.fork("t1", () -> 1);
                scope.join();
            }
            recording.stop();
            recording.dump(file);
        }
        assertThat(Files.size(file)).isPositive();
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("dev.weft.Scope");
            assertThat(e.getString("path")).isEqualTo("recorded");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("dev.weft.Task");
            assertThat(e.getString("task")).isEqualTo("t1");
            assertThat(e.getString("state")).isEqualTo("SUCCEEDED");
        });
    }
}
