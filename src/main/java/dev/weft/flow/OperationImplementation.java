package dev.weft.flow;

import java.util.Map;

/**
 * The code of an {@link Operation}. It runs on its own virtual thread and may block freely.
 *
 * <p>It receives the parameter set as a map from input name to value, and returns its outputs: {@code null} (no
 * outputs), a {@code Map} from output key to value (one output set), or an {@code Iterable} or
 * {@code java.util.stream.Stream} of such maps (several output sets, as a DFFML async generator yields). An output
 * key the operation does not declare fails the run with a message naming it. What it throws fails the run (see
 * {@link Orchestrator}); with {@link Operation#retry()} it is attempted again first.
 */
@FunctionalInterface
public interface OperationImplementation {
    /**
     * Runs the operation once.
     *
     * @param context the run's context: instance, configuration, and the context's inputs (for output operations)
     * @param inputs  the parameter set, by input name
     * @return the outputs, as described above
     * @throws Exception any failure
     */
    Object run(OperationContext context, Map<String, Object> inputs) throws Exception;
}
