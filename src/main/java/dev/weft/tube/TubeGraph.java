package dev.weft.tube;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A checked, indexed tube: what the runners walk. Built once per {@link Tube}; immutable.
 *
 * <p>Every node but the return node gets an index. A node's <em>scope</em> is the chain of map nodes whose
 * sub-epochs it runs in: the deepest scope among the signals it depends on (they must form one chain, else it
 * depends on two unrelated maps). A map's {@code value} is one level deeper than the map; a gather below a map
 * collapses that level (its output is in the map's own scope).
 */
final class TubeGraph {
    enum Kind { PLAIN, SOURCE, MAP, GATHER, TUBE }

    enum Src { NODE, INPUT, ASSET }

    /** One input edge of a node; {@code node} is the source node's index, or for an asset the asset's index. */
    record In(String slot, int position, Src src, int node, String name, int signal, boolean required) {
    }

    static final int[] ROOT = new int[0];

    final TubeSpec spec;
    final NodeRegistry registry;
    final int size;
    final String[] ids;
    final Kind[] kinds;
    final NodeSpec[] specs;
    final NodeType[] types;
    final boolean[] stateful;
    final String[][] signals;
    final In[][] inputs;
    final int[][] dependants;
    final int[] order;
    final int[] topoIndex;
    final int[][] scope;
    final int[] collapse;
    /** For each node: its position among the nodes of its scope. */
    final int[] posInScope;
    /** For each scope (as a list of map indices): its nodes. */
    final Map<List<Integer>, int[]> nodesByScope;
    /** For a collapsing gather: its slot among the collapsing gathers of its map's scope. */
    final int[] gatherSlot;
    /** For each scope: how many collapsing gathers output into it. */
    final Map<List<Integer>, int[]> gathersOutInto;
    /** For each map: the gathers that collapse it. */
    final int[][] gathersOf;
    final Map<String, Integer> index;
    /** For each node: the first flat signal index (signals are numbered node by node). */
    final int[] signalBase;
    final int signalCount;
    /** The return node, or null. */
    final String returnId;
    final Depends returnDepends;
    final In[] returnInputs;
    /** Child tubes of tube nodes (null elsewhere). */
    final TubeGraph[] children;
    /** Asset names in order, their specs, and for runner assets with depends, the (node, signal) updating them. */
    final List<String> assetNames;
    final int[] assetDependsNode;
    final int[] assetDependsSignal;
    /** For each asset, the nodes that read it. */
    final int[][] assetReaders;

    private TubeGraph(Builder b) {
        spec = b.spec;
        registry = b.registry;
        size = b.ids.size();
        ids = b.ids.toArray(String[]::new);
        kinds = b.kinds.toArray(Kind[]::new);
        specs = b.specs.toArray(NodeSpec[]::new);
        types = b.types.toArray(NodeType[]::new);
        stateful = b.stateful;
        signals = b.signals;
        inputs = b.inputs;
        dependants = b.dependants;
        order = b.order;
        topoIndex = b.topoIndex;
        scope = b.scope;
        collapse = b.collapse;
        posInScope = b.posInScope;
        nodesByScope = b.nodesByScope;
        gatherSlot = b.gatherSlot;
        gathersOutInto = b.gathersOutInto;
        gathersOf = b.gathersOf;
        index = b.index;
        signalBase = b.signalBase;
        signalCount = b.signalCount;
        returnId = b.returnId;
        returnDepends = b.returnDepends;
        returnInputs = b.returnInputs;
        children = b.children;
        assetNames = b.assetNames;
        assetDependsNode = b.assetDependsNode;
        assetDependsSignal = b.assetDependsSignal;
        assetReaders = b.assetReaders;
    }

    static TubeGraph compile(TubeSpec spec, NodeRegistry registry, Function<String, Optional<TubeSpec>> tubes,
            List<String> nesting) {
        return new Builder(spec, registry, tubes, nesting).build();
    }

    /** The depth of a signal's output scope. */
    int outDepth(int node, int signal) {
        int d = scope[node].length;
        if (kinds[node] == Kind.MAP && signal == 0) {
            return d + 1;
        }
        if (collapse[node] >= 0) {
            return d - 1;
        }
        return d;
    }

    /** Whether the signal of a map is its per-element {@code value}. */
    boolean isMapValue(int node, int signal) {
        return kinds[node] == Kind.MAP && signal == 0;
    }

    int signalIndex(int node, String signal) {
        String[] s = signals[node];
        for (int i = 0; i < s.length; i++) {
            if (s[i].equals(signal)) {
                return i;
            }
        }
        return -1;
    }

    List<String> topologicalIds() {
        List<String> out = new ArrayList<>(size + 1);
        for (int i : order) {
            out.add(ids[i]);
        }
        if (returnId != null) {
            out.add(returnId);
        }
        return out;
    }

    static List<Integer> key(int[] scope) {
        List<Integer> k = new ArrayList<>(scope.length);
        for (int s : scope) {
            k.add(s);
        }
        return k;
    }

    /** Checks a specification and indexes it. */
    private static final class Builder {
        final TubeSpec spec;
        final NodeRegistry registry;
        final Function<String, Optional<TubeSpec>> tubes;
        final List<String> nesting;
        final String tube;
        final List<String> ids = new ArrayList<>();
        final List<Kind> kinds = new ArrayList<>();
        final List<NodeSpec> specs = new ArrayList<>();
        final List<NodeType> types = new ArrayList<>();
        final Map<String, Integer> index = new HashMap<>();
        boolean[] stateful;
        String[][] signals;
        In[][] inputs;
        int[][] dependants;
        int[] order;
        int[] topoIndex;
        int[][] scope;
        int[] collapse;
        int[] posInScope;
        Map<List<Integer>, int[]> nodesByScope;
        int[] gatherSlot;
        Map<List<Integer>, int[]> gathersOutInto;
        int[][] gathersOf;
        int[] signalBase;
        int signalCount;
        String returnId;
        Depends returnDepends;
        In[] returnInputs;
        TubeGraph[] children;
        List<String> assetNames;
        int[] assetDependsNode;
        int[] assetDependsSignal;
        int[][] assetReaders;

        Builder(TubeSpec spec, NodeRegistry registry, Function<String, Optional<TubeSpec>> tubes,
                List<String> nesting) {
            this.spec = spec;
            this.registry = registry;
            this.tubes = tubes;
            this.nesting = nesting;
            this.tube = spec.id();
        }

        TubeException fail(String where, String field, String problem) {
            return new TubeException(tube, where, field, problem);
        }

        static String node(String id) {
            return "node '" + id + "'";
        }

        TubeGraph build() {
            if (!spec.extendsIds().isEmpty()) {
                throw fail(null, "extends", "extends " + spec.extendsIds() + " is not resolved: read the tube with "
                        + "Tube.read or Tube.fromYaml, which merge what it extends");
            }
            if (spec.nodes().isEmpty()) {
                throw fail(null, "nodes", "the tube has no nodes");
            }
            kindsAndTypes();
            int n = ids.size();
            stateful = new boolean[n];
            signals = new String[n][];
            children = new TubeGraph[n];
            for (int i = 0; i < n; i++) {
                signalsAndState(i);
            }
            signalBase = new int[n];
            int base = 0;
            for (int i = 0; i < n; i++) {
                signalBase[i] = base;
                base += signals[i].length;
            }
            signalCount = base;
            assets();
            inputs = new In[n][];
            for (int i = 0; i < n; i++) {
                inputs[i] = edges(node(ids.get(i)), specs.get(i).depends(), kinds.get(i), types.get(i));
                checkSlots(i);
            }
            if (returnId != null) {
                returnInputs = edges(node(returnId), returnDepends, null, null);
            }
            assetLinks();
            topology();
            scopes();
            return new TubeGraph(this);
        }

        private void kindsAndTypes() {
            for (Map.Entry<String, NodeSpec> e : spec.nodes().entrySet()) {
                String id = e.getKey();
                NodeSpec ns = e.getValue();
                checkId(id);
                if (ns.type().equals("return")) {
                    if (returnId != null) {
                        throw fail(node(id), "type", "a tube has at most one return node; '" + returnId
                                + "' is one already");
                    }
                    if (ns.depends().isEmpty()) {
                        throw fail(node(id), "depends", "a return node needs depends: what it returns");
                    }
                    if (ns.depends().shape() == Depends.Shape.MIXED) {
                        throw fail(node(id), "depends", "a return node's depends is a scalar, a list of signals, "
                                + "or a list of 'key: signal' maps, not a mix");
                    }
                    if (!ns.params().isEmpty()) {
                        throw fail(node(id), "params", "a return node takes no params");
                    }
                    returnId = id;
                    returnDepends = ns.enabled() ? ns.depends() : null;
                    continue;
                }
                Kind kind;
                NodeType type = null;
                switch (ns.type()) {
                    case "map" -> kind = Kind.MAP;
                    case "gather" -> kind = Kind.GATHER;
                    case "tube" -> kind = Kind.TUBE;
                    default -> {
                        type = registry.type(ns.type()).orElseThrow(() -> fail(node(id), "type", "no node type '"
                                + ns.type() + "' is registered (registered: " + registry.typeNames()
                                + "; built in: " + NodeRegistry.SPECIAL_TYPES + ")"));
                        kind = type.kind == NodeType.Kind.SOURCE ? Kind.SOURCE : Kind.PLAIN;
                    }
                }
                index.put(id, ids.size());
                ids.add(id);
                kinds.add(kind);
                specs.add(ns);
                types.add(type);
            }
            if (returnId != null && returnDepends == null) {
                returnId = null;
            }
        }

        private void checkId(String id) {
            if (id.isBlank() || id.equals("input") || id.equals("assets") || id.contains(".")) {
                throw fail(node(id), "id", "a node id must be non-blank, without '.', and not 'input' or "
                        + "'assets'");
            }
        }

        private void signalsAndState(int i) {
            String id = ids.get(i);
            NodeSpec ns = specs.get(i);
            switch (kinds.get(i)) {
                case MAP -> {
                    signals[i] = new String[] {"value", "n"};
                    stateful[i] = Boolean.TRUE.equals(ns.stateful());
                    if (ns.depends().entries().size() != 1) {
                        throw fail(node(id), "depends", "a map takes exactly one dependency (the value to split), "
                                + "not " + ns.depends().entries().size());
                    }
                }
                case GATHER -> {
                    signals[i] = new String[] {"value"};
                    stateful[i] = ns.stateful() == null || ns.stateful();
                    boolean nParam = ns.params().containsKey("n");
                    boolean nDep = ns.depends().entries().stream().anyMatch(d -> "n".equals(d.slot()));
                    boolean trigger = ns.depends().entries().stream().anyMatch(d -> "trigger".equals(d.slot()));
                    boolean value = ns.depends().entries().stream().anyMatch(d -> "value".equals(d.slot())
                            || d.isPositional() && d.position() == 0);
                    if (!value) {
                        throw fail(node(id), "depends", "a gather needs a 'value' dependency (what it gathers)");
                    }
                    if (trigger && (nParam || nDep)) {
                        throw fail(node(id), "depends", "a gather gathers every n or on a trigger, not both");
                    }
                    if (!trigger && !nParam && !nDep) {
                        throw fail(node(id), "params", "a gather needs n (a param or a dependency) or a "
                                + "'trigger' dependency");
                    }
                    for (String p : ns.params().keySet()) {
                        if (!p.equals("n") && !p.equals("flatten")) {
                            throw fail(node(id), "params", "a gather takes params 'n' and 'flatten', not '" + p
                                    + "'");
                        }
                    }
                    if (nParam) {
                        Object v = ns.params().get("n");
                        if (!(v instanceof Number num) || num.longValue() < 1 || num.doubleValue() != num.longValue()) {
                            throw fail(node(id), "params", "a gather's n must be a positive integer, not " + v);
                        }
                    }
                }
                case TUBE -> {
                    Object childId = ns.params().get("tube");
                    if (!(childId instanceof String cid)) {
                        throw fail(node(id), "params", "a tube node needs param 'tube': the id of the tube it runs");
                    }
                    if (nesting.contains(cid) || cid.equals(tube)) {
                        throw fail(node(id), "params", "tube '" + cid + "' includes itself: " + String.join(" -> ",
                                nesting) + " -> " + tube + " -> " + cid);
                    }
                    TubeSpec child = tubes.apply(cid).orElseThrow(() -> fail(node(id), "params", "no tube '" + cid
                            + "' is registered or in the tube's folder"));
                    List<String> deeper = new ArrayList<>(nesting);
                    deeper.add(tube);
                    TubeGraph g;
                    try {
                        g = compile(child, registry, tubes, deeper);
                    } catch (TubeException e) {
                        throw new TubeException(tube, node(id), "params", "its tube '" + cid + "' is invalid: "
                                + e.getMessage(), e);
                    }
                    children[i] = g;
                    if (g.returnDepends != null && g.returnDepends.shape() == Depends.Shape.MAP) {
                        signals[i] = g.returnDepends.entries().stream().map(Dependency::slot).toArray(String[]::new);
                    } else {
                        signals[i] = new String[] {"value"};
                    }
                    stateful[i] = ns.stateful() == null || ns.stateful();
                    for (Dependency d : ns.depends().entries()) {
                        if (d.isPositional() || !g.spec.inputs().containsKey(d.slot())) {
                            throw fail(node(id), "depends", "slot '" + d.key() + "' is not an input of tube '" + cid
                                    + "' (its inputs: " + g.spec.inputs().keySet() + ")");
                        }
                    }
                }
                case SOURCE, PLAIN -> {
                    NodeType t = types.get(i);
                    signals[i] = t.signals().toArray(String[]::new);
                    if (kinds.get(i) == Kind.SOURCE) {
                        if (Boolean.FALSE.equals(ns.stateful())) {
                            throw fail(node(id), "stateful", "a source is always stateful: its values come in "
                                    + "epoch order");
                        }
                        if (!ns.depends().isEmpty()) {
                            throw fail(node(id), "depends", "type '" + ns.type() + "' is a source: it takes no "
                                    + "dependencies");
                        }
                        stateful[i] = true;
                    } else {
                        stateful[i] = ns.stateful() != null ? ns.stateful() : t.stateful();
                    }
                }
            }
            if (signals[i].length > 64) {
                throw fail(node(id), "type", "a node emits at most 64 signals, not " + signals[i].length);
            }
        }

        private void assets() {
            assetNames = List.copyOf(spec.assets().keySet());
            for (Map.Entry<String, AssetSpec> e : spec.assets().entrySet()) {
                AssetSpec a = e.getValue();
                String where = "asset '" + e.getKey() + "'";
                if (registry.assetType(a.type()).isEmpty()) {
                    throw fail(where, "type", "no asset type '" + a.type() + "' is registered (registered: "
                            + registry.assetTypeNames() + ")");
                }
                if (a.depends() != null && a.scope() != AssetSpec.Scope.RUNNER) {
                    throw fail(where, "depends", "only a runner-scoped asset takes depends (it carries the value "
                            + "into the next epoch); this one is " + a.scope());
                }
                checkParams(where, a.params());
            }
            for (Map.Entry<String, InputSpec> e : spec.inputs().entrySet()) {
                if (e.getKey().isBlank() || e.getKey().contains(".")) {
                    throw fail("input '" + e.getKey() + "'", "id", "an input name must be non-blank and without "
                            + "'.'");
                }
            }
        }

        private void assetLinks() {
            int a = assetNames.size();
            assetDependsNode = new int[a];
            assetDependsSignal = new int[a];
            List<List<Integer>> readers = new ArrayList<>();
            for (int k = 0; k < a; k++) {
                readers.add(new ArrayList<>());
                AssetSpec as = spec.assets().get(assetNames.get(k));
                assetDependsNode[k] = -1;
                if (as.depends() != null) {
                    Dependency d;
                    try {
                        d = Dependency.named("asset", as.depends());
                    } catch (IllegalArgumentException ex) {
                        throw fail("asset '" + assetNames.get(k) + "'", "depends", ex.getMessage());
                    }
                    In in = edge("asset '" + assetNames.get(k) + "'", d, null);
                    if (in.src != Src.NODE) {
                        throw fail("asset '" + assetNames.get(k) + "'", "depends", "an asset depends on a node's "
                                + "signal, not " + as.depends());
                    }
                    assetDependsNode[k] = in.node;
                    assetDependsSignal[k] = in.signal;
                }
            }
            for (int i = 0; i < ids.size(); i++) {
                for (In in : inputs[i]) {
                    if (in.src == Src.ASSET) {
                        readers.get(in.node).add(i);
                    }
                }
            }
            assetReaders = new int[a][];
            for (int k = 0; k < a; k++) {
                assetReaders[k] = readers.get(k).stream().mapToInt(Integer::intValue).distinct().toArray();
            }
        }

        private In[] edges(String where, Depends depends, Kind kind, NodeType type) {
            List<In> out = new ArrayList<>();
            Set<String> keys = new LinkedHashSet<>();
            for (Dependency d : depends.entries()) {
                if (!keys.add(d.key())) {
                    throw fail(where, "depends", "slot '" + d.key() + "' is given twice");
                }
                In in = edge(where, d, kind);
                if (type != null && d.slot() != null && type.optionalSlots().contains(d.slot())) {
                    in = new In(in.slot(), in.position(), in.src(), in.node(), in.name(), in.signal(), false);
                }
                out.add(in);
            }
            return out.toArray(In[]::new);
        }

        private In edge(String where, Dependency d, Kind kind) {
            boolean required = !(kind == Kind.GATHER && "trigger".equals(d.slot()));
            switch (d.node()) {
                case "input" -> {
                    InputSpec is = spec.inputs().get(d.signal());
                    if (is == null) {
                        throw fail(where, "depends", "no input '" + d.signal() + "' is declared (declared: "
                                + spec.inputs().keySet() + ")");
                    }
                    return new In(d.slot(), d.position(), Src.INPUT, -1, d.signal(), -1, required);
                }
                case "assets" -> {
                    if (!spec.assets().containsKey(d.signal())) {
                        throw fail(where, "depends", "no asset '" + d.signal() + "' is declared (declared: "
                                + spec.assets().keySet() + ")");
                    }
                    return new In(d.slot(), d.position(), Src.ASSET, assetNames.indexOf(d.signal()), d.signal(), -1,
                            required);
                }
                default -> {
                    if (d.node().equals(returnId)) {
                        throw fail(where, "depends", "'" + d.node() + "' is the return node: nothing can depend "
                                + "on it");
                    }
                    Integer src = index.get(d.node());
                    if (src == null) {
                        throw fail(where, "depends", "no node '" + d.node() + "' (nodes: " + spec.nodes().keySet()
                                + ")");
                    }
                    int sig = -1;
                    for (int s = 0; s < signals[src].length; s++) {
                        if (signals[src][s].equals(d.signal())) {
                            sig = s;
                        }
                    }
                    if (sig < 0) {
                        throw fail(where, "depends", "node '" + d.node() + "' has no signal '" + d.signal()
                                + "' (its signals: " + List.of(signals[src]) + ")");
                    }
                    return new In(d.slot(), d.position(), Src.NODE, src, d.signal(), sig, required);
                }
            }
        }

        private void checkSlots(int i) {
            String where = node(ids.get(i));
            NodeSpec ns = specs.get(i);
            checkParams(where, ns.params());
            NodeType t = types.get(i);
            if (t == null || t.knownSlots() == null || kinds.get(i) == Kind.SOURCE) {
                return;
            }
            Set<String> given = new LinkedHashSet<>(ns.params().keySet());
            for (Dependency d : ns.depends().entries()) {
                if (d.isPositional()) {
                    throw fail(where, "depends", "type '" + ns.type() + "' takes named slots " + t.knownSlots()
                            + ", not position " + d.position());
                }
                if (!t.knownSlots().contains(d.slot())) {
                    throw fail(where, "depends", "type '" + ns.type() + "' has no slot '" + d.slot()
                            + "' (its slots: " + t.knownSlots() + ")");
                }
                given.add(d.slot());
            }
            for (String s : t.knownSlots()) {
                if (!given.contains(s)) {
                    throw fail(where, "depends", "slot '" + s + "' of type '" + ns.type() + "' is given neither by "
                            + "depends nor by params");
                }
            }
        }

        private void checkParams(String where, Map<String, Object> params) {
            for (Map.Entry<String, Object> p : params.entrySet()) {
                if (p.getValue() instanceof String s && s.startsWith("input.")) {
                    String name = s.substring("input.".length());
                    InputSpec is = spec.inputs().get(name);
                    if (is == null) {
                        throw fail(where, "params", "param '" + p.getKey() + "' names input '" + name
                                + "', which is not declared (declared: " + spec.inputs().keySet() + ")");
                    }
                    if (is.scope() == InputSpec.Scope.PROCESS) {
                        throw fail(where, "params", "param '" + p.getKey() + "' names process-scoped input '"
                                + name + "': params are fixed when the runner opens, so only tube-scoped inputs "
                                + "may be params (use depends: input." + name + ")");
                    }
                }
            }
        }

        private void topology() {
            int n = ids.size();
            List<List<Integer>> deps = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                deps.add(new ArrayList<>());
            }
            int[] indegree = new int[n];
            for (int i = 0; i < n; i++) {
                Set<Integer> seen = new LinkedHashSet<>();
                for (In in : inputs[i]) {
                    if (in.src == Src.NODE && seen.add(in.node)) {
                        deps.get(in.node).add(i);
                        indegree[i]++;
                    }
                }
            }
            dependants = new int[n][];
            for (int i = 0; i < n; i++) {
                dependants[i] = deps.get(i).stream().mapToInt(Integer::intValue).toArray();
            }
            order = new int[n];
            topoIndex = new int[n];
            Deque<Integer> ready = new ArrayDeque<>();
            int[] left = indegree.clone();
            for (int i = 0; i < n; i++) {
                if (left[i] == 0) {
                    ready.add(i);
                }
            }
            int k = 0;
            while (!ready.isEmpty()) {
                int i = ready.poll();
                topoIndex[i] = k;
                order[k++] = i;
                for (int d : dependants[i]) {
                    if (--left[d] == 0) {
                        ready.add(d);
                    }
                }
            }
            if (k < n) {
                throw fail(null, "depends", "the nodes form a cycle: " + cycle(left));
            }
        }

        private String cycle(int[] left) {
            // walk back along unfinished dependencies until a node repeats
            int start = -1;
            for (int i = 0; i < left.length; i++) {
                if (left[i] > 0) {
                    start = i;
                    break;
                }
            }
            List<Integer> path = new ArrayList<>();
            int cur = start;
            while (!path.contains(cur)) {
                path.add(cur);
                int next = -1;
                for (In in : inputs[cur]) {
                    if (in.src == Src.NODE && left[in.node] > 0) {
                        next = in.node;
                        break;
                    }
                }
                cur = next;
            }
            List<Integer> loop = new ArrayList<>(path.subList(path.indexOf(cur), path.size()));
            Collections.reverse(loop);
            StringBuilder sb = new StringBuilder();
            for (int i : loop) {
                sb.append(ids.get(i)).append(" -> ");
            }
            return sb.append(ids.get(loop.getFirst())).toString();
        }

        private void scopes() {
            int n = ids.size();
            scope = new int[n][];
            collapse = new int[n];
            Arrays.fill(collapse, -1);
            for (int i : order) {
                int[] deepest = ROOT;
                In deepestIn = null;
                for (In in : inputs[i]) {
                    if (in.src != Src.NODE) {
                        continue;
                    }
                    int[] s = outScope(in.node, in.signal);
                    if (s.length > deepest.length) {
                        deepest = s;
                        deepestIn = in;
                    }
                }
                for (In in : inputs[i]) {
                    if (in.src != Src.NODE) {
                        continue;
                    }
                    int[] s = outScope(in.node, in.signal);
                    if (!Arrays.equals(s, 0, s.length, deepest, 0, s.length)) {
                        throw fail(node(ids.get(i)), "depends", "depends on two unrelated maps: "
                                + ids.get(s[firstDiff(s, deepest)]) + " (through " + ids.get(in.node) + "."
                                + in.name + ") and " + ids.get(deepest[firstDiff(s, deepest)]) + " (through "
                                + ids.get(deepestIn.node) + "." + deepestIn.name + ")");
                    }
                }
                scope[i] = deepest;
                if (kinds.get(i) == Kind.GATHER && deepest.length > 0) {
                    collapse[i] = deepest[deepest.length - 1];
                }
            }
            for (int k = 0; k < assetNames.size(); k++) {
                if (assetDependsNode[k] >= 0 && outScope(assetDependsNode[k], assetDependsSignal[k]).length > 0) {
                    throw fail("asset '" + assetNames.get(k) + "'", "depends", "node '"
                            + ids.get(assetDependsNode[k]) + "' runs inside a map: an asset takes a value from "
                            + "the root epoch");
                }
            }
            Map<List<Integer>, List<Integer>> byScope = new HashMap<>();
            posInScope = new int[n];
            for (int i : order) {
                List<Integer> members = byScope.computeIfAbsent(key(scope[i]), x -> new ArrayList<>());
                posInScope[i] = members.size();
                members.add(i);
            }
            nodesByScope = new HashMap<>();
            byScope.forEach((k, v) -> nodesByScope.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
            gatherSlot = new int[n];
            Arrays.fill(gatherSlot, -1);
            Map<List<Integer>, List<Integer>> gathers = new HashMap<>();
            List<List<Integer>> ofMap = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ofMap.add(new ArrayList<>());
            }
            for (int i : order) {
                if (collapse[i] >= 0) {
                    int[] out = Arrays.copyOf(scope[i], scope[i].length - 1);
                    List<Integer> g = gathers.computeIfAbsent(key(out), x -> new ArrayList<>());
                    gatherSlot[i] = g.size();
                    g.add(i);
                    ofMap.get(collapse[i]).add(i);
                }
            }
            gathersOutInto = new HashMap<>();
            gathers.forEach((k, v) -> gathersOutInto.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
            gathersOf = new int[n][];
            for (int i = 0; i < n; i++) {
                gathersOf[i] = ofMap.get(i).stream().mapToInt(Integer::intValue).toArray();
            }
        }

        private static int firstDiff(int[] a, int[] b) {
            int i = 0;
            while (i < a.length && i < b.length && a[i] == b[i]) {
                i++;
            }
            return i;
        }

        private int[] outScope(int node, int signal) {
            int[] s = scope[node];
            if (kinds.get(node) == Kind.MAP && signal == 0) {
                int[] t = Arrays.copyOf(s, s.length + 1);
                t[s.length] = node;
                return t;
            }
            if (collapse[node] >= 0) {
                return Arrays.copyOf(s, s.length - 1);
            }
            return s;
        }
    }
}
