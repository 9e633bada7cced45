package dev.weft.flow;

import java.io.Serial;
import java.util.Map;

/**
 * An operation failed in strict mode: names the instance, its input definitions and the parameter values, with
 * what the operation threw as the cause (DFFML's {@code OperationException}).
 */
public class OperationException extends RuntimeException {
    /** Values only, for callers to see which run failed; not serialised (operations' values need not be). */
    private final transient Map<String, Object> parameters;
    @Serial
    private static final long serialVersionUID = 1L;
    private final String instance;
    private final String context;

    /**
     * @param context    the context's name
     * @param instance   the operation instance
     * @param parameters the parameter values, by input name
     * @param inputs     the input definitions, by input name
     * @param cause      what it threw
     */
    public OperationException(String context, String instance, Map<String, Object> parameters,
                              Map<String, Definition<?>> inputs, Throwable cause) {
        super("operation " + instance + "(" + inputs + "): " + parameters + " failed in context '" + context + "': "
                + cause, cause);
        this.instance = instance;
        this.context = context;
        this.parameters = parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(parameters));
    }

    /** The parameter set it failed with, by input name (empty when it failed before it had one). */
    public Map<String, Object> parameters() {
        return parameters;
    }

    /** The failed operation's instance name. */
    public String instance() {
        return instance;
    }

    /** The context it failed in. */
    public String context() {
        return context;
    }
}
