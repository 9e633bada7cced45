package dev.weft.flow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
 *   <li>{@code group_by}: spec {@code {out: {"group": definition, "by": definition, "nostrict": bool}}}; each
 *       {@code out} maps every value of {@code by} (sorted) to the values of {@code group} that have that
 *       {@code by} input among their ancestors.</li>
 *   <li>{@code associate}: spec {@code [keyDefinition, valueDefinition]}; the result maps {@code valueDefinition}
 *       to {@code {key value: value}} for each value input with a key input among its ancestors.</li>
 *   <li>{@code associate_definition}: spec {@code {keyDefinition: valueDefinition, …}}; the result maps each key
 *       input's value to the value of a value input descending from it.</li>
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

    /** The spec input of {@code group_by}. */
    public static final Definition<Object> GROUP_BY_SPEC = Definition.of("group_by_spec", "map");
    /** The spec input of {@code associate}. */
    public static final Definition<Object> ASSOCIATE_SPEC = Definition.of("associate_spec", "array");
    /** The spec input of {@code associate_definition}. */
    public static final Definition<Object> ASSOCIATE_DEFINITION_SPEC = Definition.of("associate_definition_spec",
            "map");

    /** The {@code group_by} operation. */
    public static Operation groupBy() {
        return Operation.builder("group_by").input("spec", GROUP_BY_SPEC)
                .output("output", Definition.of("group_by_output", "map")).stage(Stage.OUTPUT).build();
    }

    /** The {@code associate} operation. */
    public static Operation associate() {
        return Operation.builder("associate").input("spec", ASSOCIATE_SPEC)
                .output("output", Definition.of("associate_output", "map")).stage(Stage.OUTPUT).build();
    }

    /** The {@code associate_definition} operation. */
    public static Operation associateDefinition() {
        return Operation.builder("associate_definition").input("spec", ASSOCIATE_DEFINITION_SPEC)
                .output("output", Definition.of("associate_definition_output", "map")).stage(Stage.OUTPUT).build();
    }

    /** The implementation of {@code group_by}. */
    public static final OperationImplementation GROUP_BY = (ctx, inputs) -> {
        if (!(inputs.get("spec") instanceof Map<?, ?> spec)) {
            throw new FlowException("group_by spec must be {output: {group, by, nostrict}}, got " + inputs.get("spec"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        spec.forEach((name, conf) -> {
            if (!(conf instanceof Map<?, ?> c) || !(c.get("group") instanceof String group)
                    || !(c.get("by") instanceof String by)) {
                throw new FlowException("group_by spec entry '" + name + "' needs 'group' and 'by' definition names, got "
                        + conf);
            }
            boolean nostrict = Boolean.TRUE.equals(c.get("nostrict"));
            List<Input> bys = nostrict ? ctx.inputs(by) : require(ctx, by);
            TreeMap<Object, List<Object>> grouped = new TreeMap<>(Outputs::compareValues);
            for (Input b : bys) {
                grouped.putIfAbsent(b.value(), new ArrayList<>());
            }
            for (Input g : nostrict ? ctx.inputs(group) : require(ctx, group)) {
                for (Input b : bys) {
                    if (g.ancestors().contains(b)) {
                        grouped.get(b.value()).add(g.value());
                    }
                }
            }
            out.put(String.valueOf(name), new LinkedHashMap<>(grouped));
        });
        return out;
    };

    /** The implementation of {@code associate}. */
    public static final OperationImplementation ASSOCIATE = (ctx, inputs) -> {
        if (!(inputs.get("spec") instanceof List<?> spec) || spec.size() != 2) {
            throw new FlowException("associate spec must be [keyDefinition, valueDefinition], got " + inputs.get("spec"));
        }
        String keyDef = String.valueOf(spec.get(0)), valueDef = String.valueOf(spec.get(1));
        Map<Object, Object> pairs = new LinkedHashMap<>();
        for (Input value : ctx.inputs(valueDef)) {
            for (Input a : value.ancestors()) {
                if (a.definition().name().equals(keyDef)) {
                    pairs.put(a.value(), value.value());
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(valueDef, pairs);
        return out;
    };

    /** The implementation of {@code associate_definition}. */
    public static final OperationImplementation ASSOCIATE_DEFINITION = (ctx, inputs) -> {
        if (!(inputs.get("spec") instanceof Map<?, ?> spec)) {
            throw new FlowException("associate_definition spec must be {keyDefinition: valueDefinition}, got "
                    + inputs.get("spec"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        spec.forEach((keyDef, valueDef) -> {
            for (Input key : ctx.inputs(String.valueOf(keyDef))) {
                for (Input value : ctx.inputs(String.valueOf(valueDef))) {
                    if (value.ancestors().contains(key)) {
                        out.put(String.valueOf(key.value()), value.value());
                    }
                }
            }
        });
        return out;
    };

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareValues(Object a, Object b) {
        if (a instanceof Comparable ca && b != null && a.getClass() == b.getClass()) {
            return ca.compareTo(b);
        }
        return String.valueOf(a).compareTo(String.valueOf(b));
    }

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
            throw new DefinitionNotInContextException(ctx.instanceName(), name, ctx.contextName());
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
