package dev.weft.tube;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link TubeDiagram}: Mermaid from a specification alone. */
class TubeDiagramTest {
    @Test
    void basicTubeHasABoxPerNodeAndLabelledEdges() {
        TubeSpec spec = Tube.builder("testing-basic")
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("b", NodeSpec.of("multiply").withNamedDepends("left", "a.index"))
                .withNode("c", NodeSpec.of("return").withDepends("b.value"));
        assertThat(TubeDiagram.mermaid(spec)).isEqualTo("""
                %% tube testing-basic
                flowchart LR
                    n_a["a<br/>count_source"]
                    n_b["b<br/>multiply"]
                    n_c(["c<br/>return"])
                    n_a -->|"index → left"| n_b
                    n_b -->|"value"| n_c
                """);
    }

    @Test
    void specialTypesHaveTheirShapes() {
        TubeSpec spec = Tube.builder("shapes")
                .withNode("w", NodeSpec.of("word_source"))
                .withNode("m", NodeSpec.of("map").withNamedDepends("value", "w.word"))
                .withNode("g", NodeSpec.of("gather").withNamedDepends("value", "m.value", "n", "m.n"))
                .withNode("t", NodeSpec.of("tube").withParam("tube", "child"))
                .withNode("r", NodeSpec.of("return").withDepends(Depends.list("g.value", "t.value")));
        String m = TubeDiagram.mermaid(spec);
        assertThat(m).contains("    n_m[/\"m<br/>map\"\\]\n")
                .contains("    n_g[\\\"g<br/>gather\"/]\n")
                .contains("    n_t[[\"t<br/>tube child\"]]\n")
                .contains("    n_r([\"r<br/>return\"])\n")
                .contains("    n_m -->|\"value → value\"| n_g\n")
                .contains("    n_m -->|\"n → n\"| n_g\n")
                .contains("    n_g -->|\"value → 0\"| n_r\n")   // positional slots by index
                .contains("    n_t -->|\"value → 1\"| n_r\n");
    }

    @Test
    void inputsAndAssetsAreNodesOnlyWhenUsed() {
        TubeSpec spec = Tube.builder("io")
                .withInput("used", InputSpec.of(InputSpec.Scope.PROCESS))
                .withInput("unused", InputSpec.of(InputSpec.Scope.TUBE))
                .withAsset("counter", AssetSpec.of("counter", AssetSpec.Scope.RUNNER).withDepends("b.iterator"))
                .withAsset("idle", AssetSpec.of("counter", AssetSpec.Scope.NODE))
                .withNode("a", NodeSpec.of("increment").withNamedDepends("iterator", "assets.counter",
                        "increment", "input.used"))
                .withNode("b", NodeSpec.of("increment").withNamedDepends("iterator", "a.iterator"));
        String m = TubeDiagram.mermaid(spec);
        assertThat(m).contains("    i_used(\"input.used<br/>process\")\n")
                .contains("    a_counter[(\"assets.counter<br/>counter (runner)\")]\n")
                .contains("    a_counter -->|\"counter → iterator\"| n_a\n")
                .contains("    i_used -->|\"used → increment\"| n_a\n")
                .contains("    n_b -.->|\"iterator\"| a_counter\n") // the asset takes b.iterator after each epoch
                .doesNotContain("unused").doesNotContain("idle");
    }

    @Test
    void disabledNodesAreDashed() {
        TubeSpec spec = Tube.builder("disable")
                .withNode("a", NodeSpec.of("count_source"))
                .withNode("b", NodeSpec.of("multiply").withNamedDepends("left", "a.index").withEnabled(false))
                .withNode("c", NodeSpec.of("return").withDepends("b.value").withEnabled(false));
        assertThat(TubeDiagram.mermaid(spec))
                .contains("    classDef disabled stroke-dasharray:5 5,opacity:0.5\n")
                .endsWith("    class n_b,n_c disabled\n");
    }

    @Test
    void oddIdsAndLabelsCannotBreakTheGraph() {
        TubeSpec spec = Tube.builder("odd")
                .withNode("my-node", NodeSpec.of("a\"b<c>#d&`"))
                .withNode("end", NodeSpec.of("return").withDepends(Depends.named("x y", "my-node.value")));
        String m = TubeDiagram.mermaid(spec);
        String hashed = TubeDiagram.nodeId("my-node");
        assertThat(hashed).matches("nh_[0-9a-f]{32}");
        assertThat(m).contains("    " + hashed + "[\"my-node<br/>a#quot;b#lt;c#gt;#35;d#amp;#96;\"]\n")
                .contains("    n_end([\"end<br/>return\"])\n") // the prefix keeps Mermaid's 'end' keyword out
                .contains("    " + hashed + " -->|\"value → x y\"| n_end\n");
        // every line is a comment, the header, or starts with an id of ours
        m.lines().skip(2).forEach(line -> assertThat(line).matches("    (n_|nh_|i_|a_|class).*"));
    }

    @Test
    void aDependencyOnAnAbsentNodeDrawsItAsMissing() {
        TubeSpec spec = Tube.builder("broken")
                .withNode("b", NodeSpec.of("multiply").withNamedDepends("left", "nowhere.index"));
        assertThat(TubeDiagram.mermaid(spec)).contains("    n_nowhere[\"nowhere<br/>(missing)\"]\n")
                .contains("    n_nowhere -->|\"index → left\"| n_b\n")
                .endsWith("    class n_nowhere missing\n");
    }

    @Test
    void escapeLeavesPlainTextAlone() {
        assertThat(TubeDiagram.escape("count_source.index 42")).isEqualTo("count_source.index 42");
        assertThat(TubeDiagram.escape("two\nlines")).isEqualTo("two<br/>lines");
    }
}
