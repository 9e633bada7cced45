package dev.weft.component;

/**
 * An {@link Actor} failed again after using up the restarts its {@link Supervision} allows: the failure escalates as
 * this exception (its cause is the last failure), failing the actor and its owner. Names the actor and the limit.
 */
public final class RestartLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int restarts;

    RestartLimitException(String actor, int restarts, Throwable cause) {
        super("actor '" + actor + "' failed again after " + restarts + " restart(s), its supervision's limit: "
                + cause, cause);
        this.restarts = restarts;
    }

    /** The restarts the actor had made (its limit). */
    public int restarts() {
        return restarts;
    }
}
