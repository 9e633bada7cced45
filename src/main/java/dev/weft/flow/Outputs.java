package dev.weft.flow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DFFML's output operations: each runs in the {@link Stage#OUTPUT OUTPUT} stage and turns the inputs a context
 * holds into its result. Add one to a data flow with its implementation, and seed its spec:
 *
 * {@snippet :
 * DataFlow.builder()
 *         .operation(Outputs.getSingle(), Outputs.GET_SINGLE)
 *         .seed(Input.of(List.of("result"), Outputs.GET_SINGLE_SPEC))
 * }
 *
 * <ul>
 *   <li>{@code get_single}: spec = a list of definition names, or of {@code {alias: definitionName}} maps; the
 *       result maps each name (or alias) to the value of the <em>last</em> input of that definition added to the
 *       context. A definition with no input in the context fails the run, naming it and the context.</li>
 *   <li>{@code get_multi}: the same spec; each name maps to the list of all values, in the order they were added
 *       (for operations that ran concurrently, that is their completion order).</li>
 * </ul>
 *
 * Stateless and thread safe.
 */
public final class Outputs {
    private Outputs() {
    }

    /** The spec input of {@code get_single}. */
    public static final Definition<Object> GET_SINGLE_SPEC = Definition.of("get_single_spec", "array");
    /** The (nominal) output of {@code get_single}. */
    public static final Definition<Object> GET_SINGLE_OUTPUT = Definition.of("get_single_output", "map");
    /** The spec input of {@code get_multi}. */
    public static final Definition<Object> GET_MULTI_SPEC = Definition.of("get_multi_spec", "array");
    /** The (nominal) output of {@code get_multi}. */
    public static final Definition<Object> GET_MULTI_OUTPUT = Definition.of("get_multi_output", "map");

    /** The {@code get_single} operation. */
    public static Operation getSingle() {
        return Operation.builder("get_single").input("spec", GET_SINGLE_SPEC).output("output", GET_SINGLE_OUTPUT)
                .stage(Stage.OUTPUT).build();
    }

    /** The {@code get_multi} operation. */
    public static Operation getMulti() {
        return Operation.builder("get_multi").input("spec", GET_MULTI_SPEC).output("output", GET_MULTI_OUTPUT)
                .stage(Stage.OUTPUT).build();
    }

    /** The implementation of {@code get_single}. */
    public static final OperationImplementation GET_SINGLE = (ctx, inputs) -> {
        Map<String, Object> out = new LinkedHashMap<>();
        spec(inputs.get("spec")).forEach((alias, name) -> {
            List<Input> found = require(ctx, name);
            out.put(alias, found.get(found.size() - 1).value());
        });
        return out;
    };

    /** The implementation of {@code get_multi}. */
    public static final OperationImplementation GET_MULTI = (ctx, inputs) -> {
        Map<String, Object> out = new LinkedHashMap<>();
        spec(inputs.get("spec")).forEach((alias, name) -> {
            List<Object> values = new ArrayList<>();
            for (Input i : require(ctx, name)) {
                values.add(i.value());
            }
            out.put(alias, values);
        });
        return out;
    };

    private static List<Input> require(OperationContext ctx, String name) {
        List<Input> found = ctx.inputs(name);
        if (found.isEmpty()) {
            throw new FlowException(ctx.instanceName() + ": definition '" + name + "' not in context '"
                    + ctx.contextName() + "' (DFFML's DefinitionNotInContext)");
        }
        return found;
    }

    /** Alias to definition name, from a spec of names and {@code {alias: name}} maps. */
    private static Map<String, String> spec(Object spec) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!(spec instanceof Iterable<?> items)) {
            throw new FlowException("an output spec must be a list of definition names or {alias: name} maps, got "
                    + spec);
        }
        for (Object item : items) {
            if (item instanceof String name) {
                out.put(name, name);
            } else if (item instanceof Map<?, ?> m) {
                m.forEach((alias, name) -> out.put(String.valueOf(alias), String.valueOf(name)));
            } else {
                throw new FlowException("output spec entry must be a definition name or {alias: name}, got " + item);
            }
        }
        return out;
    }
}
