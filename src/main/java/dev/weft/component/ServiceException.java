package dev.weft.component;

/**
 * A request to a system's {@link Services} that cannot be met: a service or tracked value registered twice, one looked
 * up or deregistered that is not there, a lookup that timed out, or a service that is not of the kind asked for. The
 * message names the service (or value), the system and, for a clash, who holds the name.
 */
public final class ServiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String name;

    ServiceException(String name, String message) {
        this(name, message, null);
    }

    ServiceException(String name, String message, Throwable cause) {
        super(message, cause);
        this.name = name;
    }

    /** The name of the service or tracked value the request was about. */
    public String name() {
        return name;
    }
}
