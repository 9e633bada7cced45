package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.demo.CalcOperations;
import dev.weft.flow.OperationRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ./weft flow}, called in process. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlowCliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        OperationRegistry registry = OperationRegistry.withBuiltins().register(new CalcOperations());
        return new FlowCli(registry, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private Map<String, Object> results() throws Exception {
        return new ObjectMapper().readValue(out(), new com.fasterxml.jackson.core.type.TypeReference<>() { });
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runsTheCalcFlowPerContext() throws Exception {
        int status = run("run", "docs/flows/calc.json",
                "--context", "add 40 and 2", "--input", "add 40 and 2=calc_string",
                "--context", "multiply 42 and 10", "--input", "multiply 42 and 10=calc_string");
        assertThat(err()).isEmpty();
        assertThat(status).isZero();
        assertThat(results()).isEqualTo(Map.of(
                "add 40 and 2", Map.of("result", 42), "multiply 42 and 10", Map.of("result", 420)));
    }

    @Test
    void aGoalRunsTheSameFlowAndPrintsEachMoveOfItsLimitOnStandardError() throws Exception {
        int status = run("run", "docs/flows/calc.json", "--goal", "memory", "--memory-budget", "64",
                "--max-contexts", "8", "--context", "add 40 and 2", "--input", "add 40 and 2=calc_string");
        assertThat(status).as(err()).isZero();
        assertThat(results()).isEqualTo(Map.of("add 40 and 2", Map.of("result", 42)));
        assertThat(err()).startsWith("weft flow:").contains("limit 0 -> 4 (START").contains("goal MEMORY")
                .contains("budget 64.0 MiB");
    }

    @Test
    void badGoalOptionsAreOneLineUsageErrors() {
        assertThat(run("run", "docs/flows/calc.json", "--goal", "fast")).isEqualTo(2);
        assertThat(err()).contains("--goal wants speed, memory or balanced, got 'fast'");
        err.reset();
        assertThat(run("run", "docs/flows/calc.json", "--memory-budget", "64")).isEqualTo(2);
        assertThat(err()).contains("--memory-budget needs a --goal");
        err.reset();
        assertThat(run("run", "docs/flows/calc.json", "--goal", "speed", "--max-contexts", "0")).isEqualTo(2);
        assertThat(err()).contains("--max-contexts wants a positive whole number, got '0'");
    }

    @Test
    void inputsWithoutContextGoToDefaultAndYamlRuns() throws Exception {
        assertThat(run("run", "src/test/resources/flows/calc.yaml", "--input", "add 1 and 2 and 3=calc_string"))
                .isZero();
        assertThat(results()).isEqualTo(Map.of("default", Map.of("result", 6)));
    }

    @Test
    void valuesAreJsonLiteralsElseStrings() {
        assertThat(FlowCli.parseValue("42")).isEqualTo(42);
        assertThat(FlowCli.parseValue("[1, 2]")).isEqualTo(List.of(1, 2));
        assertThat(FlowCli.parseValue("{\"a\": true}")).isEqualTo(Map.of("a", true));
        assertThat(FlowCli.parseValue("\"42\"")).isEqualTo("42");
        assertThat(FlowCli.parseValue("add 40 and 2")).isEqualTo("add 40 and 2");
        assertThat(FlowCli.parseValue("1 2")).isEqualTo("1 2");
        assertThat(FlowCli.parseValue("null")).isNull();
    }

    @Test
    void diagramPrintsMermaid() {
        assertThat(run("diagram", "docs/flows/calc.json")).isZero();
        assertThat(out()).startsWith("graph TD\nsubgraph a759a07029077edc5c37fea0326fa281[Processing Stage]\n")
                .contains("b42e9e149e775202b18841f1f67061c4[get_single]").endsWith("end\n");
    }

    @Test
    void exportConvertsToLinkedYaml() throws Exception {
        assertThat(run("export", "--yaml", "--linked", "docs/flows/calc.json")).isZero();
        assertThat(out()).contains("linked: true").contains("definitions:");
        Map<?, ?> back = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readValue(out(), Map.class);
        assertThat(back.get("definitions")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsKeys("calc_string", "numbers", "result");
    }

    @Test
    void listsOperations() {
        assertThat(run("operations")).isZero();
        assertThat(out().lines()).containsExactly("add", "associate", "associate_definition", "dffml.dataflow.run",
                "get_multi", "get_single", "group_by", "mult", "parse_line");
    }

    @Test
    void mistakesExitNonZeroSayingWhat() {
        assertThat(run()).isEqualTo(2);
        assertThat(err()).startsWith("usage: ./weft flow");
        err.reset();
        assertThat(run("fly")).isEqualTo(2);
        assertThat(err()).startsWith("weft flow: unknown command 'fly'");
        err.reset();
        assertThat(run("run", "docs/flows/calc.json", "--input", "oops")).isEqualTo(2);
        assertThat(err()).startsWith("weft flow: --input wants VALUE=DEFINITION, got 'oops'");
        err.reset();
        assertThat(run("run", "docs/flows/calc.json", "--input", "5=nope")).isEqualTo(1);
        assertThat(err()).startsWith("weft flow: --input 5=nope (context 'default'): the flow has no definition "
                + "'nope'; its definitions are [");
        err.reset();
        assertThat(run("run", "no/such/flow.json")).isEqualTo(1);
        assertThat(err()).isEqualTo("weft flow: no such file: no/such/flow.json\n");
        err.reset();
        assertThat(run("diagram", "docs/flows/calc.txt")).isEqualTo(1);
        assertThat(err()).isEqualTo("weft flow: data flow file docs/flows/calc.txt: unknown format; name it *.json, "
                + "*.yaml or *.yml\n");
        err.reset();
        // a context where parse_line gets a number: the operation fails and the run reports it
        assertThat(run("run", "docs/flows/calc.json", "--input", "42=calc_string")).isEqualTo(1);
        assertThat(err()).startsWith("weft flow: ").contains("parse_line");
        assertThat(out()).isEmpty();
    }

    /**
     * A flow whose output operation finds nothing to output: one line naming the definition, the context and the
     * likely cause in the flow's own terms (which operations produce it, what the flow starts from), no Java names.
     */
    @Test
    void aFlowThatProducesNothingToOutputSaysWhatIsMissingAndWhy() {
        assertThat(run("run", "docs/flows/calc.json")).isEqualTo(1);
        assertThat(out()).isEmpty();
        assertThat(err()).isEqualTo("weft flow: get_single found no 'result' in context 'default': no input reached "
                + "add or mult, which produce it, or their conditions did not hold; this flow starts from "
                + "calc_string (--input VALUE=calc_string)\n");
        err.reset();
        // an input that parses but is neither an addition nor a multiplication: the conditions do not hold
        assertThat(run("run", "docs/flows/calc.json", "--context", "sub", "--input", "subtract 1 and 2=calc_string"))
                .isEqualTo(1);
        assertThat(err().lines()).singleElement().asString()
                .startsWith("weft flow: get_single found no 'result' in context 'sub': ")
                .doesNotContain("Exception").doesNotContain("dev.weft");
    }
}
