package dev.weft.tube;

import dev.weft.tube.TubeGraph.In;
import dev.weft.tube.TubeGraph.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of the epochs a runner has in flight: which node runs are waiting, ready, running or resolved, in which
 * (sub-)epoch; what becomes ready when a run resolves; when a root epoch has ended. Both runners drive it: they run
 * what it says is ready and report each run's outcome. All state is guarded by one lock, held only for bookkeeping;
 * nodes run, and callbacks are called, outside it.
 *
 * <p>Rules (noob's, restated): a run is ready when every signal it depends on has resolved in the epoch it reads it
 * from (its own or a parent); it expires without running when a required signal resolved without a value (the node
 * emitted {@link Node#NO_EVENT}, or itself expired, or is disabled). A map's run makes one sub-epoch per element; a
 * gather below a map resolves in the parent epoch once all its sub-epoch runs have. A stateful node runs one epoch at
 * a time, in epoch order: root epoch r only after its work in r - 1 is done; within a root, in sub-epoch order once
 * every map of its scope has run throughout the root (so all its sub-epochs are known). A runner-scoped asset with {@code depends} is read in
 * root r only once r - 1 has resolved the signal that updates it.
 */
final class Schedule {
    static final byte WAITING = 0;
    static final byte GATED = 1;
    static final byte READY = 2;
    static final byte RESOLVED = 3;

    /** Where a run's outcome goes: told outside the lock. */
    interface Sink {
        /** A run is ready to run. */
        void ready(Run run);

        /** A root epoch ended (normally, exhausted, or failed). */
        void ended(RootRun root);

        /** Events for callbacks (only when {@link #wantsEvents()}). */
        void events(List<TubeEvent> events);

        /** Whether anyone listens to events. */
        boolean wantsEvents();
    }

    /** One node's run in one (sub-)epoch. */
    static final class Run {
        final int node;
        final Frame frame;
        byte state;
        long emitted;

        Run(int node, Frame frame) {
            this.node = node;
            this.frame = frame;
        }

        Epoch epoch() {
            return frame.epoch;
        }

        @Override
        public String toString() {
            return frame.root.schedule.graph.ids[node] + "@" + frame.epoch;
        }
    }

    /** One (sub-)epoch: the runs of the nodes of its scope, and the outputs of gathers collapsing into it. */
    static final class Frame {
        final Epoch epoch;
        final Frame parent;
        final RootRun root;
        final Run[] runs;
        final int[] gatherPending;
        final boolean[] gatherResolved;
        final boolean[] gatherEmitted;
        Map<Integer, Frame[]> kids;

        Frame(Epoch epoch, Frame parent, RootRun root, int[] nodes, int gathers) {
            this.epoch = epoch;
            this.parent = parent;
            this.root = root;
            runs = new Run[nodes.length];
            for (int i = 0; i < nodes.length; i++) {
                runs[i] = new Run(nodes[i], this);
            }
            gatherPending = gathers == 0 ? null : new int[gathers];
            gatherResolved = gathers == 0 ? null : new boolean[gathers];
            gatherEmitted = gathers == 0 ? null : new boolean[gathers];
            if (gatherPending != null) {
                Arrays.fill(gatherPending, -1);
            }
        }

        Frame at(int depth) {
            Frame f = this;
            while (f.epoch.depth() > depth) {
                f = f.parent;
            }
            return f;
        }
    }

    /** One root epoch in flight. */
    static final class RootRun {
        final Schedule schedule;
        final long number;
        final Epoch epoch;
        final Map<String, Object> input;
        final long startNanos = System.nanoTime();
        Frame frame;
        int unresolved;
        /** Per map node: its runs in this root not yet resolved (a stateful node below it waits for 0). */
        final int[] pendingOfMap;
        final int[] unresolvedOf;
        final List<Run>[] statefulRuns;
        final int[] cursor;
        final boolean[] sorted;
        boolean ended;
        /** Set by the runner before it cancels the root's remaining runs: their failures are not suppressed. */
        volatile boolean cancelled;
        boolean exhausted;
        String exhaustedBy;
        NodeFailedException failure;
        /** Process-scoped assets, made on first use. */
        final Map<Integer, Object> assets = new HashMap<>();
        /** The runner's own per-root state. */
        Object attachment;

        @SuppressWarnings({"unchecked", "rawtypes"}) // an array of lists: Java has no generic arrays
        RootRun(Schedule schedule, long number, Map<String, Object> input) {
            this.schedule = schedule;
            this.number = number;
            this.epoch = Epoch.root(number);
            this.input = input;
            int n = schedule.graph.size;
            unresolvedOf = new int[n];
            pendingOfMap = new int[n];
            statefulRuns = new List[n];
            cursor = new int[n];
            sorted = new boolean[n];
        }

        boolean failed() {
            return failure != null;
        }
    }

    /** What one locked step produced, handed to the sink after the lock is released. */
    private final class Batch {
        final List<Run> ready = new ArrayList<>(4);
        final List<RootRun> ended = new ArrayList<>(1);
        final List<TubeEvent> events = sink.wantsEvents() ? new ArrayList<>() : null;

        void event(TubeEvent e) {
            if (events != null) {
                events.add(e);
            }
        }
    }

    final TubeGraph graph;
    private final EventStore store;
    private final Sink sink;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, RootRun> roots = new HashMap<>();
    private final TreeSet<Long> endedAhead = new TreeSet<>();
    private final long[] gate;
    private final long[] assetThrough;
    private final List<TreeSet<Long>> assetAhead = new ArrayList<>();
    private final boolean[] enabled;
    private final Object[] runnerAssets;
    private final boolean anyStateful;

    Schedule(TubeGraph graph, EventStore store, Sink sink, boolean[] enabled, Object[] runnerAssets) {
        this.graph = graph;
        this.store = store;
        this.sink = sink;
        this.enabled = enabled;
        this.runnerAssets = runnerAssets;
        gate = new long[graph.size];
        boolean s = false;
        for (boolean b : graph.stateful) {
            s |= b;
        }
        anyStateful = s;
        assetThrough = new long[graph.assetNames.size()];
        Arrays.fill(assetThrough, -1);
        for (int k = 0; k < assetThrough.length; k++) {
            assetAhead.add(new TreeSet<>());
        }
    }

    /** Root epochs in flight. */
    int inFlight() {
        lock.lock();
        try {
            return roots.size();
        } finally {
            lock.unlock();
        }
    }

    /** Sets a node enabled or not; only with nothing in flight. */
    void setEnabled(int node, boolean on) {
        lock.lock();
        try {
            if (!roots.isEmpty()) {
                throw new IllegalStateException("tube '" + graph.spec.id() + "': enable or disable node '"
                        + graph.ids[node] + "' only between epochs; " + roots.size() + " in flight");
            }
            enabled[node] = on;
        } finally {
            lock.unlock();
        }
    }

    boolean enabled(int node) {
        return enabled[node];
    }

    /**
     * Whether a root whose runner has nothing running or queued can never end: it has not ended, none of its runs is
     * ready (another root's thread may be handing one over) and none waits for another root (a stateful node's turn,
     * or a runner asset's next value). Only a bug makes this true.
     */
    boolean stuck(RootRun root) {
        lock.lock();
        try {
            return !root.ended && !waitsOnOthers(root.frame, root);
        } finally {
            lock.unlock();
        }
    }

    private boolean waitsOnOthers(Frame f, RootRun root) {
        for (Run r : f.runs) {
            // READY: queued, running, or being handed over by another root's thread right now
            if (r.state == GATED || r.state == READY) {
                return true;
            }
            if (r.state == WAITING) {
                for (In in : graph.inputs[r.node]) {
                    if (in.src() == TubeGraph.Src.ASSET && waitsForAsset(in, root)) {
                        return true;
                    }
                }
            }
        }
        if (f.kids != null) {
            for (Frame[] kids : f.kids.values()) {
                for (Frame k : kids) {
                    if (waitsOnOthers(k, root)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Starts root epoch {@code number}; the attachment is the runner's own state for it, set before any run. */
    RootRun start(long number, Map<String, Object> input, Object attachment) {
        RootRun root = new RootRun(this, number, input);
        root.attachment = attachment;
        Batch b = new Batch();
        lock.lock();
        try {
            if (roots.containsKey(number)) {
                throw new IllegalStateException("tube '" + graph.spec.id() + "': epoch " + number
                        + " is already running");
            }
            roots.put(number, root);
            root.frame = newFrame(root, root.epoch, null, TubeGraph.ROOT, b);
            for (Run r : root.frame.runs) {
                checkReady(r, b);
            }
        } finally {
            lock.unlock();
        }
        dispatch(b);
        return root;
    }

    /** A run returned normally: its value, a {@link Signals}, {@link Node#NO_EVENT}, or a map's items. */
    void complete(Run run, Object result) {
        int n = run.node;
        Kind kind = graph.kinds[n];
        if (kind == Kind.MAP) {
            resolveLocked(run, 0, result instanceof List<?> l ? l : List.of());
            return;
        }
        long mask = 0;
        List<TubeEvent> emitted = null;
        Epoch out = graph.collapse[n] >= 0 ? run.frame.epoch.parent() : run.frame.epoch;
        if (result instanceof Signals s) {
            // every name is checked before anything is stored: a bad name fails the run with nothing emitted
            int[] index = new int[s.values().size()];
            int i = 0;
            for (Map.Entry<String, Object> e : s.values().entrySet()) {
                int idx = graph.signalIndex(n, e.getKey());
                if (idx < 0) {
                    fail(run, new IllegalStateException("node '" + graph.ids[n] + "' returned signal '" + e.getKey()
                            + "', which it does not declare (its signals: " + List.of(graph.signals[n]) + ")"));
                    return;
                }
                index[i++] = idx;
                if (e.getValue() != Node.NO_EVENT) {
                    mask |= 1L << idx;
                }
            }
            i = 0;
            for (Map.Entry<String, Object> e : s.values().entrySet()) {
                int idx = index[i++];
                if (e.getValue() != Node.NO_EVENT) {
                    Event ev = store.add(n, idx, out, e.getValue());
                    if (sink.wantsEvents()) {
                        (emitted == null ? emitted = new ArrayList<>() : emitted).add(ev);
                    }
                }
            }
        } else if (result != Node.NO_EVENT) {
            if (graph.signals[n].length != 1) {
                fail(run, new IllegalStateException("node '" + graph.ids[n] + "' has signals "
                        + List.of(graph.signals[n]) + ": it must return a Signals naming them, not "
                        + (result == null ? "null" : "a " + result.getClass().getName())));
                return;
            }
            Event ev = store.add(n, 0, out, result);
            mask = 1;
            if (sink.wantsEvents()) {
                emitted = List.of(ev);
            }
        }
        if (emitted != null) {
            sink.events(emitted);
        }
        resolveLocked(run, mask, null);
    }

    /** A source ran out: the run resolves without a value and its root is marked exhausted. */
    void exhausted(Run run) {
        lock.lock();
        try {
            run.frame.root.exhausted = true;
            if (run.frame.root.exhaustedBy == null) {
                run.frame.root.exhaustedBy = graph.ids[run.node];
            }
        } finally {
            lock.unlock();
        }
        resolveLocked(run, 0, null);
    }

    /** A run failed: the first failure of a root ends it; later ones are suppressed under it. */
    void fail(Run run, Throwable t) {
        Batch b = new Batch();
        lock.lock();
        try {
            RootRun root = run.frame.root;
            if (root.failure != null) {
                if (!root.cancelled && root.failure.getCause() != t && !(t instanceof InterruptedException)) {
                    root.failure.addSuppressed(t);
                }
                return;
            }
            if (root.ended) {
                return;
            }
            root.failure = new NodeFailedException(graph.spec.id(), graph.ids[run.node], run.frame.epoch, t);
            endFailed(root, b);
        } finally {
            lock.unlock();
        }
        dispatch(b);
    }

    /** Ends a root that will not finish (cancelled by the runner): later epochs go on without it. */
    void cancel(RootRun root, Throwable why) {
        Batch b = new Batch();
        lock.lock();
        try {
            if (root.ended) {
                return;
            }
            root.failure = new NodeFailedException(graph.spec.id(), "(runner)", root.epoch, why);
            endFailed(root, b);
        } finally {
            lock.unlock();
        }
        dispatch(b);
    }

    private void endFailed(RootRun root, Batch b) {
        // the failed root no longer holds stateful nodes or assets back
        for (int n = 0; n < graph.size; n++) {
            if (graph.stateful[n] && gate[n] == root.number) {
                advanceGate(n, b);
            }
        }
        for (int k = 0; k < assetThrough.length; k++) {
            if (graph.assetDependsNode[k] >= 0) {
                assetResolved(k, root.number, b);
            }
        }
        rootEnded(root, b);
    }

    private void resolveLocked(Run run, long mask, List<?> items) {
        Batch b = new Batch();
        lock.lock();
        try {
            if (run.frame.root.ended || run.state == RESOLVED) {
                return;
            }
            resolve(run, mask, items, b);
        } finally {
            lock.unlock();
        }
        dispatch(b);
    }

    private void dispatch(Batch b) {
        if (b.events != null && !b.events.isEmpty()) {
            sink.events(b.events);
        }
        for (Run r : b.ready) {
            sink.ready(r);
        }
        for (RootRun r : b.ended) {
            sink.ended(r);
        }
    }

    private Frame newFrame(RootRun root, Epoch epoch, Frame parent, int[] scope, Batch b) {
        List<Integer> key = TubeGraph.key(scope);
        int[] nodes = graph.nodesByScope.getOrDefault(key, TubeGraph.ROOT);
        int[] gathers = graph.gathersOutInto.get(key);
        Frame f = new Frame(epoch, parent, root, nodes, gathers == null ? 0 : gathers.length);
        root.unresolved += nodes.length;
        for (Run r : f.runs) {
            int n = r.node;
            if (graph.kinds[n] == Kind.MAP) {
                root.pendingOfMap[n]++;
            }
            if (graph.stateful[n]) {
                root.unresolvedOf[n]++;
                if (scope.length > 0) {
                    if (root.statefulRuns[n] == null) {
                        root.statefulRuns[n] = new ArrayList<>();
                    }
                    root.statefulRuns[n].add(r);
                }
            }
        }
        return f;
    }

    private void resolve(Run run, long mask, List<?> items, Batch b) {
        if (run.state == RESOLVED) {
            return;
        }
        run.state = RESOLVED;
        run.emitted = mask;
        Frame f = run.frame;
        RootRun root = f.root;
        int n = run.node;
        if (graph.kinds[n] == Kind.MAP) {
            expand(run, items == null ? List.of() : items, b);
        }
        if (graph.collapse[n] >= 0) {
            Frame p = f.parent;
            int slot = graph.gatherSlot[n];
            if (mask != 0) {
                p.gatherEmitted[slot] = true;
            }
            if (--p.gatherPending[slot] == 0) {
                p.gatherResolved[slot] = true;
                propagate(n, p, b);
            }
        } else {
            propagate(n, f, b);
        }
        if (f.epoch.depth() == 0) {
            for (int k = 0; k < assetThrough.length; k++) {
                if (graph.assetDependsNode[k] == n) {
                    if ((mask >> graph.assetDependsSignal[k] & 1) != 0) {
                        runnerAssets[k] = store.find(n, graph.assetDependsSignal[k], f.epoch).value();
                    }
                    assetResolved(k, root.number, b);
                }
            }
        }
        if (graph.kinds[n] == Kind.MAP && --root.pendingOfMap[n] == 0) {
            for (int s = 0; s < graph.size; s++) {
                if (graph.stateful[s] && inChain(n, graph.scope[s]) && gate[s] == root.number) {
                    statefulProgress(s, root, b);
                }
            }
        }
        if (graph.stateful[n]) {
            root.unresolvedOf[n]--;
            if (gate[n] == root.number) {
                statefulProgress(n, root, b);
            }
        }
        if (--root.unresolved == 0 && !root.ended) {
            rootEnded(root, b);
        }
    }

    private void expand(Run run, List<?> items, Batch b) {
        Frame f = run.frame;
        int m = run.node;
        int k = items.size();
        if (k > 0) {
            run.emitted = 3;
            Event n = store.add(m, 1, f.epoch, k);
            b.event(n);
            int[] sub = Arrays.copyOf(graph.scope[m], graph.scope[m].length + 1);
            sub[sub.length - 1] = m;
            Frame[] kids = new Frame[k];
            for (int i = 0; i < k; i++) {
                Epoch e = f.epoch.sub(graph.ids[m], i);
                b.event(store.add(m, 0, e, items.get(i)));
                kids[i] = newFrame(f.root, e, f, sub, b);
            }
            if (f.kids == null) {
                f.kids = new HashMap<>();
            }
            f.kids.put(m, kids);
        }
        for (int g : graph.gathersOf[m]) {
            int slot = graph.gatherSlot[g];
            f.gatherPending[slot] = k;
            if (k == 0) {
                f.gatherResolved[slot] = true;
                propagate(g, f, b);
            }
        }
        if (k > 0) {
            for (Frame kid : f.kids.get(m)) {
                for (Run r : kid.runs) {
                    checkReady(r, b);
                }
            }
        }
    }

    /** Checks the runs of the nodes that depend on {@code node}, whose outputs just resolved in {@code f}. */
    private void propagate(int node, Frame f, Batch b) {
        for (int d : graph.dependants[node]) {
            descend(f, graph.scope[d], graph.posInScope[d], b);
        }
    }

    private void descend(Frame f, int[] scope, int pos, Batch b) {
        int depth = f.epoch.depth();
        if (depth == scope.length) {
            checkReady(f.runs[pos], b);
            return;
        }
        if (f.kids == null) {
            return;
        }
        Frame[] kids = f.kids.get(scope[depth]);
        if (kids != null) {
            for (Frame k : kids) {
                descend(k, scope, pos, b);
            }
        }
    }

    private void checkReady(Run run, Batch b) {
        if (run.state != WAITING) {
            return;
        }
        Frame f = run.frame;
        RootRun root = f.root;
        if (root.ended) {
            return;
        }
        int n = run.node;
        boolean expire = !enabled[n];
        if (!expire) {
            for (In in : graph.inputs[n]) {
                switch (in.src()) {
                    case NODE -> {
                        int st = status(in.node(), in.signal(), f);
                        if (st == 0) {
                            return;
                        }
                        if (st == 2 && in.required()) {
                            expire = true;
                        }
                    }
                    case INPUT -> {
                        if (!root.input.containsKey(in.name()) && in.required()) {
                            expire = true;
                        }
                    }
                    case ASSET -> {
                        if (waitsForAsset(in, root)) {
                            return;
                        }
                    }
                }
            }
        }
        if (expire) {
            resolve(run, 0, null, b);
            return;
        }
        if (graph.stateful[n] && !gateOpen(run)) {
            run.state = GATED;
            return;
        }
        run.state = READY;
        b.ready.add(run);
        if (b.events != null) {
            b.events.add(new MetaEvent(MetaEvent.Type.NODE_READY, graph.ids[n], f.epoch, Instant.now()));
        }
    }

    /** Whether a read of a runner asset with {@code depends} waits for the previous root to update it. */
    private boolean waitsForAsset(In in, RootRun root) {
        return graph.assetDependsNode[in.node()] >= 0 && assetThrough[in.node()] < root.number - 1;
    }

    /** 0 pending, 1 emitted, 2 resolved without a value. */
    private int status(int src, int signal, Frame f) {
        if (graph.isMapValue(src, signal)) {
            return 1;
        }
        Frame fs = f.at(graph.outDepth(src, signal));
        if (graph.collapse[src] >= 0) {
            int slot = graph.gatherSlot[src];
            if (!fs.gatherResolved[slot]) {
                return 0;
            }
            return fs.gatherEmitted[slot] ? 1 : 2;
        }
        Run j = fs.runs[graph.posInScope[src]];
        if (j.state != RESOLVED) {
            return 0;
        }
        return (j.emitted >> signal & 1) != 0 ? 1 : 2;
    }

    private boolean gateOpen(Run run) {
        int n = run.node;
        RootRun root = run.frame.root;
        if (gate[n] != root.number) {
            return false;
        }
        if (graph.scope[n].length == 0) {
            return true;
        }
        if (!mapsSettled(n, root)) {
            return false;
        }
        sortStateful(n, root);
        List<Run> list = root.statefulRuns[n];
        return root.cursor[n] < list.size() && list.get(root.cursor[n]) == run;
    }

    /**
     * Whether every map of node {@code n}'s scope has run everywhere in the root, so that all of {@code n}'s runs in
     * it exist (an outer map's runs make the inner map's, so the chain settles from the outside in). Only these maps
     * matter: a map downstream of {@code n} may well be waiting for it.
     */
    private static boolean mapsSettled(int n, RootRun root) {
        for (int m : root.schedule.graph.scope[n]) {
            if (root.pendingOfMap[m] > 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean inChain(int map, int[] scope) {
        for (int m : scope) {
            if (m == map) {
                return true;
            }
        }
        return false;
    }

    private void sortStateful(int n, RootRun root) {
        if (!root.sorted[n]) {
            root.statefulRuns[n].sort(Comparator.comparing(Run::epoch));
            root.sorted[n] = true;
        }
    }

    /** A stateful node resolved a run in {@code root} (or the root's maps all ran): let its next run go. */
    private void statefulProgress(int n, RootRun root, Batch b) {
        if (graph.scope[n].length > 0) {
            if (!mapsSettled(n, root)) {
                return;
            }
            List<Run> list = root.statefulRuns[n];
            if (list != null) {
                sortStateful(n, root);
                while (root.cursor[n] < list.size() && list.get(root.cursor[n]).state == RESOLVED) {
                    root.cursor[n]++;
                }
                if (root.cursor[n] < list.size()) {
                    Run next = list.get(root.cursor[n]);
                    if (next.state == GATED) {
                        next.state = WAITING;
                        checkReady(next, b);
                    }
                    if (next.state != RESOLVED) {
                        return;
                    }
                    // it expired at once: go on with the next
                    statefulProgress(n, root, b);
                    return;
                }
            }
        }
        if (root.unresolvedOf[n] == 0) {
            advanceGate(n, b);
        }
    }

    private void advanceGate(int n, Batch b) {
        while (true) {
            gate[n]++;
            RootRun next = roots.get(gate[n]);
            if (next != null) {
                if (graph.scope[n].length == 0) {
                    Run r = next.frame.runs[graph.posInScope[n]];
                    if (r.state == GATED) {
                        r.state = WAITING;
                        checkReady(r, b);
                    } else if (r.state == RESOLVED && next.unresolvedOf[n] == 0) {
                        continue;
                    }
                } else {
                    statefulProgress(n, next, b);
                }
                return;
            }
            if (!endedAhead.contains(gate[n])) {
                return;
            }
        }
    }

    private void assetResolved(int k, long rootNumber, Batch b) {
        TreeSet<Long> ahead = assetAhead.get(k);
        ahead.add(rootNumber);
        boolean moved = false;
        while (ahead.remove(assetThrough[k] + 1)) {
            assetThrough[k]++;
            moved = true;
        }
        if (moved) {
            RootRun next = roots.get(assetThrough[k] + 1);
            if (next != null) {
                for (int reader : graph.assetReaders[k]) {
                    descend(next.frame, graph.scope[reader], graph.posInScope[reader], b);
                }
            }
        }
    }

    private void rootEnded(RootRun root, Batch b) {
        root.ended = true;
        roots.remove(root.number);
        if (anyStateful) {
            endedAhead.add(root.number);
            long min = Long.MAX_VALUE;
            for (int n = 0; n < graph.size; n++) {
                if (graph.stateful[n]) {
                    min = Math.min(min, gate[n]);
                }
            }
            endedAhead.headSet(min).clear();
        }
        b.ended.add(root);
        if (b.events != null) {
            b.events.add(new MetaEvent(MetaEvent.Type.EPOCH_ENDED, null, root.epoch, Instant.now()));
        }
    }
}
