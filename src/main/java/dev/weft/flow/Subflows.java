package dev.weft.flow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Operations that run a whole data flow as a child (DFFML's {@code run_dataflow} operation in its custom mode): the
 * operation's parameters become the inputs of one child context (origin {@code "seed"}, besides the child's own
 * seed), the child runs to the end, and the keys of its result that the operation declares as outputs become the
 * operation's outputs. The child's contexts run in scopes nested under the operation's task, so cancelling the
 * parent cancels the child, and {@code Scope.dump()} shows the child under the operation.
 *
 * {@snippet :
 * Operation calc = Operation.builder("calc").input("line", Calc.CALC_STRING).output("result", Calc.RESULT).build();
 * parent.operation(calc, Subflows.implementation(calcFlow));   // calcFlow's get_single gives {"result": ...}
 * }
 *
 * <p>{@linkplain DataFlow.Builder#forward Forwarded} parent inputs (DFFML's {@code forward}) join the child context
 * too, as they stood when the operation was dispatched (DFFML also forwards inputs that arrive later, to subflows
 * still running; Weft's subflow runs within its operation, so a snapshot is what it sees).
 *
 * <p>{@link #runDataflow()} is DFFML's {@code dffml.dataflow.run} in its default ("uctx") mode: one parameter maps
 * context names to lists of {@code {"value": …, "definition": name}}, and the output maps each context name to its
 * results; the child flow is the instance's configuration ({@code configs}: a {@link DataFlow}, or
 * {@code {"dataflow": …}} with a data flow or its exported map, read through the default operation registry).
 *
 * <p>Stateless and thread safe.
 */
public final class Subflows {
    private Subflows() {
    }

    /** Runs {@code child} with the default options for each parameter set; see the class description. */
    public static OperationImplementation implementation(DataFlow child) {
        return implementation(child, Orchestrator.Options.defaults());
    }

    /**
     * Runs {@code child} with {@code options} for each parameter set. In strict mode a failure in the child fails
     * the operation, with the child's {@link OperationException} as the cause.
     */
    public static OperationImplementation implementation(DataFlow child, Orchestrator.Options options) {
        Objects.requireNonNull(child, "child data flow");
        Orchestrator orchestrator = Orchestrator.of(options);
        return (ctx, params) -> {
            Operation op = ctx.operation();
            List<Input> inputs = new ArrayList<>();
            params.forEach((name, value) -> inputs.add(Input.of(value, op.inputs().get(name),
                    List.of(), Origin.SEED, ContextRun.newUid())));
            inputs.addAll(ctx.forwarded());
            String context = ctx.contextName() + "/" + ctx.instanceName();
            List<ContextResult> results = orchestrator.run(child, Map.of(context, inputs));
            Map<String, Object> out = new LinkedHashMap<>();
            results.get(0).results().forEach((key, value) -> {
                if (op.outputs().containsKey(key)) {
                    out.put(key, value);
                }
            });
            return out.isEmpty() ? null : out;
        };
    }

    /** DFFML's {@code flow_inputs}: context name to a list of {@code {"value", "definition"}} maps. */
    public static final Definition<Object> FLOW_INPUTS = Definition.of("flow_inputs", "Dict[str,Any]");
    /** DFFML's {@code flow_results}: context name to that context's results. */
    public static final Definition<Object> FLOW_RESULTS = Definition.of("flow_results", "Dict[str,Any]");

    /** DFFML's {@code dffml.dataflow.run} operation (uctx mode); see the class description. */
    public static Operation runDataflow() {
        return Operation.builder("dffml.dataflow.run").input("inputs", FLOW_INPUTS).output("results", FLOW_RESULTS)
                .build();
    }

    /** The implementation of {@link #runDataflow()}, with the default options. */
    public static final OperationImplementation RUN_DATAFLOW = (ctx, params) -> {
        DataFlow child = childOf(ctx);
        if (!(params.get("inputs") instanceof Map<?, ?> byContext)) {
            throw new FlowException(ctx.instanceName() + ": 'inputs' must map context names to lists of "
                    + "{\"value\", \"definition\"}, got " + params.get("inputs"));
        }
        Map<String, List<Input>> contexts = new LinkedHashMap<>();
        byContext.forEach((name, list) -> {
            if (!(list instanceof List<?> items)) {
                throw new FlowException(ctx.instanceName() + ": inputs of context '" + name + "' must be a list, got "
                        + list);
            }
            List<Input> inputs = new ArrayList<>();
            for (Object item : items) {
                if (!(item instanceof Map<?, ?> m) || !(m.get("definition") instanceof String defName)) {
                    throw new FlowException(ctx.instanceName() + ": each input of context '" + name
                            + "' must be {\"value\", \"definition\"}, got " + item);
                }
                Definition<?> d = child.definitions().get(defName);
                if (d == null) {
                    throw new FlowException(ctx.instanceName() + ": context '" + name + "' names definition '"
                            + defName + "', which the subflow does not use; it uses " + child.definitions().keySet());
                }
                inputs.add(Input.ofUntyped(m.get("value"), d));
            }
            inputs.addAll(ctx.forwarded());
            contexts.put(String.valueOf(name), inputs);
        });
        Map<String, Object> results = new LinkedHashMap<>();
        Orchestrator.withDefaults().run(child, contexts, r -> results.put(r.context(), r.results()));
        return Map.of("results", results);
    };

    private static DataFlow childOf(OperationContext ctx) {
        Object config = ctx.config().orElseThrow(() -> new FlowException(ctx.instanceName()
                + ": dffml.dataflow.run needs its subflow as the instance's config (a DataFlow or {\"dataflow\": …})"));
        if (config instanceof Map<?, ?> m && m.containsKey("dataflow")) {
            config = m.get("dataflow");
        }
        if (config instanceof DataFlow flow) {
            return flow;
        }
        if (config instanceof Map<?, ?> exported) {
            @SuppressWarnings("unchecked") Map<String, ?> map = (Map<String, ?>) exported;
            return DataFlows.fromMap(map, OperationRegistry.defaultRegistry());
        }
        throw new FlowException(ctx.instanceName() + ": its config must be a DataFlow or {\"dataflow\": …}, got "
                + config);
    }
}
