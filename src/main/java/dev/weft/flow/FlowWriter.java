package dev.weft.flow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writing: a {@link DataFlow} as DFFML's exported dict, and that dict as JSON or YAML text. The format is described
 * on {@link DataFlows}; users call {@link DataFlows#export(DataFlow, boolean)} and
 * {@link DataFlows#write(DataFlow, FlowFormat, boolean)}. Stateless and thread safe.
 */
final class FlowWriter {
    // Jackson is reached only when something is written: the module requires it statically
    private static final class Mappers {
        static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        static final ObjectMapper YAML = YAMLMapper.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .build();
    }

    private FlowWriter() {
    }

    /** See {@link DataFlows#export(DataFlow, boolean)}. */
    static Map<String, Object> export(DataFlow flow, boolean linked) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> ops = new LinkedHashMap<>();
        flow.operations().forEach((instance, op) -> ops.put(instance, exportOperation(op, linked)));
        out.put("operations", ops);
        if (!flow.seed().isEmpty()) {
            List<Object> seed = new ArrayList<>();
            for (Input i : flow.seed()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("value", i.value());
                m.put("definition", linked ? i.definition().name() : exportDefinition(i.definition()));
                m.put("origin", exportOrigin(i.origin()));
                seed.add(m);
            }
            out.put("seed", seed);
        }
        if (!flow.flow().isEmpty()) {
            Map<String, Object> flows = new LinkedHashMap<>();
            flow.flow().forEach((instance, f) -> flows.put(instance, exportInputFlow(instance, f)));
            out.put("flow", flows);
        }
        if (!flow.configs().isEmpty()) {
            out.put("configs", new LinkedHashMap<>(flow.configs()));
        }
        if (!flow.forward().isEmpty()) {
            Map<String, Object> book = new LinkedHashMap<>();
            flow.forward().forEach((instance, defs) -> book.put(instance, defs.stream()
                    .map(d -> linked ? (Object) d.name() : exportDefinition(d)).toList()));
            out.put("forward", Map.of("book", book));
        }
        if (linked) {
            out.put("linked", true);
            Map<String, Object> defs = new LinkedHashMap<>();
            flow.definitions().forEach((name, d) -> defs.put(name, exportDefinition(d)));
            out.put("definitions", defs);
        }
        return out;
    }

    /**
     * DFFML's export of one operation: {@code name}, {@code inputs}, {@code outputs}, {@code conditions} (when any),
     * {@code stage}, {@code expand} (when any), {@code retry}, and {@code validator} when true.
     *
     * @param linked whether definitions are written by name
     */
    static Map<String, Object> exportOperation(Operation op, boolean linked) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", op.name());
        Map<String, Object> inputs = new LinkedHashMap<>();
        op.inputs().forEach((k, d) -> inputs.put(k, linked ? d.name() : exportDefinition(d)));
        m.put("inputs", inputs);
        Map<String, Object> outputs = new LinkedHashMap<>();
        op.outputs().forEach((k, d) -> outputs.put(k, linked ? d.name() : exportDefinition(d)));
        m.put("outputs", outputs);
        if (!op.conditions().isEmpty()) {
            List<Object> conditions = new ArrayList<>();
            op.conditions().forEach(d -> conditions.add(linked ? d.name() : exportDefinition(d)));
            m.put("conditions", conditions);
        }
        m.put("stage", op.stage().exported());
        if (!op.expand().isEmpty()) {
            m.put("expand", new ArrayList<>(op.expand()));
        }
        m.put("retry", op.retry());
        if (op.validator()) {
            m.put("validator", true);
        }
        return m;
    }

    /**
     * DFFML's export of a definition: {@link Definition#export()}, plus {@code "validate"}: the validator instance
     * when one was given with {@link Definition#withValidator(String)}.
     */
    static Map<String, Object> exportDefinition(Definition<?> d) {
        Map<String, Object> m = d.export();
        d.validator().ifPresent(instance -> m.put("validate", instance));
        return m;
    }

    private static Object exportOrigin(Origin o) {
        return switch (o) {
            case Origin.Named n -> n.name();
            case Origin.Output out -> new ArrayList<>(List.of(out.instance(), out.outputKey()));
        };
    }

    private static Map<String, Object> exportInputFlow(String instance, InputFlow f) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> inputs = new LinkedHashMap<>();
        f.inputs().forEach((param, sources) -> {
            List<Object> list = new ArrayList<>();
            sources.forEach(s -> list.add(exportSource(instance + ".inputs." + param, s)));
            inputs.put(param, list);
        });
        m.put("inputs", inputs);
        if (!f.conditions().isEmpty()) {
            List<Object> list = new ArrayList<>();
            f.conditions().forEach(s -> list.add(exportSource(instance + ".conditions", s)));
            m.put("conditions", list);
        }
        return m;
    }

    private static Object exportSource(String where, InputFlow.Source s) {
        return switch (s) {
            case InputFlow.Source.FromOrigin f -> exportFlowOrigin(f.origin());
            case InputFlow.Source.AlternateDefinitions a -> {
                if (!(a.origin() instanceof Origin.Named n)) {
                    throw new FlowException("flow of " + where + ": alternate definitions " + a.definitions()
                            + " from operation output " + a.origin() + " cannot be written in DFFML's format, whose "
                            + "alternate definitions come from a named origin such as \"seed\"");
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(n.name(), new ArrayList<>(a.definitions()));
                yield m;
            }
            case InputFlow.Source.Lineage l -> {
                List<Object> chain = new ArrayList<>();
                l.chain().forEach(o -> chain.add(exportFlowOrigin(o)));
                yield chain;
            }
        };
    }

    private static Object exportFlowOrigin(Origin o) {
        return switch (o) {
            case Origin.Named n -> n.name();
            case Origin.Output out -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(out.instance(), out.outputKey());
                yield m;
            }
        };
    }

    /** See {@link DataFlows#write(DataFlow, FlowFormat, boolean)}. */
    static String write(DataFlow flow, FlowFormat format, boolean linked) {
        ObjectMapper mapper = switch (format) {
            case JSON -> Mappers.JSON;
            case YAML -> Mappers.YAML;
        };
        try {
            return mapper.writeValueAsString(export(flow, linked));
        } catch (JsonProcessingException e) {
            throw new FlowException("cannot write the data flow as " + format + ": " + e.getOriginalMessage(), e);
        }
    }
}
