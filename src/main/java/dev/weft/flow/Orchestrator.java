package dev.weft.flow;

import dev.weft.adapt.AdaptiveLimit;
import dev.weft.adapt.Cost;
import dev.weft.adapt.Decision;
import dev.weft.adapt.Goal;
import dev.weft.adapt.Limits;
import dev.weft.event.EventSource;
import dev.weft.lock.OrderedLock;
import dev.weft.metrics.Metrics;
import dev.weft.scope.Scope;
import dev.weft.scope.ScopeOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Runs {@link DataFlow}s, as DFFML's memory orchestrator does, on Weft's scopes and ordered locks.
 *
 * {@snippet :
 * var results = Orchestrator.withDefaults().run(flow, Map.of(
 *         "add 40 and 2", List.of(Input.of("add 40 and 2", calc.line)),
 *         "multiply 42 and 10", List.of(Input.of("multiply 42 and 10", calc.line))));
 * // each ContextResult in completion order: context name, and the output operations' results
 * }
 *
 * <h2>Execution</h2>
 * Each context runs as a task of one scope (at most {@link Options#maxContexts()} at a time), and each operation
 * run as a task of its context's scope, so everything a run starts has ended when it returns. Contexts are
 * isolated: inputs of different contexts are never combined; the data flow's seed is added to every context, after
 * the context's own inputs (as DFFML's {@code seed_inputs} appends it, which shows in the order of
 * {@code get_multi}'s lists and in {@code get_single}'s pick, the last). In a context:
 * <ol>
 *   <li>operations with no inputs (auto-start) run once, if their conditions hold;</li>
 *   <li>each new set of inputs wakes the PROCESSING operations listening to their origins; for each, the parameter
 *       sets are the cartesian product, over the whole context, of the inputs matching each of its flow inputs (an
 *       input with no match takes its definition's default, else the operation waits); a set already run (same
 *       instance, same source inputs by uid) is skipped; each new set runs on its own virtual thread, holding the
 *       locks of its locked inputs (see {@link Definition#lock()}) through an ordered lock set;</li>
 *   <li>outputs become new inputs (an {@code expand} key gives one input per element; {@code null} adds nothing);</li>
 *   <li>when no operation is running and no input set is pending (counted, not guessed), the CLEANUP stage and then
 *       the OUTPUT stage run, each operation over every novel parameter set, sequentially; the OUTPUT stage's
 *       results are the context's result: one output instance gives its map as is, several give a map by instance
 *       name, none gives an empty map.</li>
 * </ol>
 * Conditions: every condition of an operation must hold (the last input of each condition definition decides).
 * DFFML returns at the first true condition; {@link Options#dffmlCompatibleConditions()} keeps that behaviour.
 *
 * <h2>Errors</h2>
 * Strict (the default): a failing operation cancels its context, whose result is not delivered; other contexts run
 * to the end and are delivered, then {@code run} throws {@link OperationException} naming the instance, its inputs
 * and the parameter values, with the original as cause (failures of other contexts suppressed). With
 * {@link Options#cancelAllOnFailure()}, the first failure cancels every context. Non-strict: the failure is logged,
 * recorded in {@link ContextResult#failures()}, and the context goes on. A data flow that cannot run (an operation
 * without implementation) fails before anything runs, with {@link FlowException}. Running no context returns at once.
 *
 * <p>Thread safety: an orchestrator holds only its options and may run any number of data flows at once, from any
 * threads. A run's operations may block freely; they run on virtual threads.
 */
public final class Orchestrator {
    private final Options options;

    private Orchestrator(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** An orchestrator with {@link Options#defaults()}. */
    public static Orchestrator withDefaults() {
        return new Orchestrator(Options.defaults());
    }

    /** An orchestrator with {@code options}. */
    public static Orchestrator of(Options options) {
        return new Orchestrator(options);
    }

    /** This orchestrator's options. */
    public Options options() {
        return options;
    }

    /**
     * How runs behave: immutable, built from {@link #defaults()} with the {@code with…} methods (no public
     * constructor, so an option can be added without breaking callers). Thread safe.
     *
     * <ul>
     *   <li>{@link #maxContexts()}: contexts running at once (at least 1).</li>
     *   <li>{@link #strict()}: whether a failing operation fails the run (see the class description).</li>
     *   <li>{@link #cancelAllOnFailure()}: with strict, whether the first failure cancels every context.</li>
     *   <li>{@link #lockTimeout()}: how long an operation waits for the locks of its inputs before failing.</li>
     *   <li>{@link #dffmlCompatibleConditions()}: whether conditions use DFFML's first-true-wins check.</li>
     *   <li>{@link #keepInputs()}: whether each {@link ContextResult} keeps the context's inputs, for lineage queries
     *       (off by default: a long run holds every input until it ends).</li>
     *   <li>{@link #metrics()}: where runs record: the run's scopes and tasks (scope {@code flow} for contexts, and
     *       {@code flow.context} for the scope of each context, whose tasks are the operations' runs) and timer
     *       {@code weft.operation.run} tagged {@code operation} (the instance) and {@code outcome}; operations reach
     *       it, tagged with their instance, through {@link dev.weft.Weft#metrics()}. {@code null} (the default): the
     *       enclosing scope's, if any, else nothing. With a goal, also gauges {@code weft.flow.limit} (contexts
     *       allowed at once) and {@code weft.flow.queued}, and counter {@code weft.flow.limit.moves} tagged
     *       {@code reason}.</li>
     *   <li>{@link #goal()}, {@link #limits()}, {@link #decisions()}: what the run optimises for (speed, memory, or a
     *       balance), within which limits, and who hears each move of its limit; see {@link AdaptiveLimit}.</li>
     * </ul>
     */
    public static final class Options {
        private static final Options DEFAULTS =
                new Options(Integer.MAX_VALUE, true, false, Duration.ofSeconds(30), false, false, null, null, null,
                        null);

        private final int maxContexts;
        private final boolean strict;
        private final boolean cancelAllOnFailure;
        private final Duration lockTimeout;
        private final boolean dffmlCompatibleConditions;
        private final boolean keepInputs;
        private final Metrics metrics;
        private final Goal goal;
        private final Limits limits;
        private final Consumer<? super Decision> decisions;

        /** @throws IllegalArgumentException for a limit below 1 or a negative lock timeout, naming the option */
        private Options(int maxContexts, boolean strict, boolean cancelAllOnFailure, Duration lockTimeout,
                        boolean dffmlCompatibleConditions, boolean keepInputs, Metrics metrics, Goal goal,
                        Limits limits, Consumer<? super Decision> decisions) {
            if (maxContexts < 1) {
                throw new IllegalArgumentException("maxContexts must be at least 1, got " + maxContexts);
            }
            Objects.requireNonNull(lockTimeout, "lockTimeout");
            if (lockTimeout.isNegative()) {
                throw new IllegalArgumentException("lockTimeout must not be negative, got " + lockTimeout);
            }
            this.maxContexts = maxContexts;
            this.strict = strict;
            this.cancelAllOnFailure = cancelAllOnFailure;
            this.lockTimeout = lockTimeout;
            this.dffmlCompatibleConditions = dffmlCompatibleConditions;
            this.keepInputs = keepInputs;
            this.metrics = metrics;
            this.goal = goal;
            this.limits = limits;
            this.decisions = decisions;
        }

        /** Unbounded contexts, strict, 30 s lock timeout, Weft's conditions. */
        public static Options defaults() {
            return DEFAULTS;
        }

        /** These options with another context limit. */
        public Options withMaxContexts(int n) {
            return new Options(n, strict, cancelAllOnFailure, lockTimeout, dffmlCompatibleConditions,
                    keepInputs, metrics, goal, limits, decisions);
        }

        /** These options, strict or not. */
        public Options withStrict(boolean s) {
            return new Options(maxContexts, s, cancelAllOnFailure, lockTimeout, dffmlCompatibleConditions,
                    keepInputs, metrics, goal, limits, decisions);
        }

        /** These options, cancelling every context on the first failure or not. */
        public Options withCancelAllOnFailure(boolean c) {
            return new Options(maxContexts, strict, c, lockTimeout, dffmlCompatibleConditions, keepInputs, metrics, goal,
                    limits, decisions);
        }

        /** These options with another lock timeout. */
        public Options withLockTimeout(Duration t) {
            return new Options(maxContexts, strict, cancelAllOnFailure, t, dffmlCompatibleConditions,
                    keepInputs, metrics, goal, limits, decisions);
        }

        /** These options, keeping each context's inputs in its result (for lineage queries) or not. */
        public Options withKeepInputs(boolean keep) {
            return new Options(maxContexts, strict, cancelAllOnFailure, lockTimeout, dffmlCompatibleConditions,
                    keep, metrics, goal, limits, decisions);
        }

        /** These options with DFFML's condition check, or Weft's. */
        public Options withDffmlCompatibleConditions(boolean c) {
            return new Options(maxContexts, strict, cancelAllOnFailure, lockTimeout, c, keepInputs, metrics, goal, limits,
                    decisions);
        }

        /** A copy recording into {@code metrics} ({@code null}: the enclosing scope's, if any). */
        public Options withMetrics(Metrics m) {
            return new Options(maxContexts, strict, cancelAllOnFailure, lockTimeout, dffmlCompatibleConditions,
                    keepInputs, m, goal, limits, decisions);
        }

        /**
         * These options with an optimisation goal ({@code null}: none, the fixed {@link #maxContexts()}): the number of
         * contexts running at once then moves while the run runs, for the goal and within {@link #limits()}, under
         * the ceiling of {@code maxContexts}; see {@link AdaptiveLimit}. Operations that declare a {@link Cost}
         * ({@link Operation.Builder#cost}) are admitted by it.
         */
        public Options withGoal(Goal g) {
            return new Options(maxContexts, strict, cancelAllOnFailure, lockTimeout, dffmlCompatibleConditions,
                    keepInputs, metrics, g, limits, decisions);
        }

        /**
         * These options with other limits for a goal; {@code null} (the default): {@link Limits#fromMachine()},
         * made when each run starts, which reads what is not given from this machine then and while the run runs.
         * Without a goal they do nothing.
         */
        public Options withLimits(Limits l) {
            return new Options(maxContexts, strict, cancelAllOnFailure, lockTimeout, dffmlCompatibleConditions,
                    keepInputs, metrics, goal, l, decisions);
        }

        /**
         * These options handing each move of a goal's limit to {@code listener} (on the thread that moved it, outside
         * any lock: keep it short); {@code null} for none. The run's {@link FlowRun#limit()} shows the latest too.
         */
        public Options withDecisions(Consumer<? super Decision> listener) {
            return new Options(maxContexts, strict, cancelAllOnFailure, lockTimeout, dffmlCompatibleConditions,
                    keepInputs, metrics, goal, limits, listener);
        }

        /** The optimisation goal, or {@code null} for none. */
        public Goal goal() {
            return goal;
        }

        /** The limits a goal stays within, or {@code null} for the machine's, read at the start of each run. */
        public Limits limits() {
            return limits;
        }

        /** Where a goal's decisions go, or {@code null}. */
        public Consumer<? super Decision> decisions() {
            return decisions;
        }

        /** Contexts running at once. */
        public int maxContexts() {
            return maxContexts;
        }

        /** Whether a failing operation fails the run. */
        public boolean strict() {
            return strict;
        }

        /** With strict: whether the first failure cancels every context. */
        public boolean cancelAllOnFailure() {
            return cancelAllOnFailure;
        }

        /** How long an operation waits for the locks of its inputs. */
        public Duration lockTimeout() {
            return lockTimeout;
        }

        /** Whether conditions use DFFML's check. */
        public boolean dffmlCompatibleConditions() {
            return dffmlCompatibleConditions;
        }

        /** Whether each context's result keeps its inputs. */
        public boolean keepInputs() {
            return keepInputs;
        }

        /** Where runs record, or {@code null} for the enclosing scope's. */
        public Metrics metrics() {
            return metrics;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Options other && maxContexts == other.maxContexts && strict == other.strict
                    && cancelAllOnFailure == other.cancelAllOnFailure && lockTimeout.equals(other.lockTimeout)
                    && dffmlCompatibleConditions == other.dffmlCompatibleConditions && keepInputs == other.keepInputs
                    && Objects.equals(metrics, other.metrics) && goal == other.goal && Objects.equals(limits, other.limits)
                    && Objects.equals(decisions, other.decisions);
        }

        @Override
        public int hashCode() {
            return Objects.hash(maxContexts, strict, cancelAllOnFailure, lockTimeout, dffmlCompatibleConditions,
                    keepInputs, metrics, goal, limits, decisions);
        }

        @Override
        public String toString() {
            return "Orchestrator.Options[maxContexts=" + (maxContexts == Integer.MAX_VALUE ? "unbounded" : maxContexts)
                    + ", strict=" + strict + ", cancelAllOnFailure=" + cancelAllOnFailure + ", lockTimeout="
                    + lockTimeout + ", dffmlCompatibleConditions=" + dffmlCompatibleConditions + ", keepInputs="
                    + keepInputs + ", metrics=" + metrics
                    + (goal == null ? "" : ", goal=" + goal + ", limits=" + limits) + "]";
        }
    }

    /**
     * Runs {@code flow} once per context and returns the results in completion order.
     *
     * @param inputsByContext context name to the inputs it starts with, in the order given, before the seed
     * @throws OperationException in strict mode, after the other contexts ended; see the class description
     * @throws FlowException      if the flow cannot run
     */
    public List<ContextResult> run(DataFlow flow, Map<String, List<Input>> inputsByContext) {
        List<ContextResult> out = new ArrayList<>();
        run(flow, inputsByContext, out::add);
        return out;
    }

    /**
     * Runs {@code flow} once per context, handing each context's result to {@code onResult} on the calling thread as
     * soon as that context finishes (completion order). Returns when every context has ended. If the calling thread
     * is interrupted, the run is cancelled, and the contexts that had finished by then are still handed to
     * {@code onResult} before it throws.
     *
     * @throws OperationException in strict mode, after the other contexts ended (or were cancelled)
     * @throws FlowException      if the flow cannot run, or the calling thread was interrupted
     */
    public void run(DataFlow flow, Map<String, List<Input>> inputsByContext, Consumer<ContextResult> onResult) {
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(onResult, "onResult");
        checkImplementations(flow);
        Map<String, List<Input>> contexts = new LinkedHashMap<>(inputsByContext);
        run(new Shared(flow, options, contextEvents(contexts.keySet()), null), contexts, onResult);
    }

    /**
     * Starts {@code flow} once per context on a virtual thread of its own and returns at once: the run's results
     * arrive through the returned {@link FlowRun} (as an iterator, a future, or events). Close the run to cancel
     * what is left and wait for it.
     *
     * @throws FlowException if the flow cannot run (before anything starts)
     */
    public FlowRun start(DataFlow flow, Map<String, List<Input>> inputsByContext) {
        return start(flow, inputsByContext, null);
    }

    /**
     * {@link #start(DataFlow, Map)}, telling {@code onRun} of every processing-stage operation run as it is
     * dispatched, with an event for that run (see {@link OperationRun}). {@code onRun} is called on the context's
     * thread before the run starts: keep it short, and never block in it.
     *
     * @throws FlowException if the flow cannot run (before anything starts)
     */
    public FlowRun start(DataFlow flow, Map<String, List<Input>> inputsByContext, Consumer<OperationRun> onRun) {
        Objects.requireNonNull(flow, "flow");
        checkImplementations(flow);
        Map<String, List<Input>> contexts = new LinkedHashMap<>(inputsByContext);
        Shared shared = new Shared(flow, options, contextEvents(contexts.keySet()), onRun);
        return new FlowRun(this, shared, contexts);
    }

    private static Map<String, EventSource> contextEvents(Set<String> names) {
        Map<String, EventSource> events = new LinkedHashMap<>();
        for (String name : names) {
            events.put(name, new EventSource("context " + name));
        }
        return Collections.unmodifiableMap(events);
    }

    /** The run itself, on the calling thread, which owns the contexts' scope. */
    void run(Shared shared, Map<String, List<Input>> contexts, Consumer<ContextResult> onResult) {
        DataFlow flow = shared.flow;
        if (contexts.isEmpty()) {
            return; // DFFML waits forever here
        }
        LinkedBlockingQueue<Object> finished = new LinkedBlockingQueue<>();
        AdaptiveLimit adaptive = shared.startAdaptive();
        // Without a goal every context is forked at once and waits on a semaphore of maxContexts. With one, the
        // scope's moving limit admits them: each fork parks this thread while the limit is full (a context waiting
        // on a thread of its own would hold that thread's memory: 10,000 queued contexts held more than a small
        // memory budget), and between forks this thread hands over what finished, so results do not pile up.
        Semaphore slots = new Semaphore(adaptive != null ? contexts.size()
                : Math.min(options.maxContexts(), contexts.size()));
        ScopeOptions scopeOptions = ScopeOptions.named("flow").withObserver(options.metrics());
        if (adaptive != null) {
            scopeOptions = scopeOptions.withConcurrencyLimit(adaptive);
        }
        List<RuntimeException> failures = new ArrayList<>();
        if (adaptive != null) {
            adaptive.backlog(contexts.size());
        }
        try (adaptive; Scope<Object, Void> scope = Scope.open(scopeOptions)) {
            int forked = 0, taken = 0;
            boolean stopped = false;
            for (Map.Entry<String, List<Input>> context : contexts.entrySet()) {
                String name = context.getKey();
                List<Input> inputs = context.getValue();
                scope.fork(taskName(name), () -> {
                    // every context reports exactly once, whatever happens, so the loop below never waits in vain
                    EventSource event = shared.contextEvents.get(name);
                    try {
                        slots.acquire();
                        try {
                            ContextResult result = new ContextRun(shared, name, inputs).run();
                            // queued before the event succeeds: whoever sees SUCCESS can count on the result being
                            // handed over, by the loop below or, if the run is cancelled, by deliverFinished
                            finished.add(result);
                            event.succeed();
                        } finally {
                            slots.release();
                        }
                    } catch (Throwable t) {
                        event.fail(t);
                        finished.add(t);
                    }
                    return null;
                });
                forked++;
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException(); // interrupted while parked in fork: the scope is cancelled
                }
                if (adaptive != null) {
                    adaptive.backlog(contexts.size() - forked);
                    while (!stopped) { // polls only while it will hand over what it takes: nothing is lost
                        Object next = finished.poll();
                        if (next == null) {
                            break;
                        }
                        taken++;
                        stopped = !handOver(next, flow, onResult, failures);
                    }
                    if (stopped) {
                        scope.cancel();
                        break;
                    }
                }
            }
            for (; !stopped && taken < forked; taken++) {
                if (!handOver(finished.take(), flow, onResult, failures)) {
                    scope.cancel();
                    break;
                }
            }
            if (forked < contexts.size()) {
                // cancelAllOnFailure stopped the run before these were forked: they never ran
                int i = 0;
                for (String name : contexts.keySet()) {
                    if (i++ >= forked) {
                        shared.contextEvents.get(name).fail("run cancelled after a failure, before context '" + name
                                + "' started");
                    }
                }
            }
            try {
                scope.join();
            } catch (CancellationException cancelled) {
                // cancelled because of a failure that is reported below
            }
            // after cancelAllOnFailure's break, contexts that succeeded before they were cancelled are still queued
            deliverFinished(finished, onResult);
        } catch (InterruptedException e) {
            // the scope is closed, so every context task has ended: the results that were still queued when the run
            // was interrupted are all in `finished` now, and each of their events succeeded, so they must be handed
            // over (with the interrupt status clear, so that a callback may block) before the run reports it
            deliverFinished(finished, onResult);
            Thread.currentThread().interrupt();
            for (EventSource event : shared.contextEvents.values()) {
                event.fail("run interrupted"); // only the contexts that had not finished: a finished event stays
            }
            throw new FlowException("interrupted while running " + flow, e);
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            for (int i = 1; i < failures.size(); i++) {
                first.addSuppressed(failures.get(i));
            }
            throw first;
        }
    }

    /**
     * Hands one finished context over: its result to {@code onResult}, or its failure to {@code failures}. Returns
     * false when the failure must stop the run ({@link Options#cancelAllOnFailure()}).
     */
    private boolean handOver(Object next, DataFlow flow, Consumer<ContextResult> onResult,
                             List<RuntimeException> failures) {
        if (next instanceof ContextResult r) {
            onResult.accept(r);
            return true;
        }
        RuntimeException e = next instanceof RuntimeException re ? re
                : new FlowException("a context of " + flow + " failed: " + next, (Throwable) next);
        failures.add(e);
        return !options.cancelAllOnFailure();
    }

    /**
     * Hands {@code onResult} the context results still in {@code finished} once the contexts' scope has ended; the
     * failures queued with them are left: the run ended for another reason, which it reports.
     */
    private static void deliverFinished(LinkedBlockingQueue<Object> finished, Consumer<ContextResult> onResult) {
        for (Object next = finished.poll(); next != null; next = finished.poll()) {
            if (next instanceof ContextResult r) {
                onResult.accept(r);
            }
        }
    }

    /** A context or instance name as a task or scope name: Weft task names hold no '/' and are not blank. */
    static String taskName(String context) {
        String n = context.replace('/', '_');
        return n.isBlank() ? "context" : n;
    }

    private static void checkImplementations(DataFlow flow) {
        for (Operation op : flow.operations().values()) {
            if (!flow.implementations().containsKey(op.name())) {
                throw new FlowException("operation '" + op.name() + "' (instance '" + op.instance()
                        + "') has no implementation in the data flow; implementations exist for "
                        + flow.implementations().keySet());
            }
        }
    }

    /**
     * What the contexts of one run share: the flow, the options, one lock per locked input (by uid), the
     * per-instance statistics, and each context's completion event.
     */
    static final class Shared {
        final DataFlow flow;
        final Options options;
        /** The run's metrics (from the options, else the starting thread's scope), or null for none. */
        final Metrics metrics;
        /** What each context's scope records into: one {@code scope} tag for all contexts. */
        final Metrics contextMetrics;
        private final ConcurrentHashMap<String, Metrics> operationMetrics = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<String, OrderedLock> locks = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<String, Counters> stats = new ConcurrentHashMap<>();
        final Map<String, EventSource> contextEvents;
        /** Told of every processing run as it is dispatched, on the context's thread; null for none. */
        final Consumer<OperationRun> onRun;
        /** The run's adaptive limit while it runs, with a goal; else null. Set before any context starts. */
        volatile AdaptiveLimit adaptive;
        /** Costs operations reported while running (OperationContext.reportCost), by instance: they replace the
         * declared ones for later runs. */
        private final ConcurrentHashMap<String, Cost> reportedCosts = new ConcurrentHashMap<>();

        Shared(DataFlow flow, Options options, Map<String, EventSource> contextEvents, Consumer<OperationRun> onRun) {
            this.flow = flow;
            this.options = options;
            Metrics m = options.metrics() != null ? options.metrics() : Metrics.ofCurrentScope();
            this.metrics = m == null || !m.isEnabled() ? null : m;
            this.contextMetrics = metrics == null ? null : metrics.withTags("scope", "flow.context");
            this.contextEvents = contextEvents;
            this.onRun = onRun;
        }

        /** Records one finished run of {@code instance}. */
        void recordRun(String instance, long nanos, boolean failed) {
            Counters c = stats.computeIfAbsent(instance, k -> new Counters());
            c.runs.increment();
            if (failed) {
                c.failures.increment();
            }
            c.nanos.add(nanos);
            c.max.accumulate(nanos);
            if (metrics != null) {
                c.timer(metrics, instance, failed).accept(nanos);
            }
        }

        /** The handle an operation of {@code instance} reports into, tagged with it; null when none. */
        Metrics operationMetrics(String instance) {
            return metrics == null ? null
                    : operationMetrics.computeIfAbsent(instance, i -> metrics.withTags("operation", i));
        }

        /**
         * With a goal: starts the run's adaptive limit (the options' limits, under the ceiling of maxContexts), its
         * decisions going to the options' listener and, with metrics, to gauges and a counter. Null without a goal.
         */
        AdaptiveLimit startAdaptive() {
            Goal goal = options.goal();
            if (goal == null) {
                return null;
            }
            Limits limits = options.limits() != null ? options.limits() : Limits.fromMachine();
            if (options.maxContexts() < limits.maxInFlight()) {
                limits = limits.withMaxInFlight(options.maxContexts());
            }
            Consumer<? super Decision> listener = options.decisions();
            Consumer<Decision> all = listener == null ? d -> { } : listener::accept;
            if (metrics != null) {
                java.util.concurrent.atomic.AtomicLong limitGauge = metrics.gauge("weft.flow.limit");
                java.util.concurrent.atomic.AtomicLong queuedGauge = metrics.gauge("weft.flow.queued");
                Map<Decision.Reason, Runnable> moves = new java.util.EnumMap<>(Decision.Reason.class);
                for (Decision.Reason r : Decision.Reason.values()) {
                    moves.put(r, metrics.incrementer("weft.flow.limit.moves", "reason", r.name()));
                }
                Consumer<Decision> user = all;
                all = d -> {
                    limitGauge.set(d.limit());
                    queuedGauge.set(d.queued());
                    moves.get(d.reason()).run();
                    user.accept(d);
                };
            }
            AdaptiveLimit a = AdaptiveLimit.start(goal, limits, all);
            adaptive = a;
            return a;
        }

        /** The cost an operation instance is admitted by: what it reported last, else what it declared. */
        Cost costOf(Operation op) {
            Cost reported = reportedCosts.get(op.instance());
            return reported != null ? reported : op.cost();
        }

        /** Records the cost a run of {@code instance} reported, for the runs admitted after it. */
        void reportCost(String instance, Cost cost) {
            reportedCosts.put(instance, Objects.requireNonNull(cost, "cost"));
        }

        Map<String, OperationStats> stats() {
            Map<String, OperationStats> out = new LinkedHashMap<>();
            for (String instance : flow.operations().keySet()) {
                Counters c = stats.get(instance);
                out.put(instance, c == null ? new OperationStats(instance, 0, 0, Duration.ZERO, Duration.ZERO)
                        : new OperationStats(instance, c.runs.sum(), c.failures.sum(), Duration.ofNanos(c.nanos.sum()),
                        Duration.ofNanos(c.max.get())));
            }
            return out;
        }

        private static final class Counters {
            final LongAdder runs = new LongAdder();
            final LongAdder failures = new LongAdder();
            final LongAdder nanos = new LongAdder();
            final LongAccumulator max = new LongAccumulator(Math::max, 0);
            private volatile LongConsumer succeeded, failed; // made on first use

            LongConsumer timer(Metrics m, String instance, boolean fail) {
                LongConsumer t = fail ? failed : succeeded;
                if (t == null) {
                    t = m.nanosRecorder("weft.operation.run", "operation", instance, "outcome",
                            fail ? "failed" : "succeeded");
                    if (fail) {
                        failed = t;
                    } else {
                        succeeded = t;
                    }
                }
                return t;
            }
        }

        OrderedLock lockOf(Input input) {
            return locks.computeIfAbsent(input.uid(), uid -> new OrderedLock(input.definition().name() + "#" + uid));
        }
    }
}
