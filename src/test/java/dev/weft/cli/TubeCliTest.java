package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.tube.Epoch;
import dev.weft.tube.NodeRegistry;
import dev.weft.tube.Signals;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ./weft tube}, called in process with the providers' registry (NoobNodes, from the class path). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TubeCliTest {
    private static final NodeRegistry REGISTRY = TubeCli.loadRegistry(TubeCliTest.class.getClassLoader());

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return new TubeCli(REGISTRY, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Exit status 2 and exactly one line on stderr, starting with {@code weft tube: }, no stack trace. */
    private String badInput(String... args) {
        assertThat(run(args)).as("exit status of %s", Arrays.asList(args)).isEqualTo(2);
        assertThat(out()).isEmpty();
        assertThat(err().lines()).as("stderr of %s", Arrays.asList(args)).singleElement().asString()
                .startsWith("weft tube: ").doesNotContain("\tat ").doesNotContain("Exception");
        return err();
    }

    // ---- help, types, mistakes on the command line ----

    @Test
    void helpPrintsUsageAndNoArgumentsIsAUsageError() {
        assertThat(run("help")).isZero();
        assertThat(out()).startsWith("usage: ./weft tube <command>").contains("run FILE").contains("diagram FILE");
        assertThat(run()).isEqualTo(2);
        assertThat(err()).startsWith("usage: ./weft tube");
    }

    @Test
    void typesListsNoobNodesWithTheirSignalsBuiltInsAndAssets() {
        assertThat(run("types")).isZero();
        assertThat(out().lines())
                .contains("  count_source, noob.testing.count_source  -> index  stateful",
                        "  multiply, noob.testing.multiply  -> value  stateless",
                        "  jump, noob.testing.jump  -> skirttt, next  stateless",
                        "  sum  -> value  stateless",
                        "built in: gather, map, return, tube")
                .anySatisfy(l -> assertThat(l).startsWith("asset types: counter, noob.testing.counter, "));
        badInput("types", "extra");
    }

    @Test
    void commandLineMistakesAreOneLineAndStatusTwo() {
        assertThat(badInput("fly")).isEqualTo("weft tube: unknown command 'fly' (./weft tube help)\n");
        assertThat(badInput("run")).isEqualTo("weft tube: run needs a FILE (./weft tube help)\n");
        assertThat(badInput("diagram")).contains("diagram takes one FILE");
        assertThat(badInput("run", "docs/tubes/basic.yaml", "--n")).contains("--n needs a value");
        assertThat(badInput("run", "docs/tubes/basic.yaml", "--n", "0")).contains("--n wants at least 1 epoch, got 0");
        assertThat(badInput("run", "docs/tubes/basic.yaml", "--n", "five"))
                .contains("--n wants a whole number of epochs, got 'five'");
        assertThat(badInput("run", "docs/tubes/basic.yaml", "--runner", "zmq"))
                .contains("--runner is sync or concurrent, not 'zmq'");
        assertThat(badInput("run", "docs/tubes/basic.yaml", "--input", "oops"))
                .contains("--input wants NAME=VALUE, got 'oops'");
        assertThat(badInput("run", "docs/tubes/basic.yaml", "--bogus")).contains("unknown option '--bogus'");
        assertThat(badInput("run", "a.yaml", "b.yaml")).contains("run takes one FILE");
    }

    // ---- tubes that cannot be read or built (need the YAML reader) ----

    @Test
    void aMissingFileOrFolderIsOneLine() {
        assertThat(badInput("run", "no/such/tube.yaml")).isEqualTo("weft tube: no such file: no/such/tube.yaml\n");
        assertThat(badInput("diagram", "no/such/tube.yaml")).isEqualTo("weft tube: no such file: no/such/tube.yaml\n");
        assertThat(badInput("run", "docs/tubes")).isEqualTo("weft tube: not a file: docs/tubes\n");
    }

    @Test
    void badYamlAndUnknownTypesAreOneLine(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "noob_id: broken\nnodes:\n  a: [\n");
        assertThat(badInput("run", broken.toString())).contains("line");
        assertThat(badInput("diagram", broken.toString())).contains("line");
        Path unknown = dir.resolve("unknown.yaml");
        Files.writeString(unknown, "noob_id: unknown\nnodes:\n  a:\n    type: nonesuch\n");
        assertThat(badInput("run", unknown.toString())).contains("'nonesuch'").contains("node 'a'");
    }

    @Test
    void inputsMustBeDeclaredAndRequiredOnesGiven(@TempDir Path dir) throws Exception {
        assertThat(badInput("run", "docs/tubes/basic.yaml", "--input", "x=1"))
                .isEqualTo("weft tube: tube 'weft-basic' declares no input 'x' (declared: [])\n");
        Path needs = dir.resolve("needs.yaml");
        Files.writeString(needs, """
                noob_id: needs
                input:
                  start:
                    scope: tube
                    type: int
                nodes:
                  a:
                    type: count_source
                    params:
                      start: input.start
                  r:
                    type: return
                    depends: a.index
                """);
        assertThat(badInput("run", needs.toString()))
                .isEqualTo("weft tube: tube 'needs' needs input 'start' (tube scope, int): --input start=VALUE\n");
    }

    // ---- diagram (needs the YAML reader and the graph) ----

    @Test
    void diagramPrintsTheMermaidFlowchart() {
        assertThat(run("diagram", "docs/tubes/basic.yaml")).isZero();
        assertThat(err()).isEmpty();
        assertThat(out()).isEqualTo("""
                %% tube weft-basic
                flowchart LR
                    n_a["a<br/>count_source"]
                    n_b["b<br/>multiply"]
                    n_c(["c<br/>return"])
                    n_a -->|"index → left"| n_b
                    n_b -->|"value"| n_c
                """);
        assertThat(run("diagram", "docs/tubes/map.yaml")).isZero();
        assertThat(out()).contains("n_letters[/\"letters<br/>map\"\\]").contains("n_regroup[\\\"regroup<br/>gather\"/]")
                .contains("i_hype(\"input.hype<br/>process\")");
    }

    // ---- run (needs the runners) ----

    @ParameterizedTest
    @ValueSource(strings = {"sync", "concurrent"})
    void runPrintsEachReturnValueAndASummary(String runner) {
        assertThat(run("run", "docs/tubes/basic.yaml", "--n", "5", "--runner", runner)).isZero();
        assertThat(out().lines()).containsExactly("0", "2", "4", "6", "8");
        assertThat(err().lines()).singleElement().asString()
                .startsWith("weft tube: weft-basic: 5 epochs, 5 values in ")
                .contains("epochs/s, " + runner + " runner)")
                .endsWith("node runs: a 5, b 5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sync", "concurrent"})
    void gatherAndMapExamples(String runner) {
        assertThat(run("run", "docs/tubes/gather.yaml", "--n", "10", "--runner", runner)).isZero();
        assertThat(out().lines()).containsExactly("{\"word\": \"abcde\"}", "{\"word\": \"fghij\"}");
        assertThat(err()).contains("10 epochs, 2 values").contains("letters 10, five 10, word 2");
        assertThat(run("run", "docs/tubes/map.yaml", "--n", "3", "--runner", runner, "--input", "hype=2")).isZero();
        assertThat(out().lines()).hasSize(3).allSatisfy(line -> assertThat(line)
                .matches("\\{\"word\": \"([a-z]+)\", \"letters\": \\[.*], \"loud\": \"([a-z]!!)+\"}"));
    }

    @Test
    void noobsOwnFilesRunUnchanged() {
        String dir = "src/test/resources/tubes/noob/basic/"; // noob's test tubes, types named noob.testing.*
        assertThat(run("run", dir + "branch.yaml", "--n", "3")).isZero();
        assertThat(out().lines()).containsExactly("{\"multiply\": 0, \"divide\": 0.0}",
                "{\"multiply\": 2, \"divide\": 0.2}", "{\"multiply\": 4, \"divide\": 0.4}");
        assertThat(run("run", dir + "gather_dependent.yaml", "--n", "6", "--runner", "concurrent")).isZero();
        // a word every third epoch triggers the gather: noob's [0, 1, 2], [3, 4, 5] under that word
        assertThat(out().lines()).hasSize(2)
                .allSatisfy(l -> assertThat(l).matches("\\{\"word\": \\{\"[a-z]+\": \\[\\d+, \\d+, \\d+]}}"))
                .last().asString().endsWith(": [3, 4, 5]}}");
    }

    @Test
    void processInputsGoWithEveryEpochAndTubeInputsToTheTube(@TempDir Path dir) throws Exception {
        Path tube = dir.resolve("inputs.yaml");
        Files.writeString(tube, """
                noob_id: inputs
                input:
                  start:
                    scope: tube
                    type: int
                  times:
                    scope: process
                    type: int
                nodes:
                  a:
                    type: count_source
                    params:
                      start: input.start
                  b:
                    type: multiply
                    depends:
                      - left: a.index
                      - right: input.times
                  r:
                    type: return
                    depends: b.value
                """);
        assertThat(run("run", tube.toString(), "--n", "3", "--input", "start=10", "--input", "times=3")).isZero();
        assertThat(out().lines()).containsExactly("30", "33", "36");
        assertThat(err()).contains("3 epochs, 3 values");
    }

    @Test
    void aSourceThatRunsOutEndsTheRunAndTheSummarySaysSo(@TempDir Path dir) throws Exception {
        Path tube = dir.resolve("short.yaml");
        Files.writeString(tube, """
                noob_id: short
                nodes:
                  a:
                    type: count_source
                    params:
                      limit: 3
                  r:
                    type: return
                    depends: a.index
                """);
        assertThat(run("run", tube.toString(), "--n", "10")).isZero();
        assertThat(out().lines()).containsExactly("0", "1", "2");
        assertThat(err()).contains("3 values").contains("of 10 epochs");
    }

    @Test
    void aFailingNodeIsOneLineAndStatusOne() {
        assertThat(run("run", "docs/tubes/map.yaml", "--n", "1", "--input", "hype=\"loud\"")).isEqualTo(1);
        assertThat(err().lines()).singleElement().asString()
                .startsWith("weft tube: tube 'weft-map': node 'loud' failed in epoch 0/(letters,0): ")
                .contains("unsupported operand type(s) for *: 'str' and 'str'");
    }

    // ---- pieces ----

    @Test
    void returnValuesPrintAsPythonsJsonDumps() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1L);
        m.put("b", List.of(2.5, "x\"y\n", true));
        m.put("c", null);
        assertThat(JsonLine.of(m)).isEqualTo("{\"a\": 1, \"b\": [2.5, \"x\\\"y\\n\", true], \"c\": null}");
        assertThat(JsonLine.of(Signals.of("word", "w"))).isEqualTo("{\"word\": \"w\"}");
        assertThat(JsonLine.of(new int[] {1, 2})).isEqualTo("[1, 2]");
        assertThat(JsonLine.of(Epoch.root(3).sub("m", 1))).isEqualTo("\"3/(m,1)\"");
        assertThat(JsonLine.of(Double.NaN)).isEqualTo("NaN");
        assertThat(JsonLine.of('c')).isEqualTo("\"c\"");
    }

    @Test
    void theSummaryListsNodesInTheTubesOrder() {
        RunMeter meter = new RunMeter("t", List.of("a", "b"), 4, null, false);
        meter.nodeRan("t", "b", Epoch.root(0), java.time.Duration.ZERO, false);
        meter.nodeRan("t", "a", Epoch.root(0), java.time.Duration.ZERO, false);
        meter.nodeRan("t", "b", Epoch.root(1), java.time.Duration.ZERO, true);
        meter.nodeRan("child", "x", Epoch.root(0), java.time.Duration.ZERO, false);
        meter.epochEnded("t", Epoch.root(0), java.time.Duration.ZERO, 0);
        meter.epochEnded("t", Epoch.root(1), java.time.Duration.ZERO, 0);
        assertThat(meter.summary("sync", -1, 2, 2_000_000_000L, null)).isEqualTo("weft tube: t: 2 epochs, 2 values "
                + "in 2.0 s (1.0 epochs/s, sync runner); ended after 2 of 4 epochs (a source ran out); node runs: "
                + "a 1, b 2 (1 failed), child/x 1");
    }
}
