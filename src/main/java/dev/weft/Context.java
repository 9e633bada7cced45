package dev.weft;

/**
 * Where the current thread runs in the tree of Weft scopes: see {@link Weft#context()}.
 *
 * @param path     scope and task names joined by {@code /}, for example {@code demo/download/page-3}; empty outside
 *                 any scope
 * @param taskName the current task's name, or {@code null} when the thread is not a Weft task
 */
public record Context(String path, String taskName) {
    /** Whether the thread runs inside a Weft scope or task. */
    public boolean inScope() {
        return !path.isEmpty() || taskName != null;
    }

    @Override
    public String toString() {
        return path;
    }
}
