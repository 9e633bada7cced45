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

    ComponentFailedException(String path, Throwable cause) {
        super("component '" + path + "' failed: " + cause, cause);
        this.path = path;
    }

    /** The failing component's path, from its system down. */
    public String path() {
        return path;
    }
}
