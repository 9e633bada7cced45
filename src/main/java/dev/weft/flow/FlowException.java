package dev.weft.flow;

import java.io.Serial;

/**
 * A data flow that cannot run as written (a missing definition or operation, an output key an operation does not
 * have, a flow entry for an unknown input), or data that breaks a flow's rules. The message names what was wrong and
 * where it was referenced.
 */
public class FlowException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong, and where */
    public FlowException(String message) {
        super(message);
    }

    /** @param message what was wrong, and where; @param cause the underlying failure */
    public FlowException(String message, Throwable cause) {
        super(message, cause);
    }
}
