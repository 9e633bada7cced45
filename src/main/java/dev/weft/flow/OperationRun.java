package dev.weft.flow;

import dev.weft.event.Event;
import java.util.Map;

/**
 * One processing-stage run of an operation instance on one parameter set, as a listener given to
 * {@link Orchestrator#start(DataFlow, Map, java.util.function.Consumer)} sees it when the run is dispatched.
 *
 * @param context    the context's name
 * @param instance   the operation instance
 * @param parameters the parameter values, by input name
 * @param event      a read-only event: SCHEDULED while the run waits for its locks and runs, then SUCCESS, or FAILED
 *                   with what the operation threw (after its last attempt)
 */
public record OperationRun(String context, String instance, Map<String, Object> parameters, Event event) {
}
