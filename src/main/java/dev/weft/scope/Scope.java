package dev.weft.scope;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * A structured group of tasks, each running on its own virtual thread. A scope is opened by one thread, its
 * <em>owner</em>, which forks tasks, joins once, and closes it, normally with try-with-resources:
 *
 * {@snippet :
 * try (var scope = Scope.open(ScopeOptions.named("download").withTimeout(Duration.ofSeconds(10)))) {
 *     Task<String> page = scope.fork("page-1", () -> fetch(1));
 *     Task<String> other = scope.fork("page-2", () -> fetch(2));
 *     scope.join();                       // throws TaskFailedException if a task failed
 *     return page.get() + other.get();
 * }
 * }
 *
 * <h2>Policies</h2>
 * Each factory fixes what {@link #join()} waits for and returns:
 * <ul>
 *   <li>{@link #open()}: all must succeed; the first failure cancels the others and join throws
 *       {@link TaskFailedException} (cause: that failure; suppressed: the other failures that happened before the
 *       cancellation took effect); join returns {@code null}.</li>
 *   <li>{@link #race()}: the first success wins, the rest are cancelled, join returns the winner's value; if all
 *       fail, {@link TaskFailedException} with every failure.</li>
 *   <li>{@link #settle()}: waits for all and returns every {@link Outcome}, in fork order; never throws for a task's
 *       failure.</li>
 *   <li>{@link #quorum(int)}: the first {@code n} successes (completion order), then the rest are cancelled; throws
 *       {@link TaskFailedException} as soon as {@code n} successes become impossible.</li>
 * </ul>
 *
 * <h2>Structure</h2>
 * {@link #close()} cancels tasks still running (by interrupting them) and does not return before every thread forked
 * in the scope has ended; a task that ignores interruption delays it, and close logs which tasks it is waiting for
 * after the {@linkplain ScopeOptions#closeGracePeriod() grace period}, so a hang is never silent. Scopes opened inside
 * tasks, or inside another scope by the same owner, are nested: cancelling a scope, for any reason, interrupts its
 * tasks and cancels every scope nested in it, whose join then throws
 * {@link java.util.concurrent.CancellationException} naming the enclosing scope and why it was cancelled (an owner
 * blocked in a nested scope's join is thereby released when the outer scope times out). Interrupting the owner
 * cancels its scope.
 *
 * <h2>Cancellation, timeouts and limits</h2>
 * A scope is cancelled by its policy, by its timeout or deadline ({@link #join()} then throws
 * {@link ScopeTimeoutException}), by {@link #cancel()} from any thread (join then throws
 * {@link java.util.concurrent.CancellationException} saying why), or by closing it before join. Cancellation
 * interrupts the tasks from the cancelling thread itself, so it takes effect even while tasks occupy every carrier
 * thread; a timeout names the tasks running at the moment it passed, even those that then return normally. With
 * {@linkplain ScopeOptions#maxConcurrency() maxConcurrency}, {@code fork} parks the owner while that many tasks run,
 * unless the fork states a {@link Priority}: see {@link #fork(String, Priority, Callable)}.
 *
 * <h2>Misuse</h2>
 * Every misuse throws at once, naming the scope: fork, join or close from a thread other than the owner
 * ({@link WrongThreadException}); fork after join or close, join twice, closing an outer scope while a nested one of
 * the same owner is open, or closing after forking without joining ({@link IllegalStateException}; the nested scopes
 * and tasks are still closed and cancelled first); a null task ({@link NullPointerException}); bad options
 * ({@link IllegalArgumentException}, from {@link ScopeOptions}).
 *
 * <h2>Memory effects</h2>
 * Actions of the owner before {@code fork} happen-before the task's actions, which happen-before join returns and
 * before the {@link Task}'s end state is seen. A scope keeps only its running tasks (and, for settle, every task),
 * so millions of forks with a concurrency limit run in bounded memory.
 *
 * <h2>Threads</h2>
 * {@link #cancel()}, {@link #isCancelled()}, {@link #name()}, {@link #path()} and the static methods may be called
 * from any thread; fork, join and close only by the owner.
 *
 * <p>Implemented on the JDK's preview {@code StructuredTaskScope} (by a package-private class; the preview API never
 * appears in this one). Only Weft implements this interface.
 *
 * @param <T> the type tasks return ({@code Object} for {@link #open()})
 * @param <R> the type {@link #join()} returns
 */
public sealed interface Scope<T, R> extends AutoCloseable permits ScopeImpl {

    /** A scope where all tasks must succeed; see the class description. */
    static Scope<Object, Void> open() {
        return open(ScopeOptions.defaults());
    }

    /** A scope where all tasks must succeed, with options. */
    static Scope<Object, Void> open(ScopeOptions options) {
        return new ScopeImpl<>(new Policy.All(), options);
    }

    /** A scope whose first successful task wins. */
    static <T> Scope<T, T> race() {
        return race(ScopeOptions.defaults());
    }

    /** A scope whose first successful task wins, with options. */
    static <T> Scope<T, T> race(ScopeOptions options) {
        return new ScopeImpl<>(new Policy.Race<>(), options);
    }

    /** A scope that waits for every task and returns every outcome. */
    static <T> Scope<T, List<Outcome<T>>> settle() {
        return settle(ScopeOptions.defaults());
    }

    /** A scope that waits for every task and returns every outcome, with options. */
    static <T> Scope<T, List<Outcome<T>>> settle(ScopeOptions options) {
        return new ScopeImpl<>(new Policy.Settle<>(), options);
    }

    /**
     * A scope that returns the first {@code n} successes.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    static <T> Scope<T, List<T>> quorum(int n) {
        return quorum(n, ScopeOptions.defaults());
    }

    /** A scope that returns the first {@code n} successes, with options. */
    static <T> Scope<T, List<T>> quorum(int n, ScopeOptions options) {
        if (n < 1) {
            throw new IllegalArgumentException("quorum of " + (options.name() == null ? "(unnamed scope)"
                    : "scope '" + options.name() + "'") + " must be at least 1, got " + n);
        }
        return new ScopeImpl<>(new Policy.Quorum<>(n), options);
    }

    /** Forks {@code task} as an unnamed task ({@code task-N}); see {@link #fork(String, Callable)}. */
    <U extends T> Task<U> fork(Callable<? extends U> task);

    /**
     * Starts {@code task} on a new virtual thread in this scope. With a concurrency limit, parks until a slot is
     * free; if the owner is interrupted while parked, the scope is cancelled, the interrupt status is kept and the
     * returned task is {@link Task.State#CANCELLED CANCELLED}. A task forked after the scope was cancelled never runs.
     *
     * @param name the task's name, a segment of its path ({@code null} for {@code task-N})
     * @throws NullPointerException     if {@code task} is null
     * @throws IllegalArgumentException if {@code name} is blank or contains '/'
     * @throws WrongThreadException     if the caller is not the owner
     * @throws IllegalStateException    after join or close
     */
    <U extends T> Task<U> fork(String name, Callable<? extends U> task);

    /**
     * Forks {@code task} with a priority for the concurrency limit: when a slot frees up, it goes to the waiting fork
     * of the highest priority, and among forks of the same priority to the one forked first.
     *
     * <p>Without a limit, or with a slot free, this is {@link #fork(String, Callable)}: the task starts at once. With
     * every slot taken, the task's virtual thread still starts at once, but only to wait in the scope's admission
     * queue; it holds no slot and its body has not run. A task's end hands its slot directly to the head of that
     * queue, so no fork made later can take it first. At most {@linkplain ScopeOptions#maxWaitingForks()
     * maxWaitingForks} forks wait so, on threads of their own (by default as many as the limit); beyond that this
     * method parks the owner, its task already in its place in the queue, until one of them is admitted (then the task
     * starts waiting on its own thread) or the task itself is (then it runs); memory stays bounded however many
     * forks the owner makes. A plain {@code fork} takes its place in the same queue as a {@link Priority#NORMAL NORMAL}
     * fork, but always parks the owner until its task is admitted.
     *
     * <p>While it waits, the task is {@link Task.State#RUNNING RUNNING}. If the scope is cancelled meanwhile (by its
     * policy, timeout, {@link #cancel()} or close), the task leaves the queue and ends
     * {@link Task.State#CANCELLED CANCELLED} without running its body (as a task forked after cancellation does), and a
     * timeout names it apart, among {@link ScopeTimeoutException#waitingTasks()}. If the owner is interrupted while
     * parked here, the scope is cancelled, the interrupt status is kept and the returned task is {@code CANCELLED}.
     *
     * <p>Admission order is a guarantee between forks that are waiting at the same time: a slot handed over never
     * passes a waiting fork of higher priority, or one of the same priority forked earlier. Tasks already running are
     * not preempted, and a fork that finds a slot free takes it even if forks of higher priority are forked later.
     * A steady stream of higher-priority forks can keep a lower one waiting indefinitely (there is no ageing); the
     * owner decides what it forks.
     *
     * @param name     the task's name, a segment of its path ({@code null} for {@code task-N})
     * @param priority the priority of its admission
     * @throws NullPointerException     if {@code task} or {@code priority} is null
     * @throws IllegalArgumentException if {@code name} is blank or contains '/'
     * @throws WrongThreadException     if the caller is not the owner
     * @throws IllegalStateException    after join or close
     */
    <U extends T> Task<U> fork(String name, Priority priority, Callable<? extends U> task);

    /**
     * Waits for the policy's result; see the class description.
     *
     * @throws TaskFailedException      when the policy failed
     * @throws ScopeTimeoutException    when the timeout or deadline passed first; it names the tasks running then
     * @throws java.util.concurrent.CancellationException when the scope was cancelled first ({@link #cancel()}, or an
     *                                  enclosing scope's cancellation), saying why
     * @throws InterruptedException     when the owner was interrupted; the scope is then cancelled, and failures
     *                                  recorded until then are attached as suppressed
     * @throws WrongThreadException     if the caller is not the owner
     * @throws IllegalStateException    if already joined or closed
     */
    R join() throws InterruptedException;

    /**
     * Cancels the scope from any thread: tasks not yet ended are interrupted, scopes nested in this one are cancelled
     * too, later forks never run, and a pending or later {@link #join()} throws
     * {@link java.util.concurrent.CancellationException} unless the policy already has its result. Idempotent.
     * Cancelling never waits for a free carrier thread: the caller interrupts the tasks itself.
     */
    void cancel();

    /** Whether the scope was cancelled (by its policy, timeout, {@link #cancel()}, interruption or close). */
    boolean isCancelled();

    /**
     * Cancels what still runs and waits until every thread forked in this scope has ended; idempotent. Closing
     * nested scopes of the same owner first is the caller's duty: an outer scope closed while a nested one is open
     * closes the nested ones, then itself, then throws.
     *
     * @throws WrongThreadException  if the caller is not the owner
     * @throws IllegalStateException if nested scopes were still open, or tasks were forked but join never called
     *                               (in try-with-resources, suppressed under the exception that skipped join)
     */
    @Override
    void close();

    /** The scope's name, or {@code null} if unnamed. */
    String name();

    /**
     * The scope's path: the names of the enclosing scopes and tasks, then its own, joined by {@code /}, for example
     * {@code demo/download}. Unnamed scopes add no segment; the path of an unnamed root scope is empty.
     */
    String path();

    /** The path of the innermost scope or task the current thread runs in; empty outside any. */
    static String currentPath() {
        return ScopeTree.currentPath();
    }

    /** The name of the task the current thread runs, or {@code null} outside any task. */
    static String currentTaskName() {
        return ScopeTree.CURRENT_TASK.isBound() ? ScopeTree.CURRENT_TASK.get().name() : null;
    }

    /**
     * The probe of the innermost scope the current thread owns, else of the scope of the task it runs; {@code null}
     * when nothing watches that scope, or outside any scope. For observers that give tasks a handle of their own
     * (as {@code Metrics.current()} does).
     */
    static ScopeObserver.Probe currentProbe() {
        ScopeImpl<?, ?> s = ScopeTree.current();
        return s == null ? null : s.probe;
    }

    /**
     * A snapshot of every live Weft scope and its running tasks, with state and age, as an indented tree; callable
     * from any thread while tasks run. At most 20 tasks are listed per scope.
     */
    static String dump() {
        return ScopeTree.dump();
    }

    /**
     * Adds {@code contributor} to what {@link #dump()} prints: after each task and each scope owner, what it says of
     * that path. The lock package adds one at its first use, showing the {@code OrderedLock} a task waits for, its
     * holder and the wait; the core itself imports nothing of it. Like the scope tree, the list of contributors is
     * process-wide and only read for dumps. Thread safe; adding the same contributor twice shows it twice.
     *
     * @throws NullPointerException if {@code contributor} is null
     */
    static void addDumpContributor(DumpContributor contributor) {
        ScopeTree.addContributor(contributor);
    }

    /** Says something about a task or a scope owner for {@link #dump()}; see {@link #addDumpContributor}. */
    @FunctionalInterface
    interface DumpContributor {
        /**
         * What to show after the task or scope owner at {@code path}, or {@code null} or empty for nothing. Called
         * from the dumping thread while tasks run: must be thread safe, quick and must not block.
         */
        String about(String path);
    }
}
