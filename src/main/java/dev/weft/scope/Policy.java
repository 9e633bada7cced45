package dev.weft.scope;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a scope does when its tasks end, and what its join returns. {@link #onFailure} is always called under the
 * scope's lock and only before cancellation, so the failures it records are exactly those that happened before the
 * cancellation took effect. {@link #onSuccess} is called without the lock; policies that need it take it.
 */
abstract sealed class Policy<T, R> {
    /** Failures recorded before cancellation, in completion order; guarded by the scope's lock. */
    final List<TaskImpl<?>> failures = new ArrayList<>();

    abstract String name();

    /** Called by the owner for every fork. */
    void onFork(TaskImpl<?> task) {
    }

    /** @return true to cancel the scope */
    abstract boolean onSuccess(ScopeImpl<T, R> scope, TaskImpl<?> task);

    /** Called under the scope's lock. @return true to cancel the scope */
    boolean onFailure(ScopeImpl<T, R> scope, TaskImpl<?> task) {
        failures.add(task);
        return false;
    }

    /** Called by the owner when join starts, under the lock. @return true to cancel the scope */
    boolean onJoin(ScopeImpl<T, R> scope) {
        return false;
    }

    /** The join result, called by the owner after the JDK scope's join returned; may throw. */
    abstract R result(ScopeImpl<T, R> scope);

    /** Called under the lock, or after join. */
    List<Throwable> failureExceptions() {
        return failures.stream().map(Task::exception).toList();
    }

    TaskFailedException failed(ScopeImpl<T, R> scope, String what) {
        if (failures.isEmpty()) {
            return new TaskFailedException(scope.path(), null,
                    "scope '" + scope.describe() + "' failed: " + what, null, List.of());
        }
        TaskImpl<?> first = failures.getFirst();
        List<Throwable> all = failureExceptions();
        return new TaskFailedException(scope.path(), first.name(),
                "scope '" + scope.describe() + "' failed: " + what + "; first failure in task '" + first.name() + "': "
                        + first.exception(), first.exception(), all.subList(1, all.size()));
    }

    CancellationException cancelled(ScopeImpl<T, R> scope) {
        String why = scope.cancelReason();
        CancellationException e = new CancellationException("scope '" + scope.describe() + "' was cancelled"
                + (why == null ? "" : ": " + why));
        failureExceptions().forEach(e::addSuppressed);
        return e;
    }

    /** All must succeed; the first failure cancels the rest. */
    static final class All extends Policy<Object, Void> {
        @Override
        String name() {
            return "open";
        }

        @Override
        boolean onSuccess(ScopeImpl<Object, Void> scope, TaskImpl<?> task) {
            return false;
        }

        @Override
        boolean onFailure(ScopeImpl<Object, Void> scope, TaskImpl<?> task) {
            failures.add(task);
            return true;
        }

        @Override
        Void result(ScopeImpl<Object, Void> scope) {
            if (!failures.isEmpty()) {
                throw failed(scope, failures.size() + " task(s) failed");
            }
            if (scope.isCancelled()) {
                throw cancelled(scope);
            }
            return null;
        }
    }

    /** The first success wins and cancels the rest. */
    static final class Race<T> extends Policy<T, T> {
        private final AtomicReference<TaskImpl<?>> winner = new AtomicReference<>();
        private long forked;

        @Override
        String name() {
            return "race";
        }

        @Override
        void onFork(TaskImpl<?> task) {
            forked++;
        }

        @Override
        boolean onSuccess(ScopeImpl<T, T> scope, TaskImpl<?> task) {
            return winner.compareAndSet(null, task);
        }

        @Override
        @SuppressWarnings("unchecked")
        T result(ScopeImpl<T, T> scope) {
            TaskImpl<?> won = winner.get();
            if (won != null) {
                return (T) won.get();
            }
            if (forked == 0) {
                throw failed(scope, "no task was forked, so none could succeed");
            }
            if (scope.isCancelled() && failures.size() < forked) {
                throw cancelled(scope);
            }
            throw failed(scope, "all " + forked + " task(s) failed");
        }
    }

    /** Waits for every task and returns every outcome, in fork order. */
    static final class Settle<T> extends Policy<T, List<Outcome<T>>> {
        private final List<TaskImpl<? extends T>> tasks = new ArrayList<>();

        @Override
        String name() {
            return "settle";
        }

        @Override
        @SuppressWarnings("unchecked")
        void onFork(TaskImpl<?> task) {
            tasks.add((TaskImpl<? extends T>) task);
        }

        @Override
        boolean onSuccess(ScopeImpl<T, List<Outcome<T>>> scope, TaskImpl<?> task) {
            return false;
        }

        @Override
        @SuppressWarnings("unchecked")
        List<Outcome<T>> result(ScopeImpl<T, List<Outcome<T>>> scope) {
            if (scope.isCancelled()) {
                throw cancelled(scope);
            }
            List<Outcome<T>> out = new ArrayList<>(tasks.size());
            for (TaskImpl<? extends T> t : tasks) {
                out.add((Outcome<T>) t.outcome());
            }
            return List.copyOf(out);
        }
    }

    /** The first {@code n} successes; fails as soon as {@code n} can no longer be reached once join started. */
    static final class Quorum<T> extends Policy<T, List<T>> {
        private final int n;
        private final List<T> results = new ArrayList<>(); // guarded by the scope's lock
        private long forked;
        private boolean joining; // guarded by the scope's lock

        Quorum(int n) {
            this.n = n;
        }

        @Override
        String name() {
            return "quorum(" + n + ")";
        }

        @Override
        void onFork(TaskImpl<?> task) {
            forked++;
        }

        @Override
        @SuppressWarnings("unchecked")
        boolean onSuccess(ScopeImpl<T, List<T>> scope, TaskImpl<?> task) {
            return scope.locked(() -> {
                if (results.size() < n && !scope.isCancelled()) {
                    results.add((T) task.get());
                }
                return results.size() >= n;
            });
        }

        @Override
        boolean onFailure(ScopeImpl<T, List<T>> scope, TaskImpl<?> task) {
            failures.add(task);
            return unreachable();
        }

        @Override
        boolean onJoin(ScopeImpl<T, List<T>> scope) {
            joining = true;
            return unreachable();
        }

        private boolean unreachable() {
            // Only once join started is the number of tasks known; before that, more forks may come.
            return joining && forked - failures.size() < n;
        }

        @Override
        List<T> result(ScopeImpl<T, List<T>> scope) {
            return scope.locked(() -> {
                if (results.size() >= n) {
                    return Collections.unmodifiableList(new ArrayList<>(results));
                }
                if (unreachable()) {
                    throw failed(scope, "quorum of " + n + " unreachable: " + forked + " task(s) forked, "
                            + failures.size() + " failed");
                }
                throw cancelled(scope);
            });
        }
    }
}
