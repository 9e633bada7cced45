package dev.weft.component;

/**
 * The component's thread was interrupted while {@link Component#messages()} waited: the unchecked form of
 * {@link InterruptedException} for the for-each loop (the interrupt status is set again). Its cause is the original.
 * Leaving {@code main} with it ends the component as cancelled, as the checked one does.
 */
public final class ComponentInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ComponentInterruptedException(String component, InterruptedException cause) {
        super("component '" + component + "' was interrupted while waiting for messages", cause);
    }
}
