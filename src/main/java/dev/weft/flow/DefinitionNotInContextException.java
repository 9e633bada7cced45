package dev.weft.flow;

import java.io.Serial;
import java.util.Objects;

/**
 * An output operation ({@code get_single}, {@code get_multi}, ...) was asked for a definition that no input of its
 * context has: DFFML's {@code DefinitionNotInContext}. Usually nothing in the flow produced it in that context,
 * because no input reached the operations that produce it or their conditions did not hold. Thrown by the
 * implementation, so in strict mode it arrives as the cause of an {@link OperationException}; its parts are kept so
 * that callers can explain it in the flow's own terms (as {@code ./weft flow run} does).
 */
public class DefinitionNotInContextException extends FlowException {
    @Serial
    private static final long serialVersionUID = 1L;
    private final String instance;
    private final String definition;
    private final String context;

    /**
     * @param instance   the operation instance that asked
     * @param definition the name of the definition it asked for
     * @param context    the context's name
     */
    public DefinitionNotInContextException(String instance, String definition, String context) {
        super(instance + ": definition '" + definition + "' not in context '" + context
                + "' (DFFML's DefinitionNotInContext)");
        this.instance = Objects.requireNonNull(instance, "instance");
        this.definition = Objects.requireNonNull(definition, "definition");
        this.context = Objects.requireNonNull(context, "context");
    }

    /** The operation instance that asked for the definition. */
    public String instance() {
        return instance;
    }

    /** The name of the missing definition. */
    public String definition() {
        return definition;
    }

    /** The context it was missing from. */
    public String context() {
        return context;
    }
}
