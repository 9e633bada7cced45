package dev.weft.flow;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Data flows in DFFML's own dict format, as a DFFML data flow file holds it (JSON, or YAML as DFFML's
 * {@code configloader/yaml} plugin writes), and the entry point for everything done with that format:
 * {@link #export(DataFlow, boolean) export} a {@link DataFlow} to the dict or {@link #write(DataFlow, FlowFormat,
 * boolean) write} it as text in a {@link FlowFormat}; {@link #read(String, FlowFormat, OperationRegistry) read} one
 * back from text, a {@link #read(Reader, FlowFormat, OperationRegistry) reader} or a {@link #read(Path,
 * OperationRegistry) file} (format by extension), or {@link #fromMap(Map, OperationRegistry) from the dict};
 * {@link #mermaid(DataFlow, boolean) draw} one; {@link #create(OperationRegistry, String...) create} one from
 * registered operations. Every reader takes the {@link OperationRegistry} that names resolve in; there is no implicit
 * one: pass {@link OperationRegistry#defaultRegistry()} for the built-ins and the {@link OperationProvider} services.
 *
 * <h2>The format</h2>
 * <pre>{@code
 * {"operations": {instance: {"name", "inputs": {param: definition}, "outputs": {key: definition},
 *                            "conditions": [definition], "stage": "processing"|"cleanup"|"output",
 *                            "expand": [key], "retry": n}},
 *  "seed": [{"value": v, "definition": definition, "origin": "seed"}],
 *  "flow": {instance: {"inputs": {param: [source]}, "conditions": [source]}},
 *  "configs": {instance: config}}
 * }</pre>
 * A definition is {@code {"name", "primitive"}} plus {@code "default"}, {@code "lock"} and {@code "validate"} (the
 * instance name of its validator operation, {@link Definition#withValidator(String)}) when set. As DFFML does,
 * {@code conditions} and {@code expand} are left out when empty, {@code seed}, {@code flow} and {@code configs} when
 * empty; Weft also writes {@code "validator": true} for a validator operation (DFFML reads it). A source is DFFML's:
 * an origin string ({@code "seed"} or a user's name), {@code {"instance": "output_key"}}, {@code {"origin":
 * ["DefA", "DefB"]}} (alternate definitions), or a lineage list {@code [{"instance": "key"}, parent_origin,
 * grandparent_origin, ...]} whose later entries are origin strings or {@code {instance: key}} maps.
 *
 * <p><b>Linked form</b> ({@code export(flow, true)}): {@code "linked": true} and a top-level {@code "definitions":
 * {name: definition}}, with every definition in operations and seed replaced by its name. On reading, a name that
 * is not among the definitions fails with DFFML's {@code DefinitionMissing} wording, adapted: <i>While resolving
 * add.conditions, missing definition is_add not found in [numbers, result]</i>.
 *
 * <h2>Reading</h2>
 * {@link #fromMap(Map, OperationRegistry)} builds the flow with {@link DataFlow#builder()}: explicit flows when the
 * file has {@code "flow"}, DFFML's automatic flow otherwise, and every {@link DataFlow} check. Each operation's
 * implementation is looked up by its {@code name} in an {@link OperationRegistry}, and only there (a file cannot
 * name code to load); an unregistered name fails, naming it, its instance and what is registered. Values are JSON
 * types: {@code String}, {@code Integer}/{@code Long}/{@code BigInteger}, {@code Double}, {@code Boolean},
 * {@code null}, {@code List} and {@code Map} (insertion-ordered). Keys this format does not have are rejected, naming
 * them and where. DFFML's {@code spec}, {@code subspec} and {@code links} of a definition are accepted and ignored:
 * a file cannot name a record class, so such values stay maps (give a definition a spec in Java with
 * {@link Definition#withSpec}); {@code forward} is read and written as DFFML's {@code {"book": {instance: [definition]}}}.
 *
 * <p>What cannot be written in the format fails {@link #export} with a {@link FlowException} naming it: alternate
 * definitions from an operation output. Configuration values and defaults are written as they are; to write JSON or
 * YAML they must be JSON types. A lineage source whose immediate origin is a name rather than an operation output is
 * written as a string first entry, which Weft reads back but DFFML's orchestrator does not accept.
 *
 * <p>Stateless and thread safe.
 */
// The facade: reading is FlowReader's job, writing FlowWriter's, drawing FlowDiagram's (all package-private).
public final class DataFlows {
    private DataFlows() {
    }

    // ---------------------------------------------------------------- writing

    /** {@code export(flow, false)}. */
    public static Map<String, Object> export(DataFlow flow) {
        return export(flow, false);
    }

    /**
     * DFFML's exported dict of {@code flow} (see the class description); a fresh, mutable, insertion-ordered map.
     *
     * @param linked whether to write the linked form (definitions once, by name elsewhere)
     * @throws FlowException if the flow holds something the format cannot express, naming it
     */
    public static Map<String, Object> export(DataFlow flow, boolean linked) {
        return FlowWriter.export(Objects.requireNonNull(flow, "flow"), linked);
    }

    /**
     * {@code flow} as text in DFFML's format: indented JSON, or YAML as DFFML's {@code configloader/yaml} writes it.
     *
     * @param linked whether to write the linked form (definitions once, by name elsewhere)
     * @throws FlowException if the flow cannot be exported, or holds a value the format cannot represent
     */
    public static String write(DataFlow flow, FlowFormat format, boolean linked) {
        return FlowWriter.write(Objects.requireNonNull(flow, "flow"), Objects.requireNonNull(format, "format"),
                linked);
    }

    // ---------------------------------------------------------------- diagram

    /**
     * {@code flow} as a Mermaid graph, in the layout of DFFML's {@code dffml dataflow diagram}: a subgraph per stage
     * (in stage order), in it a subgraph per operation instance with the operation's node, a round node per input
     * (pointing at the operation) and per output (pointed at by it); then an {@code Inputs} subgraph that draws each
     * flow source: a node per seed (or other named origin) definition pointing at the input it feeds, and an edge
     * from each producer's output node to each consumer's input node. Node ids are DFFML's (hex MD5 of
     * {@code "stage." + stage}, {@code "subgraph." + instance}, {@code instance}, {@code "input." + instance + "." +
     * name}, {@code "output." + instance + "." + key}, {@code origin + "." + definition}), so a flow DFFML also
     * draws gets the same ids. Weft adds condition sources as dotted edges into the operation's node, which DFFML
     * does not draw. Labels with characters Mermaid would misread are quoted.
     *
     * @param simple DFFML's {@code -simple}: only operations, with edges between operations and from seed nodes
     * @return the graph text, lines ending in {@code \n}
     */
    public static String mermaid(DataFlow flow, boolean simple) {
        return FlowDiagram.mermaid(Objects.requireNonNull(flow, "flow"), simple);
    }

    // ---------------------------------------------------------------- reading

    /**
     * The data flow {@code exported} describes, in DFFML's dict format, plain or linked. The map is not modified.
     *
     * @param registry where operation names resolve to implementations; {@link OperationRegistry#defaultRegistry()}
     *                 holds the built-ins and every {@link OperationProvider} the {@code ServiceLoader} finds
     * @throws FlowException naming what is wrong and where: a missing or malformed key, a missing definition
     *                       (DFFML's {@code DefinitionMissing}), an unregistered operation, or any {@link DataFlow}
     *                       check
     */
    public static DataFlow fromMap(Map<String, ?> exported, OperationRegistry registry) {
        return FlowReader.fromMap(exported, registry);
    }

    /**
     * The data flow in {@code text}, JSON or YAML as {@code format} says.
     *
     * @param registry as {@link #fromMap(Map, OperationRegistry)}
     * @throws FlowException for malformed text (naming the format, with line and column) or as
     *                       {@link #fromMap(Map, OperationRegistry)}
     */
    public static DataFlow read(String text, FlowFormat format, OperationRegistry registry) {
        return FlowReader.read(text, Objects.requireNonNull(format, "format"), registry);
    }

    /**
     * The data flow {@code reader} holds, JSON or YAML as {@code format} says; the reader is read to its end, not
     * closed.
     *
     * @param registry as {@link #fromMap(Map, OperationRegistry)}
     * @throws IOException   if reading fails
     * @throws FlowException as {@link #read(String, FlowFormat, OperationRegistry)}
     */
    public static DataFlow read(Reader reader, FlowFormat format, OperationRegistry registry) throws IOException {
        Objects.requireNonNull(format, "format");
        return FlowReader.read(reader, format, registry, format + " input");
    }

    /**
     * The data flow in {@code file}, JSON or YAML by its extension ({@code .json}; {@code .yaml} or {@code .yml},
     * in any case).
     *
     * @param registry as {@link #fromMap(Map, OperationRegistry)}
     * @throws IllegalArgumentException for another extension, naming the file
     * @throws IOException              if the file cannot be read
     * @throws FlowException            as {@link #read(String, FlowFormat, OperationRegistry)}, naming the file
     */
    public static DataFlow read(Path file, OperationRegistry registry) throws IOException {
        return FlowReader.read(Objects.requireNonNull(file, "file"), registry);
    }

    // ---------------------------------------------------------------- creating

    /**
     * A data flow of the registered operations {@code names}, each instance named as its operation, with DFFML's
     * automatic flow: what DFFML's {@code dataflow create} writes. Add seed inputs (such as an output operation's
     * spec) with {@link DataFlow#builder()} when a flow needs them, or export this one and edit the file.
     *
     * @throws FlowException if a name is not registered, or registered without an {@link Operation}, naming it
     */
    public static DataFlow create(OperationRegistry registry, String... names) {
        DataFlow.Builder b = DataFlow.builder();
        for (String name : names) {
            OperationRegistry.Entry e = registry.require(name, "given to create");
            if (e.operation() == null) {
                throw new FlowException("operation '" + name + "' is registered without its declaration (inputs, "
                        + "outputs), so a data flow cannot be made of it; register it with an Operation");
            }
            b.operation(e.operation(), e.implementation());
        }
        return b.build();
    }
}
