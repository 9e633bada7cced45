package dev.weft.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Behaviour of the orchestrator found wrong while writing the {@link Op} and property tests, now fixed: each test
 * states what the documentation promises.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OrchestratorBugTest {
    @BeforeAll
    static void quiet() {
        Logger.getLogger(Orchestrator.class.getName()).setLevel(Level.OFF);
    }

    private static DataFlow badOutputFlow() {
        return DataFlow.builder()
                .operation(Operation.builder("bad_output").stage(Stage.OUTPUT).build(), (ctx, p) -> "not a map")
                .build();
    }

    /**
     * Non-strict: an OUTPUT (or CLEANUP) operation returning something other than a Map or null must be recorded in
     * the context's failures, as any other operation failure, not fail the whole run.
     */
    @Test
    void nonStrictRecordsAnOutputOperationsBadReturn() {
        var lenient = Orchestrator.of(Orchestrator.Options.defaults().withStrict(false));
        Definition<Object> in = Definition.of("in", "str");
        List<ContextResult> r = lenient.run(badOutputFlow(), Map.of("c", List.of(Input.of("x", in))));
        assertThat(r).singleElement().satisfies(c -> {
            assertThat(c.results()).isEmpty();
            assertThat(c.failures()).singleElement().satisfies(e -> assertThat(e.instance()).isEqualTo("bad_output"));
        });
    }

    /** Strict: the same failure must be an OperationException naming the instance, as for processing operations. */
    @Test
    void strictReportsAnOutputOperationsBadReturnAsAnOperationException() {
        Definition<Object> in = Definition.of("in", "str");
        assertThatThrownBy(() -> Orchestrator.withDefaults().run(badOutputFlow(),
                Map.of("c", List.of(Input.of("x", in)))))
                .isInstanceOf(OperationException.class)
                .hasMessageStartingWith("operation bad_output({}): {} failed in context 'c'")
                .cause().isInstanceOf(FlowException.class);
    }
}
