package dev.weft.flow;

import java.util.List;
import java.util.Map;

/**
 * One context's outcome of a run.
 *
 * @param context  the context's name
 * @param results  the OUTPUT stage's results (see {@link Orchestrator})
 * @param failures in non-strict mode, the operations that failed (each an {@link OperationException}); else empty
 */
public record ContextResult(String context, Map<String, Object> results, List<OperationException> failures) {
    /** Copies the lists. */
    public ContextResult {
        results = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(results));
        failures = List.copyOf(failures);
    }
}
