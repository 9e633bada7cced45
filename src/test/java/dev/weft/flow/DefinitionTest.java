package dev.weft.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Definitions: DFFML equality, export, specs that turn maps into records, and Input identity. */
class DefinitionTest {
    record Point(int x, double y, String label) {
        Point {
            if (label.isBlank()) {
                throw new IllegalArgumentException("label must not be blank");
            }
        }
    }

    @Test
    void equalityIsByExportedForm() {
        Definition<String> a = Definition.of("a", "str");
        assertThat(a).isEqualTo(Definition.of("a", "str")).hasSameHashCodeAs(Definition.of("a", "str"));
        assertThat(a).isNotEqualTo(Definition.of("a", "int")).isNotEqualTo(a.locked()).isNotEqualTo(a.withDefault("x"));
        assertThat(a.withValidate(String::trim)).isEqualTo(a); // validate is not part of the exported form
        assertThat(a.locked().withDefault("d").export())
                .containsExactly(Map.entry("name", "a"), Map.entry("primitive", "str"), Map.entry("default", "d"),
                        Map.entry("lock", true));
        assertThat(a.toString()).isEqualTo("a");
    }

    @Test
    void specTurnsMapsIntoRecords() {
        // as a data flow file gives them: untyped definitions whose values arrive as maps
        Definition<Object> point = Definition.of("point", "map").withSpec(Point.class, false);
        Input in = Input.of(Map.of("x", 1, "y", 2, "label", "p"), point);
        assertThat(in.value()).isEqualTo(new Point(1, 2.0, "p"));
        assertThat(Input.of(new Point(3, 4, "q"), point).value()).isEqualTo(new Point(3, 4, "q"));

        Definition<Object> points = Definition.of("points", "array").withSpec(Point.class, true);
        assertThat(Input.of(List.of(Map.of("x", 1, "y", 1.5, "label", "a")), points).value())
                .isEqualTo(List.of(new Point(1, 1.5, "a")));

        assertThatThrownBy(() -> Input.of(Map.of("x", 1, "y", 2), point)).isInstanceOf(FlowException.class)
                .hasMessage("value of definition 'point' lacks field 'label' of Point: " + Map.of("x", 1, "y", 2));
        assertThatThrownBy(() -> Input.of(Map.of("x", "one", "y", 2, "label", "p"), point))
                .isInstanceOf(FlowException.class).hasMessageContaining("field.x of definition 'point' must be int")
                .hasMessageContaining("PrimitiveDoesNotMatchValue");
        assertThatThrownBy(() -> Input.of(Map.of("x", 1, "y", 2, "label", " "), point))
                .isInstanceOf(FlowException.class).hasMessageContaining("refused by Point")
                .hasRootCauseMessage("label must not be blank");
        assertThatThrownBy(() -> Input.of("not a list", points)).isInstanceOf(FlowException.class)
                .hasMessageContaining("has a subspec");
    }

    @Test
    void inputsAreIdentifiedByUidNotValue() {
        Definition<Integer> n = Definition.of("n", "int");
        Input a = Input.of(1, n), b = Input.of(1, n);
        assertThat(a).isNotEqualTo(b);
        assertThat(a.origin()).isEqualTo(Origin.SEED);
        assertThat(Input.of(1, n, "user").origin()).isEqualTo(Origin.named("user"));
        assertThat(a.export()).containsExactly(Map.entry("value", 1), Map.entry("definition", "n"),
                Map.entry("origin", "seed"));
    }
}
