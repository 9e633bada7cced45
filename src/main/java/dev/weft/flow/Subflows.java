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
 * <p>Not done yet: DFFML's {@code forward} (handing parent inputs to running subflows) and its "uctx" mode (a map of
 * context names to input lists as one parameter). Stateless and thread safe.
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
                    List.of(), Origin.SEED, java.util.UUID.randomUUID().toString())));
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
}
