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
    void downloadsEveryPageEveryWayAndShowsTheContextPath() throws Exception {
        Logger logger = Logger.getLogger(Demo.class.getName());
        Recorder recorder = new Recorder();
        logger.setLevel(Level.INFO);
        logger.addHandler(recorder);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Demo.Result result;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            result = Demo.run(new Demo.Options(30, 5, 50, 64, 2), out);
        } finally {
            logger.removeHandler(recorder);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);

        // 30 pages and a pool of 64: one level, 30 at a time
        assertThat(result.phases()).extracting(Demo.PhaseResult::approach)
                .containsExactly("serial", "platform pool of 30", "Weft scope", "Weft data flow");
        assertThat(result.phases()).allSatisfy(p -> {
            assertThat(p.attempted()).isEqualTo(30);
            assertThat(p.ok()).isEqualTo(30);
            assertThat(p.lost()).isZero();
            assertThat(p.peakHeap()).isPositive();
            assertThat(p.kept()).isNotNegative();
            assertThat(p.wallNanos()).isNotEmpty().allSatisfy(w -> assertThat(w).isPositive());
            // connections are opened before and reused: never more than one per page
            assertThat(p.connections()).isBetween(1, 30);
        });
        assertThat(result.phases().getFirst().atOnce()).isEqualTo(1);
        assertThat(result.phases().getFirst().wallNanos()).hasSize(1);
        assertThat(result.phases().subList(1, 4)).allSatisfy(p -> {
            assertThat(p.atOnce()).isEqualTo(30);
            assertThat(p.wallNanos()).hasSize(2);
        });
        assertThat(result.allComplete()).isTrue();

        assertThat(printed).contains(result.table());
        assertThat(result.table()).contains("approach", "threads", "at once", "conns", "wall time", "rounds",
                "peak heap", "kept", "stacks", "pages ok", "platform pool of 30", "virtual/page", "virtual/context", "30 at a time, each over the same 30 kept-alive connections",
                "medians of 2 rounds", "Weft data flow against Weft scope at 30 at a time");
        assertThat(printed).contains("demo: 30 at a time: ", "connections opened and kept alive");

        assertThat(result.dump()).isNotNull().contains("demo");
        assertThat(result.lineage()).contains("lineage of 'page 3: ", "[store, parse, fetch]", "from seed input page=3");
        assertThat(printed).contains(result.lineage());
        assertThat(printed).contains("Scope.dump()").contains("scope demo");

        assertThat(recorder.paths).containsExactly("demo/download/page-3");
        assertThat(recorder.lines).singleElement().satisfies(line -> assertThat(line)
                .contains("INFO", "[demo/download/page-3]", "Demo: fetched page 3 (4096 bytes)"));
    }

    @Test
    void serialRunIsCappedAndEstimatedAndBothLevelsRun() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Demo.Result result;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            result = Demo.run(new Demo.Options(12, 0, 4, 3, 1), out);
        }
        assertThat(result.phases()).extracting(p -> p.approach() + "@" + p.atOnce()).containsExactly(
                "serial (estimated from 4)@1", "platform pool of 3@3", "Weft scope@3", "platform pool of 12@12",
                "Weft scope@12", "Weft data flow@12");
        Demo.PhaseResult serial = result.phases().getFirst();
        assertThat(serial.attempted()).isEqualTo(4);
        assertThat(serial.complete()).isTrue();
        assertThat(serial.estimated()).isTrue();
        assertThat(serial.estimatedNanos()).isEqualTo(serial.wallNanos().getFirst() * 3);
        assertThat(result.table()).contains("(estimated from 4)", "platform pool of 3", "platform pool of 12",
                "no spread to judge by");
        assertThat(result.phases().subList(1, 6)).allSatisfy(p -> assertThat(p.ok()).isEqualTo(12));
    }

    @Test
    void parsesAndValidatesArguments() {
        assertThat(Demo.Options.parse()).isEqualTo(Demo.Options.defaults());
        assertThat(Demo.Options.defaults().levels()).containsExactly(64, 1000);
        assertThat(new Demo.Options(5000, 0, 50, 64).levels()).containsExactly(64, 1000);
        assertThat(new Demo.Options(30, 0, 50, 64).levels()).containsExactly(30);
        assertThat(Demo.Options.parse("--requests", "200", "--delay-ms", "7", "--rounds", "5"))
                .isEqualTo(new Demo.Options(200, 7, 50, 64, 5));
        assertThatThrownBy(() -> Demo.Options.parse("--requests")).hasMessageContaining("--requests needs a number");
        assertThatThrownBy(() -> Demo.Options.parse("--requests", "ten"))
                .hasMessageContaining("whole number, got 'ten'");
        assertThatThrownBy(() -> Demo.Options.parse("--requests", "0")).hasMessageContaining("between 1 and");
        assertThatThrownBy(() -> Demo.Options.parse("--delay-ms", "-1")).hasMessageContaining("--delay-ms");
        assertThatThrownBy(() -> Demo.Options.parse("--rounds", "0")).hasMessageContaining("--rounds");
        assertThatThrownBy(() -> Demo.Options.parse("--bogus")).hasMessageContaining("unknown argument '--bogus'");
    }

    private static Demo.PhaseResult phase(String approach, String threads, int atOnce, int requests, int attempted,
                                          int lost, long... wallMillis) {
        List<Long> walls = java.util.Arrays.stream(wallMillis).map(ms -> ms * 1_000_000).boxed().toList();
        long median = Demo.median(walls);
        return new Demo.PhaseResult(approach, threads, atOnce, requests, attempted, attempted - lost, lost, walls,
                attempted == requests ? median : median * requests / attempted, 40L << 20, 2L << 20, 3L << 20,
                1L << 20, Math.min(atOnce, attempted));
    }

    @Test
    void theVerdictFollowsTheRoundsNotASingleRatio() {
        Demo.PhaseResult pool = phase("platform pool of 64", "64 platform", 64, 1000, 1000, 0, 880, 900, 920);
        // medians 0.90 and 0.94 s, ranges apart: still within 10 %, so the same (the issue's flip-flopping verdict)
        Demo.PhaseResult weft = phase("Weft scope", "virtual/page", 64, 1000, 1000, 0, 930, 940, 990);
        assertThat(Demo.compare("the pool", pool, "Weft", weft)).isEqualTo("within 10% of each other, the same "
                + "here (the pool 4% faster by the medians; the pool 0.88-0.92 s, Weft 0.93-0.99 s)");
        Demo.PhaseResult fast = phase("Weft scope", "virtual/page", 1000, 1000, 1000, 0, 180, 200, 400);
        assertThat(Demo.compare("the pool", pool, "Weft", fast))
                .isEqualTo("Weft 4.50x faster by the medians, the ranges apart (the pool 0.88-0.92 s, Weft 0.18-0.40 s)");
        Demo.PhaseResult flow = phase("Weft data flow", "virtual/context", 1000, 1000, 1000, 0, 300, 440, 470);
        assertThat(Demo.compare("the data flow", flow, "the scope", fast))
                .startsWith("the scope 2.20x faster by the medians, but the rounds' ranges overlap");
        Demo.PhaseResult once = phase("Weft scope", "virtual/page", 64, 1000, 1000, 0, 900);
        assertThat(Demo.compare("the pool", pool, "Weft", once)).contains("no spread to judge by");
        assertThat(phase("p", "t", 3, 10, 10, 2, 5).complete()).isFalse();
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

    @Test
    void everyRowOfTheTableHasTheSameWidthWhateverTheCellsHold() {
        List<Demo.PhaseResult> phases = List.of(
                phase("serial (estimated from 50)", "1 platform", 1, 1000, 50, 0, 2610),
                phase("platform pool of 64", "64 platform", 64, 1000, 1000, 0, 890, 950, 940),
                phase("Weft scope", "virtual/page", 1000, 1000, 1000, 0, 140, 170, 165),
                phase("Weft data flow", "1000 contexts, one virtual thread each", 1000, 1000, 1000, 3, 190, 280, 211));
        String table = Demo.table(phases, true);
        List<String> block = table.lines().dropWhile(String::isEmpty).takeWhile(l -> !l.isEmpty()).toList();
        assertThat(block).hasSize(2 + phases.size());
        assertThat(block).as(table).allSatisfy(line -> assertThat(line).hasSize(block.get(0).length()));
        // the column separators line up too
        java.util.function.Function<String, List<Integer>> bars = line -> java.util.stream.IntStream
                .range(0, line.length()).filter(i -> line.charAt(i) == '|' || line.charAt(i) == '+').boxed().toList();
        assertThat(bars.apply(block.get(0))).hasSize(9);
        assertThat(block).allSatisfy(line -> assertThat(bars.apply(line)).isEqualTo(bars.apply(block.get(0))));
        assertThat(table).contains("2.61 s for 50", "52.20 s (est.)", "3: 0.89-0.95 s", "997/1000 LOST 3");
    }
}
