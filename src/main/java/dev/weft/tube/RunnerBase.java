package dev.weft.tube;

import dev.weft.tube.Schedule.RootRun;
import dev.weft.tube.Schedule.Run;
import dev.weft.tube.TubeGraph.In;
import dev.weft.tube.TubeGraph.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both runners share: making and initialising nodes and assets, running one node, shaping the return value,
 * callbacks, enabling and disabling nodes, closing.
 */
abstract class RunnerBase implements TubeRunner, Schedule.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(RunnerBase.class);

    /** One root epoch's outcome. */
    record Result(Object value, boolean hasValue, boolean exhausted, String exhaustedBy, Epoch epoch) {
    }

    final Tube tube;
    final TubeGraph graph;
    final Runners.Options options;
    final EventStore store;
    final Schedule schedule;
    /** Where plain and source nodes run ({@link Runners#cluster}), or {@code null}: here. */
    private final NodeHost host;
    private final Node[] nodes;
    private final Map<String, Object>[] params;
    private final boolean[] enabled;
    private final Object[] runnerAssets;
    private final CopyOnWriteArrayList<Consumer<? super TubeEvent>> callbacks = new CopyOnWriteArrayList<>();
    private final ReentrantLock openLock = new ReentrantLock();
    private volatile boolean opened;
    private volatile boolean closed;

    // an array of maps (no generic arrays); the schedule keeps this as its sink but calls back only later
    @SuppressWarnings({"unchecked", "rawtypes", "this-escape"})
    RunnerBase(Tube tube, Runners.Options options, NodeHost host) {
        this.tube = tube;
        this.host = host;
        this.graph = tube.graph;
        this.options = options;
        this.store = new EventStore(graph);
        nodes = new Node[graph.size];
        params = new Map[graph.size];
        enabled = new boolean[graph.size];
        for (int i = 0; i < graph.size; i++) {
            enabled[i] = graph.specs[i].enabled();
        }
        runnerAssets = new Object[graph.assetNames.size()];
        schedule = new Schedule(graph, store, this, enabled, runnerAssets);
    }

    /** Makes the nodes and runner assets and initialises them, once. */
    void open() {
        if (opened) {
            return;
        }
        openLock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the runner of tube '" + graph.spec.id() + "' is closed");
            }
            if (opened) {
                return;
            }
            for (int k = 0; k < runnerAssets.length; k++) {
                AssetSpec a = graph.spec.assets().get(graph.assetNames.get(k));
                if (a.scope() == AssetSpec.Scope.RUNNER) {
                    runnerAssets[k] = makeAsset(k);
                }
            }
            List<Integer> inited = new ArrayList<>();
            try {
                for (int i = 0; i < graph.size; i++) {
                    params[i] = resolve("node '" + graph.ids[i] + "'", graph.specs[i].params());
                    nodes[i] = make(i);
                }
                for (int i : graph.order) {
                    if (enabled[i]) {
                        nodes[i].init();
                        inited.add(i);
                    }
                }
            } catch (Exception e) {
                for (int i : inited) {
                    deinitQuietly(i);
                }
                closeAssets(runnerAssets);
                throw e instanceof RuntimeException re ? re : new IllegalStateException("tube '" + graph.spec.id()
                        + "': a node failed to initialise: " + e, e);
            }
            opened = true;
        } finally {
            openLock.unlock();
        }
    }

    private Node make(int i) {
        Params p = new Params("node '" + graph.ids[i] + "'", params[i]);
        return switch (graph.kinds[i]) {
            case MAP -> new Builtins.MapNode(graph.ids[i]);
            case GATHER -> new Builtins.GatherNode(p);
            case TUBE -> {
                Map<String, Object> childInput = new LinkedHashMap<>();
                TubeGraph child = graph.children[i];
                for (String name : child.spec.inputs().keySet()) {
                    if (child.spec.inputs().get(name).scope() == InputSpec.Scope.TUBE) {
                        if (params[i].containsKey(name)) {
                            childInput.put(name, params[i].get(name));
                        } else if (tube.tubeInput().containsKey(name)) {
                            childInput.put(name, tube.tubeInput().get(name));
                        }
                    }
                }
                yield new Builtins.TubeNode(Tube.ofGraph(child, childInput));
            }
            case PLAIN, SOURCE -> host == null ? graph.types[i].make(p) : hosted(i);
        };
    }

    /** Node {@code i} as the host makes it; a host that fails or returns nothing fails the open, naming the node. */
    private Node hosted(int i) {
        HostedNode h = new HostedNode(graph.spec.id(), graph.ids[i], graph.specs[i].type(), graph.types[i],
                graph.stateful[i], params[i]);
        Node n;
        try {
            n = host.host(h);
        } catch (RuntimeException e) {
            throw new IllegalStateException("tube '" + graph.spec.id() + "': node host " + host + " could not host "
                    + "node '" + graph.ids[i] + "' (type '" + h.typeName() + "'): " + e, e);
        }
        if (n == null) {
            throw new IllegalStateException("tube '" + graph.spec.id() + "': node host " + host + " returned no "
                    + "node for node '" + graph.ids[i] + "' (type '" + h.typeName() + "')");
        }
        return n;
    }

    private Map<String, Object> resolve(String owner, Map<String, Object> raw) {
        Map<String, Object> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (v instanceof String s && s.startsWith("input.")) {
                String name = s.substring("input.".length());
                out.put(k, tubeInput(name, owner + " param '" + k + "'"));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    private Object tubeInput(String name, String who) {
        if (tube.tubeInput().containsKey(name)) {
            return tube.tubeInput().get(name);
        }
        InputSpec is = graph.spec.inputs().get(name);
        if (is.hasDefault()) {
            return is.defaultValue();
        }
        throw new IllegalArgumentException("tube '" + graph.spec.id() + "': " + who + " needs tube-scoped input '"
                + name + "': give it with Tube.withInput");
    }

    private Object makeAsset(int k) {
        String name = graph.assetNames.get(k);
        AssetSpec a = graph.spec.assets().get(name);
        Object v = graph.registry.assetType(a.type()).orElseThrow().apply(new Params("asset '" + name + "'",
                resolve("asset '" + name + "'", a.params())));
        if (v == null) {
            throw new IllegalStateException("tube '" + graph.spec.id() + "': asset '" + name + "' of type '" + a.type()
                    + "' was made null");
        }
        return v;
    }

    /** The inputs of one root epoch: defaults, tube inputs, then the process inputs; checked. */
    Map<String, Object> rootInput(Map<String, Object> process) {
        Map<String, Object> in = new HashMap<>();
        for (Map.Entry<String, InputSpec> e : graph.spec.inputs().entrySet()) {
            if (e.getValue().hasDefault()) {
                in.put(e.getKey(), e.getValue().defaultValue());
            }
        }
        in.putAll(tube.tubeInput());
        process.forEach((k, v) -> {
            if (!graph.spec.inputs().containsKey(k)) {
                throw new IllegalArgumentException("tube '" + graph.spec.id() + "' has no input '" + k
                        + "' (declared: " + graph.spec.inputs().keySet() + ")");
            }
            in.put(k, v);
        });
        for (Map.Entry<String, InputSpec> e : graph.spec.inputs().entrySet()) {
            if (e.getValue().required() && !in.containsKey(e.getKey())) {
                throw new IllegalArgumentException("tube '" + graph.spec.id() + "': input '" + e.getKey()
                        + "' (" + e.getValue().scope().name().toLowerCase(Locale.ROOT)
                        + "-scoped) is required and was not given");
            }
        }
        return in;
    }

    /** Runs one node once and reports the outcome to the schedule. Never throws (but for the JVM's own errors). */
    final void execute(Run run) {
        RootRun root = run.frame.root;
        if (root.ended) {
            return;
        }
        int n = run.node;
        List<Object> nodeAssets = null;
        long t0 = System.nanoTime();
        boolean failed = false;
        try {
            Map<String, Object> named = new HashMap<>();
            List<Object> positional = new ArrayList<>(2);
            if (graph.kinds[n] == Kind.PLAIN && graph.types[n].paramsAsArgs()) {
                named.putAll(params[n]);
            }
            for (In in : graph.inputs[n]) {
                Object v;
                switch (in.src()) {
                    case NODE -> {
                        Event ev = store.find(in.node(), in.signal(), run.frame.epoch);
                        if (ev == null) {
                            continue;
                        }
                        v = ev.value();
                    }
                    case INPUT -> {
                        if (!root.input.containsKey(in.name())) {
                            continue;
                        }
                        v = root.input.get(in.name());
                    }
                    default -> {
                        int k = in.node();
                        switch (graph.spec.assets().get(in.name()).scope()) {
                            case RUNNER -> v = runnerAssets[k];
                            case PROCESS -> {
                                synchronized (root.assets) {
                                    v = root.assets.get(k);
                                    if (v == null) {
                                        v = makeAsset(k);
                                        root.assets.put(k, v);
                                    }
                                }
                            }
                            default -> {
                                v = makeAsset(k);
                                (nodeAssets == null ? nodeAssets = new ArrayList<>() : nodeAssets).add(v);
                            }
                        }
                    }
                }
                if (in.slot() != null) {
                    named.put(in.slot(), v);
                } else {
                    while (positional.size() <= in.position()) {
                        positional.add(null);
                    }
                    positional.set(in.position(), v);
                }
            }
            Object result = nodes[n].process(new Args(graph.ids[n], run.frame.epoch, named, positional));
            schedule.complete(run, result);
        } catch (NodeType.SourceExhausted e) {
            schedule.exhausted(run);
        } catch (VirtualMachineError e) {
            schedule.fail(run, e);
            throw e;
        } catch (Throwable t) {
            failed = true;
            schedule.fail(run, t);
        } finally {
            if (nodeAssets != null) {
                closeAssets(nodeAssets.toArray());
            }
            TubeObserver o = options.observer();
            if (o != null) {
                o.nodeRan(graph.spec.id(), graph.ids[n], run.frame.epoch, Duration.ofNanos(System.nanoTime() - t0),
                        failed);
            }
        }
    }

    /** The return node's value for an ended root epoch. */
    final Result collect(RootRun root) {
        if (root.exhausted) {
            return new Result(null, false, true, root.exhaustedBy, root.epoch);
        }
        if (graph.returnInputs == null) {
            return new Result(null, false, false, null, root.epoch);
        }
        Depends.Shape shape = graph.returnDepends.shape();
        List<Object> list = new ArrayList<>();
        Map<String, Object> map = new LinkedHashMap<>();
        Object scalar = null;
        boolean any = false;
        for (In in : graph.returnInputs) {
            Object v;
            boolean present;
            switch (in.src()) {
                case NODE -> {
                    if (graph.outDepth(in.node(), in.signal()) == 0) {
                        Event ev = store.find(in.node(), in.signal(), root.epoch);
                        present = ev != null;
                        v = present ? ev.value() : null;
                    } else {
                        List<Object> values = new ArrayList<>();
                        for (Event ev : store.within(in.node(), in.signal(), root.epoch)) {
                            values.add(ev.value());
                        }
                        present = !values.isEmpty();
                        v = values;
                    }
                }
                case INPUT -> {
                    present = root.input.containsKey(in.name());
                    v = root.input.get(in.name());
                }
                default -> {
                    int k = in.node();
                    v = graph.spec.assets().get(in.name()).scope() == AssetSpec.Scope.RUNNER ? runnerAssets[k]
                            : root.assets.get(k);
                    present = v != null;
                }
            }
            if (!present) {
                continue;
            }
            any = true;
            switch (shape) {
                case SCALAR -> scalar = v;
                case LIST -> list.add(v);
                default -> map.put(in.slot(), v);
            }
        }
        Object value = switch (shape) {
            case SCALAR -> scalar;
            case LIST -> any ? list : null;
            default -> any ? map : null;
        };
        return new Result(value, any, false, null, root.epoch);
    }

    /** After a root epoch's result is taken: closes its process assets and clears it from the store. */
    final void finish(RootRun root) {
        synchronized (root.assets) {
            closeAssets(root.assets.values().toArray());
            root.assets.clear();
        }
        if (options.autoclear()) {
            store.clear(root.epoch);
        }
        TubeObserver o = options.observer();
        if (o != null && !root.exhausted) {
            o.epochEnded(graph.spec.id(), root.epoch, Duration.ofNanos(System.nanoTime() - root.startNanos),
                    schedule.inFlight());
        }
    }

    /** The failure that ended a free run, until stop() or join() rethrows it. */
    final AtomicReference<RuntimeException> freeFailure = new AtomicReference<>();

    /** Rethrows (once) the failure that ended a free run. */
    final void rethrowFree() {
        RuntimeException e = freeFailure.getAndSet(null);
        if (e != null) {
            throw e;
        }
    }

    /** Joins a thread through interrupts, keeping the interrupt status. */
    static void joinQuietly(Thread t) {
        if (t == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code iter(n)}: the next {@code n} return values, running epochs until each comes (at most
     * {@code maxIterLoops} epochs for one value); a source running out ends it early.
     */
    abstract class Values implements Iterator<Object> {
        private final int n;
        private int given;
        private Result ready;
        private boolean done;

        Values(int n) {
            checkCount(n);
            this.n = n;
        }

        /** The next epoch's result. */
        abstract Result nextEpoch();

        /** Called once when the iterator is done (ended, failed or used up): drops epochs started ahead. */
        void finished() {
        }

        /** Values still wanted. */
        final int remaining() {
            return n - given;
        }

        @Override
        public final boolean hasNext() {
            if (ready != null) {
                return true;
            }
            if (done || given >= n) {
                return false;
            }
            try {
                for (int loops = 0; loops < options.maxIterLoops(); loops++) {
                    Result r = nextEpoch();
                    if (r.exhausted()) {
                        end();
                        return false;
                    }
                    if (r.hasValue()) {
                        ready = r;
                        return true;
                    }
                }
            } catch (RuntimeException e) {
                end();
                throw e;
            }
            end();
            throw new IllegalStateException("tube '" + graph.spec.id() + "': iter ran " + options.maxIterLoops()
                    + " epochs without a return value (Runners.Options.withMaxIterLoops)");
        }

        @Override
        public final Object next() {
            if (!hasNext()) {
                throw new NoSuchElementException("tube '" + graph.spec.id() + "': iter(" + n + ") is done");
            }
            given++;
            Object v = ready.value();
            ready = null;
            if (given >= n) {
                end();
            }
            return v;
        }

        private void end() {
            if (!done) {
                done = true;
                finished();
            }
        }
    }

    static void checkCount(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("the number of epochs must not be negative, not " + n);
        }
    }

    /** The exception for a source that ran out, for {@code process}. */
    final NoSuchElementException exhaustedError(Result r) {
        return new NoSuchElementException("tube '" + graph.spec.id() + "': source '" + r.exhaustedBy()
                + "' is exhausted (epoch " + r.epoch() + ")");
    }

    private void closeAssets(Object[] assets) {
        for (Object a : assets) {
            if (a instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("tube '{}': closing asset {} failed", graph.spec.id(), a, e);
                }
            }
        }
    }

    private void deinitQuietly(int i) {
        try {
            nodes[i].deinit();
        } catch (Exception e) {
            LOG.warn("tube '{}': deinit of node '{}' failed", graph.spec.id(), graph.ids[i], e);
        }
    }

    @Override
    public final void events(List<TubeEvent> events) {
        for (TubeEvent e : events) {
            for (Consumer<? super TubeEvent> cb : callbacks) {
                try {
                    cb.accept(e);
                } catch (RuntimeException x) {
                    LOG.warn("tube '{}': a callback threw on {}", graph.spec.id(), e, x);
                }
            }
        }
    }

    @Override
    public final boolean wantsEvents() {
        return !callbacks.isEmpty();
    }

    @Override
    public final void addCallback(Consumer<? super TubeEvent> callback) {
        callbacks.add(Objects.requireNonNull(callback, "callback"));
    }

    @Override
    public final void enable(String nodeId) {
        toggle(nodeId, true);
    }

    @Override
    public final void disable(String nodeId) {
        toggle(nodeId, false);
    }

    private void toggle(String nodeId, boolean on) {
        Integer i = graph.index.get(nodeId);
        if (i == null) {
            throw new IllegalArgumentException("tube '" + graph.spec.id() + "' has no node '" + nodeId + "'"
                    + (nodeId.equals(graph.returnId) ? " that can be enabled or disabled (it is the return node)"
                    : ""));
        }
        if (schedule.enabled(i) == on) {
            return;
        }
        schedule.setEnabled(i, on);
        if (opened) {
            try {
                if (on) {
                    nodes[i].init();
                } else {
                    nodes[i].deinit();
                }
            } catch (Exception e) {
                throw new IllegalStateException("tube '" + graph.spec.id() + "': " + (on ? "init" : "deinit")
                        + " of node '" + nodeId + "' failed: " + e, e);
            }
        }
    }

    @Override
    public final EventStore store() {
        return store;
    }

    @Override
    public final Tube tube() {
        return tube;
    }

    /** Deinitialises the nodes (reverse topological order) and closes the runner assets. */
    final void closeNodes() {
        openLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (opened) {
                for (int k = graph.order.length - 1; k >= 0; k--) {
                    int i = graph.order[k];
                    if (enabled[i]) {
                        deinitQuietly(i);
                    }
                }
                closeAssets(runnerAssets);
            }
        } finally {
            openLock.unlock();
        }
    }

    final boolean isClosed() {
        return closed;
    }
}
