package dev.weft.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class DemoTest {

    /** Records, on the logging thread, the Weft context path and the formatted line of every record. */
    private static final class Recorder extends Handler {
        final List<String> paths = new CopyOnWriteArrayList<>();
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final ContextFormatter formatter = new ContextFormatter();

        @Override
        public void publish(LogRecord record) {
            paths.add(Weft.context().path());
            lines.add(formatter.format(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void downloadsEveryPageThreeWaysAndShowsTheContextPath() throws Exception {
        Logger logger = Logger.getLogger(Demo.class.getName());
        Recorder recorder = new Recorder();
        logger.setLevel(Level.INFO);
        logger.addHandler(recorder);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Demo.Result result;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            result = Demo.run(new Demo.Options(30, 5, 50, 64), out);
        } finally {
            logger.removeHandler(recorder);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertThat(result.phases()).hasSize(4);
        assertThat(result.phases()).allSatisfy(p -> {
            assertThat(p.attempted()).isEqualTo(30);
            assertThat(p.ok()).isEqualTo(30);
            assertThat(p.peakHeap()).isPositive();
            assertThat(p.wallNanos()).isPositive();
        });
        assertThat(result.allComplete()).isTrue();

        assertThat(printed).contains(result.table());
        assertThat(result.table()).contains("approach", "threads", "wall time", "peak heap", "peak stacks",
                "peak total", "platform pool of 64", "30 virtual", "pool/Weft");

        assertThat(result.dump()).isNotNull().contains("demo");
        assertThat(result.table()).contains("Weft data flow", "30 contexts", "data flow/Weft scope");
        assertThat(result.lineage()).contains("lineage of 'page 3: ", "[store, parse, fetch]", "from seed input page=3");
        assertThat(printed).contains(result.lineage());
        assertThat(printed).contains("Scope.dump()").contains("scope demo");

        assertThat(recorder.paths).contains("demo/download/page-3");
        assertThat(recorder.lines).anySatisfy(line -> assertThat(line)
                .contains("INFO", "[demo/download/page-3]", "Demo: fetched page 3 (4096 bytes)"));
    }

    @Test
    void serialRunIsCappedAndEstimated() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Demo.Result result;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            result = Demo.run(new Demo.Options(12, 0, 4, 3), out);
        }
        Demo.PhaseResult serial = result.phases().getFirst();
        assertThat(serial.attempted()).isEqualTo(4);
        assertThat(serial.complete()).isTrue();
        assertThat(serial.estimated()).isTrue();
        assertThat(serial.approach()).isEqualTo("serial (estimated from 4)");
        assertThat(result.table()).contains("(estimated from 4)", "platform pool of 3");
        assertThat(result.phases().get(1).ok()).isEqualTo(12);
        assertThat(result.phases().get(2).ok()).isEqualTo(12);
        assertThat(result.phases().get(3).ok()).isEqualTo(12);
    }

    @Test
    void parsesAndValidatesArguments() {
        assertThat(Demo.Options.parse()).isEqualTo(Demo.Options.defaults());
        assertThat(Demo.Options.parse("--requests", "200", "--delay-ms", "7"))
                .isEqualTo(new Demo.Options(200, 7, 50, 64));
        assertThatThrownBy(() -> Demo.Options.parse("--requests")).hasMessageContaining("--requests needs a number");
        assertThatThrownBy(() -> Demo.Options.parse("--requests", "ten"))
                .hasMessageContaining("whole number, got 'ten'");
        assertThatThrownBy(() -> Demo.Options.parse("--requests", "0")).hasMessageContaining("between 1 and");
        assertThatThrownBy(() -> Demo.Options.parse("--delay-ms", "-1")).hasMessageContaining("--delay-ms");
        assertThatThrownBy(() -> Demo.Options.parse("--bogus")).hasMessageContaining("unknown argument '--bogus'");
    }

    @Test
    void formatterOmitsBracketsOutsideAnyScopeAndAppendsTheStackTrace() {
        LogRecord record = new LogRecord(Level.WARNING, "hello {0}");
        record.setParameters(new Object[] {"world"});
        record.setLoggerName("dev.weft.demo.Demo");
        record.setThrown(new IllegalStateException("boom"));
        String line = new ContextFormatter().format(record);
        assertThat(line).matches("(?s)\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARNING Demo: hello world\\R"
                + "java.lang.IllegalStateException: boom\\R.*");
        assertThat(line).doesNotContain("[");
    }
}
