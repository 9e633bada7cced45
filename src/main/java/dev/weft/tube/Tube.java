package dev.weft.tube;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A tube: a checked graph of processing nodes (noob's model), ready for a {@link TubeRunner}. Nodes have slots and
 * signals; {@code depends} wires a signal to a slot. One {@link TubeRunner#process()} is one root {@link Epoch}: each
 * node runs once its inputs are ready; a {@code map} node splits a value into sub-epochs, a {@code gather} node
 * collects values (every {@code n}, or on a {@code trigger}), a {@code return} node shapes the result, and a
 * {@code tube} node runs another tube.
 *
 * <p>Made from noob's YAML ({@link #fromYaml}, {@link #read}) or from a {@link TubeSpec} built in Java
 * ({@link #builder}, {@link #of}). Building checks everything and names the node and field of each problem: node
 * types registered, every dependency present, at most one return node, no cycle, no node depending on two unrelated
 * maps. Tube-scoped inputs are given with {@link #withInput}.
 *
 * {@snippet :
 * Tube tube = Tube.read(Path.of("basic.yaml"), registry);
 * try (TubeRunner runner = Runners.concurrent(tube)) {
 *     List<Object> results = runner.run(5);          // [0, 2, 4, 6, 8]
 * }
 * }
 *
 * <p>Immutable and thread safe; a tube holds no running state (runners do), so one tube may have many runners.
 */
public final class Tube {
    final TubeGraph graph;
    private final Map<String, Object> tubeInput;

    private Tube(TubeGraph graph, Map<String, Object> tubeInput) {
        this.graph = graph;
        this.tubeInput = tubeInput;
    }

    /** A new specification to build in Java: {@code Tube.builder("id").withNode(...).build(registry)}. */
    public static TubeSpec builder(String id) {
        return TubeSpec.named(id);
    }

    /**
     * Checks a specification and makes the tube; {@code tube} nodes and {@code extends} find other tubes among the
     * registry's tubes.
     *
     * @throws TubeException naming the node and field of the first problem
     */
    public static Tube of(TubeSpec spec, NodeRegistry registry) {
        return of(spec, registry, registry::tube);
    }

    static Tube of(TubeSpec spec, NodeRegistry registry, Function<String, Optional<TubeSpec>> tubes) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(registry, "registry");
        return new Tube(TubeGraph.compile(spec, registry, tubes, List.of()), Map.of());
    }

    /** A tube of an already checked graph (a tube node's child) with its tube inputs. */
    static Tube ofGraph(TubeGraph graph, Map<String, Object> tubeInput) {
        return new Tube(graph, Collections.unmodifiableMap(new LinkedHashMap<>(tubeInput)));
    }

    /**
     * Reads a tube from noob's YAML. {@code extends} and {@code tube} nodes find other tubes among the registry's.
     *
     * @throws TubeException naming the node and field of the first problem, or the line of a YAML error
     */
    public static Tube fromYaml(String yaml, NodeRegistry registry) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(registry, "registry");
        TubeSpec spec = TubeYaml.parse(yaml, "YAML text", registry::tube);
        return of(spec, registry, registry::tube);
    }

    /**
     * Reads a tube from a noob YAML file. {@code extends} and {@code tube} nodes find other tubes among the
     * registry's and then among the {@code .yaml}/{@code .yml} files of the same folder (by {@code noob_id}).
     *
     * @throws TubeException naming the file, node and field of the first problem
     * @throws java.io.UncheckedIOException when the file cannot be read
     */
    public static Tube read(Path file, NodeRegistry registry) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(registry, "registry");
        Path dir = file.toAbsolutePath().getParent();
        Function<String, Optional<TubeSpec>> folder = TubeYaml.folder(dir);
        Function<String, Optional<TubeSpec>> tubes = id -> registry.tube(id).or(() -> folder.apply(id));
        TubeSpec spec = TubeYaml.read(file, tubes);
        return of(spec, registry, tubes);
    }

    /**
     * This tube with tube-scoped inputs given (added to any given before; process-scoped inputs of the same name
     * override them per call).
     *
     * @throws TubeException when a name is not a declared input
     */
    public Tube withInput(Map<String, ?> input) {
        Map<String, Object> m = new LinkedHashMap<>(tubeInput);
        input.forEach((k, v) -> {
            if (!graph.spec.inputs().containsKey(k)) {
                throw new TubeException(graph.spec.id(), "input '" + k + "'", null, "not declared in the tube's "
                        + "input (declared: " + graph.spec.inputs().keySet() + ")");
            }
            m.put(k, v);
        });
        return new Tube(graph, Collections.unmodifiableMap(m));
    }

    /** The tube's {@code noob_id}. */
    public String id() {
        return graph.spec.id();
    }

    /** The specification it was built from ({@code extends} resolved). */
    public TubeSpec spec() {
        return graph.spec;
    }

    /** The tube-scoped inputs given with {@link #withInput}. */
    public Map<String, Object> tubeInput() {
        return tubeInput;
    }

    /** The node ids in a topological order (every node after the nodes it depends on). */
    public List<String> topologicalOrder() {
        return graph.topologicalIds();
    }

    /** A Mermaid flowchart of the tube: nodes with their types, edges labelled with signal and slot. */
    public String mermaid() {
        return TubeDiagram.mermaid(this);
    }

    @Override
    public String toString() {
        return "Tube[" + id() + ", nodes=" + graph.spec.nodes().keySet() + "]";
    }
}
