package dev.weft.scope;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The tree of live scopes, for paths and {@link Scope#dump()}: which task the current thread runs (a scoped value
 * bound around each task's body), which scope it owns innermost (a thread-local, the owner-side half of the tree),
 * the live scopes with no parent, and what else a dump shows. Only observation reads the roots and contributors; no
 * scope's behaviour depends on them.
 */
final class ScopeTree {
    /** The task the current thread runs. */
    static final ScopedValue<TaskImpl<?>> CURRENT_TASK = ScopedValue.newInstance();
    /** The innermost open scope owned by the current thread. */
    static final ThreadLocal<ScopeImpl<?, ?>> INNERMOST = new ThreadLocal<>();
    /** Live scopes with no parent: the one piece of process-wide state, and only for observation. */
    private static final Set<ScopeImpl<?, ?>> ROOTS = ConcurrentHashMap.newKeySet();
    /** What else a dump shows of a path (lock waits); see {@link Scope#addDumpContributor}. */
    private static final List<Scope.DumpContributor> CONTRIBUTORS = new CopyOnWriteArrayList<>();

    private ScopeTree() {
    }

    static void addRoot(ScopeImpl<?, ?> scope) {
        ROOTS.add(scope);
    }

    static void removeRoot(ScopeImpl<?, ?> scope) {
        ROOTS.remove(scope);
    }

    static void addContributor(Scope.DumpContributor contributor) {
        CONTRIBUTORS.add(Objects.requireNonNull(contributor, "contributor"));
    }

    /** The innermost scope the current thread owns, else the scope of the task it runs; null outside any. */
    static ScopeImpl<?, ?> current() {
        ScopeImpl<?, ?> inner = INNERMOST.get();
        return inner != null ? inner : CURRENT_TASK.isBound() ? CURRENT_TASK.get().scope : null;
    }

    static String currentPath() {
        ScopeImpl<?, ?> inner = INNERMOST.get();
        if (inner != null) {
            return inner.path();
        }
        return CURRENT_TASK.isBound() ? CURRENT_TASK.get().path() : "";
    }

    static String dump() {
        StringBuilder out = new StringBuilder();
        List<ScopeImpl<?, ?>> roots = new ArrayList<>(ROOTS);
        roots.sort((a, b) -> Long.compare(a.id(), b.id()));
        if (roots.isEmpty()) {
            out.append("(no live Weft scopes)\n");
        }
        for (ScopeImpl<?, ?> s : roots) {
            dumpInto(s, out, 0);
        }
        return out.toString();
    }

    private static void dumpInto(ScopeImpl<?, ?> scope, StringBuilder out, int depth) {
        String indent = "  ".repeat(depth);
        long now = System.nanoTime();
        List<TaskImpl<?>> tasks = scope.runningTasks();
        Thread owner = scope.owner();
        out.append(indent).append("scope ").append(scope.describe()).append(" [").append(scope.policyName())
                .append(scope.isCancelled() ? ", cancelled" : "").append(scope.isJoining() ? ", joining" : "")
                .append("] age ").append(age(now - scope.openedNanos())).append(", ").append(tasks.size())
                .append(" running of ").append(scope.forkedCount()).append(" forked, owner ")
                .append(owner.getName().isEmpty() ? "#" + owner.threadId() : owner.getName());
        appendContributions(out, scope.path()); // the owner's, if it waits in a LockSet acquisition
        out.append('\n');
        tasks.sort((a, b) -> a.name().compareTo(b.name()));
        int shown = 0;
        for (TaskImpl<?> t : tasks) {
            if (shown++ == 20) {
                out.append(indent).append("  … ").append(tasks.size() - 20).append(" more task(s)\n");
                break;
            }
            out.append(indent).append("  task ").append(t.name()).append(' ').append(t.state())
                    .append(t.isWaiting() ? " (waiting for a slot) " : " ").append(age(t.elapsed().toNanos()));
            appendContributions(out, t.path());
            out.append('\n');
            for (ScopeImpl<?, ?> child : t.children()) {
                dumpInto(child, out, depth + 2);
            }
        }
        for (ScopeImpl<?, ?> child : scope.nestedScopes()) {
            dumpInto(child, out, depth + 1);
        }
    }

    private static void appendContributions(StringBuilder out, String path) {
        for (Scope.DumpContributor c : CONTRIBUTORS) {
            String about = c.about(path);
            if (about != null && !about.isEmpty()) {
                out.append("  ").append(about);
            }
        }
    }

    private static String age(long nanos) {
        return String.format("%.3fs", nanos / 1e9);
    }
}
