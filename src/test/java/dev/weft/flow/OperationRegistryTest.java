package dev.weft.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.demo.CalcOperations;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry operation names in files resolve through. */
class OperationRegistryTest {
    @Test
    void builtInsAndServiceLoaderProviders() {
        assertThat(OperationRegistry.withBuiltins().names()).containsExactly("associate", "associate_definition",
                "dffml.dataflow.run", "get_multi", "get_single", "group_by");
        assertThat(OperationRegistry.empty().names()).isEmpty();
        // the test class path declares CalcOperations in META-INF/services
        OperationRegistry loaded = OperationRegistry.load(getClass().getClassLoader());
        assertThat(loaded.names()).contains("get_single", "get_multi", "parse_line", "add", "mult");
        assertThat(OperationRegistry.defaultRegistry().names()).containsAll(loaded.names());
        assertThat(OperationRegistry.defaultRegistry()).isSameAs(OperationRegistry.defaultRegistry());
        assertThat(loaded.find("get_single").orElseThrow().implementation()).isSameAs(Outputs.GET_SINGLE);
        assertThat(loaded.find("add").orElseThrow().operation()).isEqualTo(CalcOperations.ADD);
    }

    @Test
    void aNameIsRegisteredOnce() {
        OperationRegistry r = OperationRegistry.withBuiltins().register(new CalcOperations());
        assertThatThrownBy(() -> r.register("add", null, (ctx, in) -> null)).isInstanceOf(FlowException.class)
                .hasMessage("operation 'add' is registered twice: by provider dev.weft.demo.CalcOperations and by "
                        + "register(...)");
        assertThatThrownBy(() -> r.register(Outputs.getSingle(), Outputs.GET_SINGLE))
                .hasMessage("operation 'get_single' is registered twice: by built-in and by register(...)");
        assertThatThrownBy(() -> r.register(() -> null))
                .hasMessageEndingWith("returned null from operations()");
    }

    @Test
    void entriesAreChecked() {
        assertThatThrownBy(() -> new OperationRegistry.Entry("add", CalcOperations.MULT, (c, i) -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("entry 'add' declares an operation named 'mult'; the names must match");
        assertThatThrownBy(() -> new OperationRegistry.Entry(" ", null, (c, i) -> null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OperationRegistry.Entry("x", null, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("implementation of operation 'x'");
    }

    @Test
    void requireNamesTheOperationAndWhatIsRegistered() {
        OperationRegistry r = OperationRegistry.withBuiltins();
        assertThatThrownBy(() -> r.require("add", "instance 'plus'")).isInstanceOf(FlowException.class)
                .hasMessageStartingWith("operation 'add' (instance 'plus') is not registered; registered operations "
                        + "are [associate, associate_definition, dffml.dataflow.run, get_multi, get_single, group_by]");
        assertThat(r.entries()).extracting(OperationRegistry.Entry::name).isEqualTo(List.of("associate",
                "associate_definition", "dffml.dataflow.run", "get_multi", "get_single", "group_by"));
    }
}
