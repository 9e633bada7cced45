package dev.weft.component;

/**
 * A component's {@code main} (or one of its children) threw: rethrown by {@link Component#join()},
 * {@link Component#run()}, {@link ComponentSystem#join()} and {@link ComponentSystem#close()}, naming the component's
 * path in the tree ({@code system/pipeline/stage}). The cause is what {@code main} threw. A parent whose child failed
 * rethrows the child's exception, so the path names the component where the failure began.
 */
public final class ComponentFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String path;
    /** Set once some join threw this exception, so that a later close does not throw the same one again. */
    private transient volatile boolean reported;

    ComponentFailedException(String path, Throwable cause) {
        super("component '" + path + "' failed: " + cause, cause);
        this.path = path;
    }

    /** Marks this exception as thrown to a caller; returns whether it had been before. */
    boolean markReported() {
        boolean was = reported;
        reported = true;
        return was;
    }

    /** The failing component's path, from its system down. */
    public String path() {
        return path;
    }
}
