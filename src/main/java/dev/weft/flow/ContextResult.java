package dev.weft.flow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One context's outcome of a run.
 *
 * @param context  the context's name
 * @param results  the OUTPUT stage's results (see {@link Orchestrator})
 * @param failures in non-strict mode, the operations that failed (each an {@link OperationException}); else empty
 * @param store    every input the context held at the end, by definition name in the order added, when the run
 *                 {@linkplain Orchestrator.Options#keepInputs() kept inputs}; else empty
 * @param keptInputs whether the run kept the inputs
 */
public record ContextResult(String context, Map<String, Object> results, List<OperationException> failures,
                            Map<String, List<Input>> store, boolean keptInputs) {
    /** Copies the collections. */
    public ContextResult {
        results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
        failures = List.copyOf(failures);
        Map<String, List<Input>> copy = new LinkedHashMap<>();
        store.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        store = Collections.unmodifiableMap(copy);
    }

    /**
     * The inputs of definition {@code definitionName} the context held at the end, in the order added, for lineage
     * queries ({@link Lineage#of(Input)}).
     *
     * @throws IllegalStateException if the run did not keep inputs ({@link Orchestrator.Options#withKeepInputs})
     */
    public List<Input> inputs(String definitionName) {
        if (!keptInputs) {
            throw new IllegalStateException("context '" + context + "' kept no inputs: run with "
                    + "Orchestrator.Options.withKeepInputs(true) to query lineage");
        }
        return store.getOrDefault(definitionName, List.of());
    }
}
