package dev.weft.flow;

import dev.weft.event.EventSource;
import dev.weft.adapt.AdaptiveLimit;
import dev.weft.lock.LockSet;
import dev.weft.lock.OrderedLock;
import dev.weft.metrics.Metrics;
import dev.weft.scope.Scope;
import dev.weft.scope.ScopeOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One context of a run: DFFML's {@code run_operations_for_ctx}. Its thread owns the context's input store (no other
 * thread touches it, so it needs no lock) and the scope its operation runs are forked in; each run reports back
 * through {@link #inbox} with its outputs in the same message that ends it, so "nothing running and nothing pending"
 * is an exact count, not a guess about scheduling.
 */
final class ContextRun {
    private static final Logger LOG = LoggerFactory.getLogger(Orchestrator.class);

    private final Orchestrator.Shared shared;
    private final DataFlow flow;
    private final String name;
    private final List<Input> given;
    private final Map<String, List<Input>> byDefinition = new HashMap<>();
    private final Map<Origin, List<Input>> byOrigin = new HashMap<>();
    /** Parameter sets already run: instance, then the sorted uids of its source inputs (DFFML's redundancy checker). */
    private final Set<String> seen = new HashSet<>();
    private final LinkedBlockingQueue<Done> inbox = new LinkedBlockingQueue<>();
    private final List<OperationException> failures = new ArrayList<>();
    private int running;

    /**
     * A parameter set: values by input name, the inputs they came from (defaults have none), and the inputs forwarded
     * to the instance's subflow (snapshotted on the context's thread when the set is made).
     */
    private record ParameterSet(Operation op, Map<String, Object> values, List<Input> sources, List<Input> forwarded) {
        ParameterSet(Operation op, Map<String, Object> values, List<Input> sources) {
            this(op, values, sources, List.of());
        }
    }

    /** The end of one operation run: its new inputs, or its failure. */
    private record Done(ParameterSet set, List<Input> outputs, Throwable failure) {
    }

    ContextRun(Orchestrator.Shared shared, String name, List<Input> given) {
        this.shared = shared;
        this.flow = shared.flow;
        this.name = name;
        this.given = List.copyOf(given);
    }

    ContextResult run() throws InterruptedException {
        try (Scope<Object, Void> scope = Scope.open(ScopeOptions.named(Orchestrator.taskName(name)).withObserver(shared.contextMetrics))) {
            try {
                // the context's own inputs, then the seed: DFFML's seed_inputs appends the seed to the given inputs,
                // and the order shows in get_multi's lists, get_single's pick (the last) and the order of runs
                List<Input> first = new ArrayList<>(given);
                first.addAll(flow.seed());
                List<Input> admitted = admit(scope, first);
                for (Operation op : flow.ofStage(Stage.PROCESSING)) {
                    if (op.inputs().isEmpty() && !op.validator() && conditionsHold(op)) {
                        dispatch(scope, new ParameterSet(op, Map.of(), List.of()));
                    }
                }
                wake(scope, admitted);
                while (running > 0) {
                    Done done = inbox.take();
                    running--;
                    if (done.failure() != null) {
                        OperationException e = failed(done.set(), done.failure());
                        if (shared.options.strict()) {
                            throw e;
                        }
                        LOG.warn("context '{}': {}", name, e.getMessage(), e.getCause());
                        failures.add(e);
                        continue;
                    }
                    if (!done.outputs().isEmpty()) {
                        wake(scope, admit(scope, done.outputs()));
                    }
                }
                runStage(Stage.CLEANUP);
                Map<String, Object> results = runStage(Stage.OUTPUT);
                scope.join();
                return new ContextResult(name, results, failures,
                        shared.options.keepInputs() ? byDefinition : Map.of(), shared.options.keepInputs());
            } catch (RuntimeException | InterruptedException e) {
                scope.cancel();
                try {
                    scope.join();
                } catch (RuntimeException | InterruptedException ignored) {
                    // the scope was cancelled because of e, which is what this context reports
                }
                throw e;
            }
        }
    }

    /**
     * A fresh uid. Uids need only be unique, not unguessable: a random UUID from ThreadLocalRandom avoids
     * SecureRandom's global lock, which showed up in profiles of many small operations.
     */
    static String newUid() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(hi, lo).toString();
    }

    private OperationException failed(ParameterSet set, Throwable cause) {
        return new OperationException(name, set.op().instance(), set.values(), set.op().inputs(), cause);
    }

    /**
     * Adds the validated inputs to the store and returns them; for each input still to be validated, runs its
     * definition's validator operation instead, whose outputs come back through the inbox.
     */
    private List<Input> admit(Scope<Object, Void> scope, List<Input> inputs) {
        List<Input> ready = new ArrayList<>(inputs.size());
        for (Input i : inputs) {
            if (i.isValidated()) {
                ready.add(i);
            } else {
                Operation validator = flow.operations().get(i.definition().validator().orElseThrow());
                String param = validator.inputs().keySet().iterator().next();
                Map<String, Object> values = new LinkedHashMap<>();
                values.put(param, i.value());
                dispatch(scope, new ParameterSet(validator, values, List.of(i)));
            }
        }
        add(ready);
        return ready;
    }

    private void add(List<Input> inputs) {
        for (Input i : inputs) {
            byDefinition.computeIfAbsent(i.definition().name(), k -> new ArrayList<>()).add(i);
            byOrigin.computeIfAbsent(i.origin(), k -> new ArrayList<>()).add(i);
        }
    }

    /** Dispatches every novel parameter set of the PROCESSING instances that {@code fresh} inputs may wake. */
    private void wake(Scope<Object, Void> scope, List<Input> fresh) {
        // by identity: hashing whole Operation records on every wake-up showed up in profiles
        Set<Operation> woken = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Operation> order = new ArrayList<>();
        for (Input i : fresh) {
            for (Operation op : flow.listening(Stage.PROCESSING, i.origin())) {
                if (woken.add(op)) {
                    order.add(op);
                }
            }
        }
        for (Operation op : order) {
            if (op.inputs().isEmpty() || op.validator() || !conditionsHold(op)) {
                continue;
            }
            for (ParameterSet set : novelSets(op)) {
                dispatch(scope, set);
            }
        }
    }

    private void dispatch(Scope<Object, Void> scope, ParameterSet unforwarded) {
        running++;
        ParameterSet set = withForwarded(unforwarded);
        OperationImplementation impl = flow.implementations().get(set.op().name());
        EventSource runEvent = null;
        if (shared.onRun != null) { // events for single runs only when someone listens: a run costs nothing extra
            runEvent = new EventSource(name + "/" + set.op().instance());
            shared.onRun.accept(new OperationRun(name, set.op().instance(), set.values(), runEvent.event()));
        }
        EventSource event = runEvent;
        scope.fork(Orchestrator.taskName(set.op().instance()), () -> {
            List<Input> outputs;
            try {
                outputs = runLocked(set, impl);
            } catch (Throwable t) {
                if (event != null) {
                    event.fail(t);
                }
                inbox.add(new Done(set, List.of(), t));
                return null;
            }
            if (event != null) {
                event.succeed();
            }
            inbox.add(new Done(set, outputs, null));
            return null;
        });
    }

    /** The set with the parent inputs the forward book names for its instance, taken from the store now. */
    private ParameterSet withForwarded(ParameterSet set) {
        List<Definition<?>> book = flow.forward().get(set.op().instance());
        if (book == null || book.isEmpty()) {
            return set;
        }
        List<Input> forwarded = new ArrayList<>();
        for (Definition<?> d : book) {
            for (Input i : byDefinition.getOrDefault(d.name(), List.of())) {
                if (i.definition().equals(d)) {
                    forwarded.add(i);
                }
            }
        }
        return new ParameterSet(set.op(), set.values(), set.sources(), List.copyOf(forwarded));
    }

    /** Runs the implementation with retries, and records the run's time and outcome in the run's statistics. */
    private Object timed(ParameterSet set, OperationImplementation impl) throws Exception {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            Metrics m = shared.operationMetrics(set.op().instance());
            Object result = m == null ? attempt(set, impl) : Metrics.callWith(m, () -> attempt(set, impl));
            failed = false;
            return result;
        } finally {
            shared.recordRun(set.op().instance(), System.nanoTime() - start, failed);
        }
    }

    /** Runs one parameter set holding the locks of its locked inputs and their locked ancestors. */
    private List<Input> runLocked(ParameterSet set, OperationImplementation impl) throws Exception {
        List<OrderedLock> locks = new ArrayList<>();
        Set<Input> toLock = new LinkedHashSet<>();
        for (Input source : set.sources()) {
            toLock.addAll(source.lockedLineage());
        }
        Object returned;
        AdaptiveLimit adaptive = shared.adaptive;
        // admitted by its cost before it takes any lock: waiting for memory while holding locks could deadlock
        AdaptiveLimit.Permit permit = adaptive == null ? null
                : adaptive.admit("operation '" + set.op().instance() + "' of context '" + name + "'",
                        shared.costOf(set.op()));
        try {
            returned = lockedCall(set, impl, toLock, locks);
        } finally {
            if (permit != null) {
                permit.close();
            }
        }
        return outputsOf(set, returned);
    }

    private Object lockedCall(ParameterSet set, OperationImplementation impl, Set<Input> toLock,
                              List<OrderedLock> locks) throws Exception {
        Object returned;
        if (toLock.isEmpty()) {
            returned = timed(set, impl);
        } else {
            for (Input i : toLock) {
                locks.add(shared.lockOf(i));
            }
            returned = LockSet.of(locks).call(shared.options.lockTimeout(), () -> timed(set, impl));
        }
        return returned;
    }

    /** Runs the implementation, with up to {@code retry} attempts in total. */
    private Object attempt(ParameterSet set, OperationImplementation impl) throws Exception {
        int attempts = Math.max(1, set.op().retry());
        for (int n = 1; ; n++) {
            try {
                return impl.run(new RunContext(set.op(), set.forwarded()), set.values());
            } catch (Exception e) {
                if (n >= attempts || e instanceof InterruptedException) {
                    throw e;
                }
                LOG.warn("context '{}': {} attempt {} of {} failed; retrying", name, set.op().instance(), n,
                        attempts, e);
            }
        }
    }

    /** The new inputs an operation's return value makes; see {@link OperationImplementation}. */
    private List<Input> outputsOf(ParameterSet set, Object returned) {
        List<Input> out = new ArrayList<>();
        for (Map<?, ?> outputs : outputMaps(set.op(), returned)) {
            outputs.forEach((key, value) -> {
                Definition<?> d = set.op().outputs().get(String.valueOf(key));
                if (d == null) {
                    throw new FlowException("operation instance '" + set.op().instance() + "' returned output '"
                            + key + "', which it does not declare; its outputs are " + set.op().outputs().keySet());
                }
                Origin origin = Origin.output(set.op().instance(), String.valueOf(key));
                boolean validator = set.op().validator();
                if (set.op().expand().contains(String.valueOf(key))) {
                    for (Object element : elements(set.op(), key, value)) {
                        out.add(validator ? Input.validated(element, d, set.sources(), origin, newUid())
                                : Input.of(element, d, set.sources(), origin, newUid()));
                    }
                } else {
                    out.add(validator ? Input.validated(value, d, set.sources(), origin, newUid())
                            : Input.of(value, d, set.sources(), origin, newUid()));
                }
            });
        }
        return out;
    }

    private static List<Map<?, ?>> outputMaps(Operation op, Object returned) {
        if (returned == null) {
            return List.of();
        }
        if (returned instanceof Map<?, ?> m) {
            return List.of(m);
        }
        Iterator<?> it = returned instanceof Stream<?> s ? s.iterator()
                : returned instanceof Iterable<?> i ? i.iterator() : null;
        if (it == null) {
            throw new FlowException("operation instance '" + op.instance() + "' returned " + returned.getClass()
                    .getName() + "; an operation returns null, a Map of outputs, or an Iterable/Stream of Maps");
        }
        List<Map<?, ?>> maps = new ArrayList<>();
        while (it.hasNext()) {
            Object next = it.next();
            if (next == null) {
                continue;
            }
            if (!(next instanceof Map<?, ?> m)) {
                throw new FlowException("operation instance '" + op.instance() + "' yielded " + next
                        + "; each output set must be a Map of outputs");
            }
            maps.add(m);
        }
        return maps;
    }

    private static Iterable<?> elements(Operation op, Object key, Object value) {
        if (value instanceof Iterable<?> i) {
            return i;
        }
        if (value instanceof Object[] a) {
            return Arrays.asList(a);
        }
        if (value instanceof Stream<?> s) {
            return s.toList();
        }
        throw new FlowException("operation instance '" + op.instance() + "' expands output '" + key
                + "', but its value is not iterable: " + value);
    }

    /** The parameter sets of {@code op} over the whole context that have not run yet, marking them as run. */
    private List<ParameterSet> novelSets(Operation op) {
        InputFlow f = flow.flow().get(op.instance());
        List<String> params = new ArrayList<>(op.inputs().keySet());
        List<List<Input>> candidates = new ArrayList<>();
        List<Object> defaults = new ArrayList<>();
        for (String param : params) {
            Definition<?> wanted = op.inputs().get(param);
            List<Input> matching = new ArrayList<>();
            Set<Input> added = new HashSet<>();
            for (InputFlow.Source source : f.inputs().get(param)) {
                for (Input i : byOrigin.getOrDefault(source.origin(), List.of())) {
                    if (source.matches(i, wanted) && added.add(i)) {
                        matching.add(i);
                    }
                }
            }
            if (matching.isEmpty()) {
                if (!wanted.hasDefault()) {
                    return List.of(); // waits for an input
                }
                matching.add(null); // the default stands in, with no source input
            }
            candidates.add(matching);
            defaults.add(wanted.rawDefault());
        }
        List<ParameterSet> sets = new ArrayList<>();
        int[] index = new int[params.size()];
        while (true) {
            Map<String, Object> values = new LinkedHashMap<>();
            List<Input> sources = new ArrayList<>();
            List<String> uids = new ArrayList<>();
            for (int p = 0; p < params.size(); p++) {
                Input i = candidates.get(p).get(index[p]);
                values.put(params.get(p), i == null ? defaults.get(p) : i.value());
                if (i != null) {
                    sources.add(i);
                    uids.add(i.uid());
                }
            }
            uids.sort(null);
            if (seen.add(op.instance() + "\u0000" + String.join("\u0000", uids))) {
                sets.add(new ParameterSet(op, values, sources));
            }
            int p = params.size() - 1;
            while (p >= 0 && ++index[p] == candidates.get(p).size()) {
                index[p] = 0;
                p--;
            }
            if (p < 0) {
                return sets;
            }
        }
    }

    /** Whether {@code op}'s conditions hold in this context (see {@link Orchestrator}). */
    private boolean conditionsHold(Operation op) {
        if (op.conditions().isEmpty()) {
            return true;
        }
        InputFlow f = flow.flow().get(op.instance());
        List<InputFlow.Source> sources = f == null ? List.of() : f.conditions();
        if (shared.options.dffmlCompatibleConditions()) {
            return dffmlConditionsHold(op, sources);
        }
        for (Definition<?> condition : op.conditions()) {
            // the last input of the condition's definition that one of the condition sources matches decides
            List<Input> ofDefinition = byDefinition.getOrDefault(condition.name(), List.of());
            Input last = null;
            for (int k = ofDefinition.size() - 1; k >= 0 && last == null; k--) {
                Input i = ofDefinition.get(k);
                for (InputFlow.Source source : sources) {
                    if (source.matches(i, condition)) {
                        last = i;
                        break;
                    }
                }
            }
            if (last == null || !Boolean.TRUE.equals(last.value())) {
                return false;
            }
        }
        return true;
    }

    /**
     * DFFML's {@code _check_conditions}: the condition sources in order; the first whose origin has no input yet ends
     * the check, false; otherwise the last input of that origin which is of the source's own condition decides, and
     * the first source so decided true makes the whole check true.
     */
    private boolean dffmlConditionsHold(Operation op, List<InputFlow.Source> sources) {
        for (int k = 0; k < sources.size(); k++) {
            InputFlow.Source source = sources.get(k);
            List<Input> from = byOrigin.getOrDefault(source.origin(), List.of());
            if (from.isEmpty()) {
                return false;
            }
            boolean foundAndTrue = false;
            for (Input i : from) {
                if (isDffmlCondition(op, k, source, i)) {
                    foundAndTrue = Boolean.TRUE.equals(i.value());
                }
            }
            if (foundAndTrue) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether DFFML counts {@code input} for condition source {@code k} of {@code op}. It compares definitions by
     * name: with an alternate-definitions source, against that list; with an output source, against the producer's
     * output definition; with a named origin ({@code "seed"}), against the k-th condition of the operation, so that
     * each seed condition is read from its own definition, not from whichever condition input came last.
     */
    private boolean isDffmlCondition(Operation op, int k, InputFlow.Source source, Input input) {
        if (source instanceof InputFlow.Source.AlternateDefinitions a) {
            return a.definitions().contains(input.definition().name());
        }
        Definition<?> wanted;
        if (source.origin() instanceof Origin.Output(String instance, String key)) {
            wanted = flow.operations().get(instance).outputs().get(key);
        } else if (k < op.conditions().size()) {
            wanted = op.conditions().get(k);
        } else {
            // more sources than conditions: DFFML fails here (IndexError); Weft's automatic flow gets here when a
            // condition has several producers, which shifts the later seed conditions, so any condition matches
            return op.conditions().stream().anyMatch(c -> c.name().equals(input.definition().name()));
        }
        if (source instanceof InputFlow.Source.Lineage) {
            return source.matches(input, wanted); // DFFML has no lineage conditions: Weft's own rule
        }
        return wanted.name().equals(input.definition().name());
    }

    /** Runs every operation of {@code stage} over its novel parameter sets, in order, on this thread. */
    private Map<String, Object> runStage(Stage stage) throws InterruptedException {
        Map<String, Map<String, Object>> byInstance = new LinkedHashMap<>();
        for (Operation op : flow.ofStage(stage)) {
            if (!conditionsHold(op)) {
                continue;
            }
            List<ParameterSet> sets = op.inputs().isEmpty() ? List.of(new ParameterSet(op, Map.of(), List.of()))
                    : novelSets(op);
            OperationImplementation impl = flow.implementations().get(op.name());
            for (ParameterSet set : sets) {
                Object returned;
                try {
                    returned = timed(set, impl);
                    if (returned != null && !(returned instanceof Map)) {
                        // inside the try, so it fails like any other operation: recorded, or strict
                        throw new FlowException(stage.exported() + " operation instance '" + op.instance()
                                + "' returned " + returned + "; it must return a Map or null");
                    }
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    OperationException failure = failed(set, e);
                    if (shared.options.strict()) {
                        throw failure;
                    }
                    LOG.warn("context '{}': {}", name, failure.getMessage(), e);
                    failures.add(failure);
                    continue;
                }
                if (returned instanceof Map<?, ?> m) {
                    Map<String, Object> merged = byInstance.computeIfAbsent(op.instance(), k -> new LinkedHashMap<>());
                    m.forEach((k, v) -> merged.put(String.valueOf(k), v));
                }
            }
        }
        if (stage != Stage.OUTPUT) {
            return Map.of();
        }
        if (byInstance.size() == 1 && flow.ofStage(Stage.OUTPUT).size() == 1) {
            return new LinkedHashMap<>(byInstance.values().iterator().next());
        }
        return new LinkedHashMap<>(byInstance);
    }

    /** The {@link OperationContext} of one run. */
    private final class RunContext implements OperationContext {
        private final Operation op;
        private final List<Input> forwarded;

        RunContext(Operation op, List<Input> forwarded) {
            this.op = op;
            this.forwarded = forwarded;
        }

        @Override
        public List<Input> forwarded() {
            return forwarded;
        }

        @Override
        public Operation operation() {
            return op;
        }

        @Override
        public String instanceName() {
            return op.instance();
        }

        @Override
        public String contextName() {
            return name;
        }

        @Override
        public Optional<Object> config() {
            return Optional.ofNullable(flow.configs().get(op.instance()));
        }

        @Override
        public List<Input> inputs(String definitionName) {
            if (op.stage() == Stage.PROCESSING) {
                throw new IllegalStateException("inputs(" + definitionName + ") is for cleanup and output operations;"
                        + " processing instance '" + op.instance() + "' receives its inputs as parameters");
            }
            return List.copyOf(byDefinition.getOrDefault(definitionName, List.of()));
        }

        @Override
        public boolean hasInputs(String definitionName) {
            return !inputs(definitionName).isEmpty();
        }

        @Override
        public void reportCost(dev.weft.adapt.Cost cost) {
            if (shared.adaptive != null) {
                shared.reportCost(op.instance(), cost);
            }
        }
    }
}
