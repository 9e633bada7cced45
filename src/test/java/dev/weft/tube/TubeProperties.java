package dev.weft.tube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * Random acyclic tubes, run by both runners. A tube has 1-2 count sources ({@code start}, {@code step}), 3-15 plain
 * nodes depending on random earlier signals through named slots {@code a}, {@code b}, {@code c}: stateless
 * functions ({@code f}) and stateful running-sum objects ({@code acc}, whose value depends on the order it sees
 * epochs in), some of either emitting {@link Node#NO_EVENT} for some values; 0-2 maps (each over the list a
 * {@code split} node makes of a value: 0-3 elements, so sometimes none), nested when the split runs inside the
 * other map; gathers every {@code n} (a param; below a map it collapses it), gathers below a map with
 * {@code n: map.n}, and gathers on a trigger; and a return node of map shape over a random subset of the signals,
 * map-scoped ones included (a list per root epoch). The generator tracks each signal's map chain and picks a node's
 * dependencies among signals whose chain is a prefix of one chosen chain, so every tube is valid (no node depends on
 * two unrelated maps). Every node is a pure function of its inputs (and, for {@code acc}, its own state), so a
 * tube's results are determined by the tube. Tubes print as
 * {@code [n0=count(3,+2), n2=f(k5)[a=n0.value,b=n1.value]/drop3, n4=split(k1)[v=n2.value], n5=map[n4.value],
 * n6=acc(k0)[a=n5.value], n7=gather[value=n6.value,n=n5.n], n8=gather(n2)[n6.value], return[r0=n7.value, …]]}
 * ({@code /drop3}: emits nothing for values divisible by 3; a missing id is a node drawn absent, so that shrinking
 * can drop nodes), followed by the epochs, the values {@code iter} is asked for, and the options. Maps downstream
 * of a stateful node that runs in a map's sub-epochs are drawn too: they found a deadlock, since fixed (see
 * docs/property-failures.md, "It found a real bug").
 *
 * <p>Each property runs random tubes for 1-30 epochs with random {@link Runners.Options} (1-8 epochs in flight,
 * 1-16 node runs at once):
 * <ol>
 *   <li>the concurrent runner's {@code run(n)} equals the sync runner's (the reference), and so does
 *       {@code iter(k)}, whose values are a prefix of {@code run(n)}'s or the other way round;</li>
 *   <li>every root epoch ends: exactly one {@code EPOCH_ENDED} meta event for each of {@code 0 … n-1}, none else;
 *   </li>
 *   <li>with autoclear on the store is empty after {@code run(n)}; with it off it holds events (every one of them
 *       seen by a callback) once anything was emitted;</li>
 *   <li>root epochs in flight (started and not ended, counted from {@link TubeObserver}) never exceed
 *       {@code maxEpochsInFlight}, in {@code run(n)} and in a free run of another {@code n} epochs; node bodies
 *       running at once never exceed {@code maxPendingNodes}; a stateful node's runs never overlap.</li>
 * </ol>
 *
 * <p>Seen failing against broken variants in docs/property-failures.md ("Tubes (issue 15)").
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TubeProperties {
    static final int EXAMPLES = Integer.getInteger("weft.test.tubeExamples", 300);
    static final int SHRINK_CYCLES = Integer.getInteger("weft.test.tubeShrinkCycles", 100);
    /** How long one example's runs may take before they count as hung. */
    static final Duration RUN_LIMIT = Duration.ofSeconds(Integer.getInteger("weft.test.tubeRunSeconds", 20));
    static final List<String> SLOTS = List.of("a", "b", "c");
    /**
     * Whether tubes may have a map downstream of a stateful node that runs in a map's sub-epochs: such a root epoch
     * never ends (found by these properties; {@link TubeBugTest}). Off until that is fixed.
     */
    static final boolean MAPS_AFTER_SCOPED_STATE = true;

    enum Kind { SOURCE, F, ACC, SPLIT, MAP, GATHER_N, GATHER_MAP, GATHER_TRIGGER }

    /** A named slot and the signal it takes. */
    record Dep(String slot, String source) {
        @Override
        public String toString() {
            return slot + "=" + source;
        }
    }

    /**
     * One node of a random tube. {@code k}: the source's start, a function's or split's constant, a gather's n;
     * {@code drop}: the source's step, or for f and acc the modulus (plus one) of the values they drop (0: none);
     * {@code spin}: how many times the node yields its thread while it runs (to widen the windows where runs overlap).
     */
    record PlanNode(String id, Kind kind, List<Dep> deps, int k, int drop, int spin) {
        NodeSpec spec() {
            List<String> pairs = new ArrayList<>();
            for (Dep d : deps) {
                pairs.add(d.slot());
                pairs.add(d.source());
            }
            Depends named = Depends.named(pairs.toArray(String[]::new));
            return switch (kind) {
                case SOURCE -> NodeSpec.of("count").withParam("start", k).withParam("step", drop);
                case F -> NodeSpec.of("f").withDepends(named).withParam("k", k).withParam("drop", drop)
                        .withParam("spin", spin);
                case ACC -> NodeSpec.of("acc").withDepends(named).withParam("k", k).withParam("drop", drop)
                        .withParam("spin", spin);
                case SPLIT -> NodeSpec.of("split").withDepends(named).withParam("k", k);
                case MAP -> NodeSpec.of("map").withDepends(named);
                case GATHER_N -> NodeSpec.of("gather").withDepends(named).withParam("n", k);
                case GATHER_MAP, GATHER_TRIGGER -> NodeSpec.of("gather").withDepends(named);
            };
        }

        @Override
        public String toString() {
            String ds = deps.stream().map(Dep::toString).toList().toString().replace(" ", "");
            return id + "=" + switch (kind) {
                case SOURCE -> "count(" + k + ",+" + drop + ")";
                case F, ACC -> kind.name().toLowerCase(java.util.Locale.ROOT) + "(k" + k + ")" + ds
                        + (drop > 0 ? "/drop" + (drop + 1) : "");
                case SPLIT -> "split(k" + k + ")" + ds;
                case MAP -> "map[" + deps.getFirst().source() + "]";
                case GATHER_N -> "gather(n" + k + ")[" + deps.getFirst().source() + "]";
                case GATHER_MAP, GATHER_TRIGGER -> "gather" + ds;
            };
        }
    }

    /** A random tube: its nodes in order and the return node's named slots. */
    record Plan(List<PlanNode> nodes, List<Dep> ret) {
        Tube tube(Probe probe) {
            TubeSpec spec = Tube.builder("random");
            for (PlanNode n : nodes) {
                spec = spec.withNode(n.id(), n.spec());
            }
            List<String> pairs = new ArrayList<>();
            for (Dep d : ret) {
                pairs.add(d.slot());
                pairs.add(d.source());
            }
            return spec.withNode("return", NodeSpec.of("return").withDepends(Depends.named(pairs.toArray(
                    String[]::new)))).build(registry(probe));
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("[");
            for (PlanNode n : nodes) {
                b.append(n).append(", ");
            }
            return b.append("return").append(ret.toString().replace(" ", "")).append(']').toString();
        }
    }

    /** One example: a tube, the epochs to run, the values {@code iter} is asked for, and the options. */
    record Case(Plan plan, int epochs, int iter, int epochsInFlight, int pendingNodes) {
        Runners.Options options() {
            return Runners.Options.defaults().withMaxEpochsInFlight(epochsInFlight).withMaxPendingNodes(pendingNodes);
        }

        @Override
        public String toString() {
            return plan + " epochs=" + epochs + " iter=" + iter + " inFlight<=" + epochsInFlight + " pending<="
                    + pendingNodes;
        }
    }

    /**
     * A signal a later node may take, with the chain of maps whose sub-epochs it is emitted in, and whether it is
     * downstream of a stateful node that runs in a map's sub-epochs ({@code acc} or a gather below a map).
     */
    private record Sig(String source, List<String> scope, boolean late) {
    }

    private static Sig sig(String source, List<String> scope, boolean late) {
        return new Sig(source, List.copyOf(scope), late);
    }


    private static int between(RandomnessSource in, int lo, int hi) {
        return (int) in.next(Constraint.between(lo, hi));
    }

    private static boolean isPrefix(List<String> p, List<String> of) {
        return p.size() <= of.size() && of.subList(0, p.size()).equals(p);
    }

    private static List<String> parentScope(List<String> s) {
        return s.isEmpty() ? s : s.subList(0, s.size() - 1);
    }

    /**
     * The random tubes; smaller draws give simpler tubes (fewer nodes, stateless, no drops, signals not returned), so
     * that QuickTheories shrinks towards small ones. A plain node drawn 0 is absent (its id is skipped), so that
     * shrinking can drop nodes from the middle of a tube.
     */
    static final Gen<Plan> PLANS = in -> new Draft(in).plan();

    /** A tube being drawn: the nodes so far and the signals they offer. */
    private static final class Draft {
        final RandomnessSource in;
        final List<PlanNode> nodes = new ArrayList<>();
        final List<Sig> sigs = new ArrayList<>();
        int next;

        Draft(RandomnessSource in) {
            this.in = in;
        }

        String id() {
            return "n" + next++;
        }

        Plan plan() {
            int sources = between(in, 1, 2);
            for (int i = 0; i < sources; i++) {
                String id = id();
                nodes.add(new PlanNode(id, Kind.SOURCE, List.of(), between(in, 0, 20), between(in, 1, 4), 0));
                sigs.add(sig(id + ".value", List.of(), false));
            }
            int plain = between(in, 3, 15);
            int maps = between(in, 0, 2);
            int[] mapAt = new int[maps];
            for (int j = 0; j < maps; j++) {
                mapAt[j] = between(in, 0, plain - 1);
            }
            for (int i = 0; i < plain; i++) {
                for (int at : mapAt) {
                    if (at == i) {
                        addMap();
                    }
                }
                addPlain();
            }
            List<Dep> ret = new ArrayList<>();
            for (Sig s : sigs) {
                if (between(in, 0, 2) == 2) {
                    ret.add(new Dep("r" + ret.size(), s.source()));
                }
            }
            if (ret.isEmpty()) {
                ret.add(new Dep("r0", sigs.getLast().source()));
            }
            return new Plan(List.copyOf(nodes), List.copyOf(ret));
        }

        /** Dependencies for slots a, b, c: 1-3 signals whose map chains are prefixes of one chosen chain. */
        List<Dep> pick(List<Sig> from, int most) {
            List<List<String>> scopes = new ArrayList<>(new LinkedHashSet<>(from.stream().map(Sig::scope).toList()));
            scopes.sort(Comparator.<List<String>>comparingInt(List::size).thenComparing(Object::toString));
            List<String> target = scopes.get(between(in, 0, scopes.size() - 1));
            List<Sig> cands = from.stream().filter(s -> isPrefix(s.scope(), target)).toList();
            int n = between(in, 1, most);
            List<Dep> deps = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                deps.add(new Dep(SLOTS.get(i), cands.get(between(in, 0, cands.size() - 1)).source()));
            }
            return deps;
        }

        List<String> deepest(List<Dep> deps) {
            List<String> d = List.of();
            for (Dep dep : deps) {
                for (Sig s : sigs) {
                    if (s.source().equals(dep.source()) && s.scope().size() > d.size()) {
                        d = s.scope();
                    }
                }
            }
            return d;
        }

        boolean late(List<Dep> deps) {
            return deps.stream().anyMatch(d -> sigs.stream().anyMatch(s -> s.late() && s.source().equals(
                    d.source())));
        }

        Sig any(List<Sig> from) {
            return from.get(between(in, 0, from.size() - 1));
        }

        void addMap() {
            String split = id();
            // the known deadlock (TubeBugTest): a map downstream of a stateful node in a map's sub-epochs; such maps
            // are left out unless asked for
            List<Dep> deps = pick(MAPS_AFTER_SCOPED_STATE ? sigs : sigs.stream().filter(s -> !s.late()).toList(), 1);
            boolean late = late(deps);
            nodes.add(new PlanNode(split, Kind.SPLIT, List.of(new Dep("v", deps.getFirst().source())),
                    between(in, 0, 9), 0, 0));
            List<String> scope = deepest(deps);
            sigs.add(sig(split + ".value", scope, late));
            String map = id();
            nodes.add(new PlanNode(map, Kind.MAP, List.of(new Dep("value", split + ".value")), 0, 0, 0));
            List<String> inner = new ArrayList<>(scope);
            inner.add(map);
            sigs.add(sig(map + ".value", inner, late));
            sigs.add(sig(map + ".n", scope, late));
        }

        void addPlain() {
            String id = id();
            int draw = between(in, 0, 10);
            List<Sig> mapped = sigs.stream().filter(s -> !s.scope().isEmpty()).toList();
            if (draw == 9 && mapped.isEmpty()) {
                draw = 1;
            }
            switch (draw) {
                case 0 -> {
                    // absent
                }
                case 8 -> {
                    Sig value = any(sigs);
                    nodes.add(new PlanNode(id, Kind.GATHER_N, List.of(new Dep("value", value.source())),
                            between(in, 1, 4), 0, 0));
                    sigs.add(sig(id + ".value", parentScope(value.scope()), value.late()
                            || !value.scope().isEmpty()));
                }
                case 9 -> {
                    Sig value = any(mapped);
                    String map = value.scope().getLast();
                    nodes.add(new PlanNode(id, Kind.GATHER_MAP, List.of(new Dep("value", value.source()),
                            new Dep("n", map + ".n")), 0, 0, 0));
                    sigs.add(sig(id + ".value", parentScope(value.scope()), true));
                }
                case 10 -> {
                    Sig value = any(sigs);
                    Sig trigger = any(sigs.stream().filter(s -> isPrefix(s.scope(), value.scope())).toList());
                    nodes.add(new PlanNode(id, Kind.GATHER_TRIGGER, List.of(new Dep("value", value.source()),
                            new Dep("trigger", trigger.source())), 0, 0, 0));
                    sigs.add(sig(id + ".value", parentScope(value.scope()), value.late() || trigger.late()
                            || !value.scope().isEmpty()));
                }
                default -> {
                    Kind kind = draw <= 4 ? Kind.F : Kind.ACC;
                    List<Dep> deps = pick(sigs, 3);
                    nodes.add(new PlanNode(id, kind, deps, between(in, 0, 9), between(in, 0, 3),
                            between(in, 0, 2)));
                    List<String> scope = deepest(deps);
                    sigs.add(sig(id + ".value", scope, late(deps) || kind == Kind.ACC && !scope.isEmpty()));
                }
            }
        }
    }

    static final Gen<Case> CASES = in -> new Case(PLANS.generate(in), between(in, 1, 30), between(in, 1, 30),
            between(in, 1, 8), between(in, 1, 16));

    // ---- the nodes: pure functions of their inputs (acc: and of its own state), values in 0..999 ----

    /** Murmur3's finaliser: spreads a value's bits, so that small inputs give varied outputs. */
    static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        return x ^ x >>> 33;
    }

    /** Any emitted value (a number, a list of them, a list of lists) folded to a long. */
    static long fold(Object v) {
        return switch (v) {
            case null -> 7;
            case Number n -> n.longValue();
            case List<?> l -> {
                long h = 1;
                for (Object o : l) {
                    h = h * 31 + fold(o);
                }
                yield h * 31 + l.size();
            }
            default -> throw new AssertionError("unexpected value " + v + " (" + v.getClass() + ")");
        };
    }

    static long slots(Args a) {
        long h = 17;
        for (String s : SLOTS) {
            if (a.has(s)) {
                h = h * 31 + fold(a.get(s));
            }
        }
        return h;
    }


    /**
     * Counts node bodies running at once (the most seen), and records a stateful node's runs that overlap. Node
     * bodies yield their thread {@code spin} times while counted, so that overlapping runs show.
     */
    static final class Probe {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final Set<String> busy = ConcurrentHashMap.newKeySet();
        final List<String> overlaps = new CopyOnWriteArrayList<>();
        final AtomicInteger emptyLists = new AtomicInteger();
        final AtomicInteger dropped = new AtomicInteger();

        void enter(String node, boolean stateful, long spin) {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            if (stateful && !busy.add(node)) {
                overlaps.add("stateful node " + node + " ran twice at once");
            }
            for (long i = 0; i < spin; i++) {
                Thread.yield();
            }
        }

        Object dropOrKeep(long v, long drop) {
            if (drop > 0 && v % (drop + 1) == 0) {
                dropped.incrementAndGet();
                return Node.NO_EVENT;
            }
            return v;
        }

        void exit(String node, boolean stateful) {
            if (stateful) {
                busy.remove(node);
            }
            running.decrementAndGet();
        }
    }

    /** The running-sum style stateful node: its value depends on every input it saw before, in order. */
    public static final class Acc {
        private final Probe probe;
        private final long k;
        private final long drop;
        private final long spin;
        private long state;

        Acc(Probe probe, Params p) {
            this.probe = probe;
            this.k = p.getLong("k", 0);
            this.drop = p.getLong("drop", 0);
            this.spin = p.getLong("spin", 0);
        }

        /** One run: folds the slots into the state. */
        public Object process(Args args) {
            probe.enter(args.nodeId(), true, spin);
            try {
                state = Math.floorMod(mix(state * 31 + slots(args) + k), 1000);
                return probe.dropOrKeep(state, drop);
            } finally {
                probe.exit(args.nodeId(), true);
            }
        }
    }

    static NodeRegistry registry(Probe probe) {
        return NodeRegistry.builder()
                .register("count", NodeType.source(p -> LongStream.iterate(p.getLong("start", 0),
                        i -> i + p.getLong("step", 1)).iterator()))
                .register("f", NodeType.function(a -> {
                    probe.enter(a.nodeId(), false, ((Number) a.get("spin")).longValue());
                    try {
                        long v = Math.floorMod(mix(slots(a) + 1_000_003L * ((Number) a.get("k")).longValue()),
                                1000);
                        return probe.dropOrKeep(v, ((Number) a.get("drop")).longValue());
                    } finally {
                        probe.exit(a.nodeId(), false);
                    }
                }))
                .register("split", NodeType.function(a -> {
                    long v = fold(a.get("v"));
                    int len = Math.floorMod(mix(v + ((Number) a.get("k")).longValue()), 4);
                    if (len == 0) {
                        probe.emptyLists.incrementAndGet();
                    }
                    List<Long> out = new ArrayList<>(len);
                    for (int i = 0; i < len; i++) {
                        out.add(Math.floorMod(mix(v * 7 + i), 1000L));
                    }
                    return out;
                }))
                .register("acc", NodeType.object(p -> new Acc(probe, p)))
                .build();
    }

    // ---- running an example with a time limit ----

    /** A body that may throw. */
    interface Body {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} on a platform thread, so that a hung run shows as a failure naming the case rather than a
     * stuck test; an unfinished body is interrupted and left.
     */
    static void bounded(Case c, Body body) {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("tube property").daemon(true).start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        boolean finished;
        try {
            finished = t.join(RUN_LIMIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (!finished) {
            StringBuilder where = new StringBuilder();
            for (StackTraceElement e : t.getStackTrace()) {
                if (e.getClassName().startsWith("dev.weft")) {
                    where.append("\n\tat ").append(e);
                }
            }
            t.interrupt();
            throw new AssertionError("the runs of " + c + " did not finish within " + RUN_LIMIT + "; stuck" + where);
        }
        Throwable e = thrown.get();
        if (e instanceof Error err) {
            throw err;
        }
        if (e != null) {
            throw new AssertionError("the runs of " + c + " threw " + e, e);
        }
    }

    /** What {@code iter(k)} gave: its values, or what it threw. */
    record Outcome(List<Object> values, String error) {
    }

    static Outcome iterate(TubeRunner r, int k) {
        List<Object> out = new ArrayList<>();
        try (r) {
            Iterator<Object> it = r.iter(k);
            it.forEachRemaining(out::add);
            return new Outcome(out, null);
        } catch (IllegalStateException e) {
            return new Outcome(out, e.getMessage());
        }
    }

    /** Where two lists of return values first differ, for a failure report that says more than two long lists. */
    static String firstDifference(List<Object> expected, List<Object> actual) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!java.util.Objects.equals(expected.get(i), actual.get(i))) {
                return "value " + i + " differs: expected " + expected.get(i) + ", got " + actual.get(i);
            }
        }
        return expected.size() == actual.size() ? "the values are equal"
                : "expected " + expected.size() + " values, got " + actual.size();
    }

    // ---- the properties ----

    /** 1. The concurrent runner computes what the sync runner does: run(n) and iter(k). */
    @Test
    void concurrentRunsEqualTheSyncReference() {
        qt().withExamples(EXAMPLES).withShrinkCycles(SHRINK_CYCLES).forAll(CASES).checkAssert(c -> bounded(c, () -> {
            Tube tube = c.plan().tube(new Probe());
            List<Object> ref;
            try (TubeRunner s = Runners.sync(tube)) {
                ref = s.run(c.epochs());
            }
            List<Object> got;
            try (TubeRunner r = Runners.concurrent(tube, c.options())) {
                got = r.run(c.epochs());
            }
            assertThat(got).as("concurrent run(%d) of %s; %s", c.epochs(), c, firstDifference(ref, got))
                    .isEqualTo(ref);
            Outcome refIter = iterate(Runners.sync(tube), c.iter());
            Outcome gotIter = iterate(Runners.concurrent(tube, c.options()), c.iter());
            assertThat(gotIter).as("concurrent iter(%d) of %s; %s", c.iter(), c, firstDifference(refIter.values(),
                    gotIter.values())).isEqualTo(refIter);
            if (refIter.error() == null) {
                List<Object> it = refIter.values();
                int common = Math.min(it.size(), ref.size());
                assertThat(it.subList(0, common)).as("sync iter(%d) against run(%d) of %s", c.iter(), c.epochs(), c)
                        .isEqualTo(ref.subList(0, common));
            }
        }));
    }

    /** 2. Every root epoch ends, once: one EPOCH_ENDED per root epoch 0..n-1, and none for anything else. */
    @Test
    void everyEpochEndsOnce() {
        qt().withExamples(EXAMPLES).withShrinkCycles(SHRINK_CYCLES).forAll(CASES).checkAssert(c -> bounded(c, () -> {
            Tube tube = c.plan().tube(new Probe());
            Map<Epoch, Integer> expected = new LinkedHashMap<>();
            for (int i = 0; i < c.epochs(); i++) {
                expected.put(Epoch.root(i), 1);
            }
            for (boolean concurrent : new boolean[] {false, true}) {
                Map<Epoch, Integer> ends = new ConcurrentHashMap<>();
                try (TubeRunner r = concurrent ? Runners.concurrent(tube, c.options()) : Runners.sync(tube)) {
                    r.addCallback(e -> {
                        if (e instanceof MetaEvent m && m.type() == MetaEvent.Type.EPOCH_ENDED) {
                            ends.merge(m.epoch(), 1, Integer::sum);
                        }
                    });
                    r.run(c.epochs());
                }
                assertThat(ends).as("EPOCH_ENDED events of the %s run(%d) of %s", concurrent ? "concurrent" : "sync",
                        c.epochs(), c).isEqualTo(expected);
            }
        }));
    }

    /** 3. Autoclear leaves the store empty; without it the store keeps what was emitted. */
    @Test
    void theStoreIsClearedExactlyWhenAutoclearIsOn() {
        qt().withExamples(EXAMPLES).withShrinkCycles(SHRINK_CYCLES).forAll(CASES).checkAssert(c -> bounded(c, () -> {
            Tube tube = c.plan().tube(new Probe());
            for (boolean concurrent : new boolean[] {false, true}) {
                String name = concurrent ? "concurrent" : "sync";
                try (TubeRunner r = concurrent ? Runners.concurrent(tube, c.options()) : Runners.sync(tube)) {
                    r.run(c.epochs());
                    assertThat(r.store().events()).as("events left after the %s run(%d) of %s with autoclear",
                            name, c.epochs(), c).isEmpty();
                    assertThat(r.store().isEmpty()).as("store().isEmpty() after the %s run(%d) of %s", name,
                            c.epochs(), c).isTrue();
                }
                Set<Long> seen = ConcurrentHashMap.newKeySet();
                Runners.Options keep = c.options().withAutoclear(false);
                try (TubeRunner r = concurrent ? Runners.concurrent(tube, keep) : Runners.sync(tube, keep)) {
                    r.addCallback(e -> {
                        if (e instanceof Event ev) {
                            seen.add(ev.id());
                        }
                    });
                    r.run(c.epochs());
                    if (!seen.isEmpty()) {
                        assertThat(r.store().isEmpty()).as("store().isEmpty() after the %s run(%d) of %s without "
                                + "autoclear (%d events emitted)", name, c.epochs(), c, seen.size()).isFalse();
                    }
                    List<String> unseen = r.store().events().stream().filter(e -> !seen.contains(e.id()))
                            .map(Event::toString).toList();
                    assertThat(unseen).as("stored events no callback saw, %s run of %s", name, c).isEmpty();
                }
            }
        }));
    }

    /**
     * Counts root epochs started and not ended, through the observer, and the most at once; checks what the observer
     * is told. A problem ends the free run's wait at once (so that a broken bound does not flood the machine).
     */
    static final class Flights implements TubeObserver {
        final int bound;
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final List<String> problems = new CopyOnWriteArrayList<>();
        volatile CountDownLatch freeRun;
        volatile long freeFrom = Long.MAX_VALUE;

        Flights(int bound) {
            this.bound = bound;
        }

        private void problem(String what) {
            if (problems.size() < 10) {
                problems.add(what);
            }
            CountDownLatch l = freeRun;
            while (l != null && l.getCount() > 0) {
                l.countDown();
            }
        }

        @Override
        public void epochStarted(String tubeId, Epoch epoch, int inFlight) {
            int k = now.incrementAndGet();
            most.accumulateAndGet(k, Math::max);
            if (k > bound) {
                problem("epoch " + epoch + " started with " + k + " root epochs started and not ended (bound "
                        + bound + ")");
            }
            if (inFlight < 1 || inFlight > bound) {
                problem("epochStarted(" + epoch + ") said " + inFlight + " in flight (bound " + bound + ")");
            }
        }

        @Override
        public void epochEnded(String tubeId, Epoch epoch, Duration time, int inFlight) {
            now.decrementAndGet();
            CountDownLatch l = freeRun;
            if (l != null && epoch.rootNumber() >= freeFrom) {
                l.countDown();
            }
        }
    }

    /** What the examples exercised, printed so that a reader can see the interesting cases occur. */
    static final class Coverage {
        private final Map<String, AtomicInteger> counts = new java.util.TreeMap<>();

        synchronized void count(String what, boolean happened) {
            if (happened) {
                counts.computeIfAbsent(what, x -> new AtomicInteger()).incrementAndGet();
            }
        }

        synchronized void plan(Plan p) {
            count("examples", true);
            count("a map", p.nodes().stream().anyMatch(n -> n.kind() == Kind.MAP));
            count("two maps", p.nodes().stream().filter(n -> n.kind() == Kind.MAP).count() == 2);
            count("gather every n", p.nodes().stream().anyMatch(n -> n.kind() == Kind.GATHER_N));
            count("gather n: map.n", p.nodes().stream().anyMatch(n -> n.kind() == Kind.GATHER_MAP));
            count("gather on a trigger", p.nodes().stream().anyMatch(n -> n.kind() == Kind.GATHER_TRIGGER));
            count("acc", p.nodes().stream().anyMatch(n -> n.kind() == Kind.ACC));
            count("a map-scoped signal returned", p.ret().stream().anyMatch(d -> p.nodes().stream().anyMatch(
                    n -> n.kind() == Kind.MAP && d.source().equals(n.id() + ".value"))));
        }

        @Override
        public synchronized String toString() {
            return counts.toString();
        }
    }

    static final Coverage COVERAGE = new Coverage();

    /** 4. Bounds: root epochs in flight, node runs at once, stateful nodes one run at a time. */
    @Test
    void epochsInFlightAndNodeRunsAtOnceStayWithinTheirBounds() {
        qt().withExamples(EXAMPLES).withShrinkCycles(SHRINK_CYCLES).forAll(CASES).checkAssert(c -> bounded(c, () -> {
            Probe probe = new Probe();
            Tube tube = c.plan().tube(probe);
            Flights flights = new Flights(c.epochsInFlight());
            try (TubeRunner r = Runners.concurrent(tube, c.options().withObserver(flights))) {
                r.run(c.epochs());
                assertThat(flights.problems).as("root epochs in flight during run(%d), as the observer saw them, "
                        + "%s", c.epochs(), c).isEmpty();
                // a free run only once run(n) kept the bound: a runner that ignores it would start epochs without end
                flights.freeFrom = c.epochs();
                CountDownLatch more = new CountDownLatch(c.epochs());
                flights.freeRun = more;
                r.run();
                boolean ran = more.await(RUN_LIMIT.toSeconds() / 2, TimeUnit.SECONDS);
                r.stop();
                assertThat(ran).as("a free run of %s ended %d more epochs", c, c.epochs()).isTrue();
            }
            assertThat(flights.problems).as("root epochs in flight during a free run, as the observer saw them, %s",
                    c).isEmpty();
            assertThat(flights.now.get()).as("root epochs started and never ended, %s", c).isZero();
            assertThat(probe.most.get()).as("node bodies running at once, %s", c).isLessThanOrEqualTo(
                    c.pendingNodes());
            assertThat(probe.overlaps).as("stateful runs overlapping, %s", c).isEmpty();
            COVERAGE.plan(c.plan());
            COVERAGE.count("epochs overlapping", flights.most.get() > 1);
            COVERAGE.count("node runs overlapping", probe.most.get() > 1);
            COVERAGE.count("an empty map", probe.emptyLists.get() > 0);
            COVERAGE.count("NO_EVENT", probe.dropped.get() > 0);
            Probe one = new Probe();
            Flights sync = new Flights(1);
            try (TubeRunner r = Runners.sync(c.plan().tube(one), Runners.Options.defaults().withObserver(sync))) {
                r.run(c.epochs());
            }
            assertThat(sync.problems).as("what the sync runner's observer was told, %s", c).isEmpty();
            assertThat(one.most.get()).as("node bodies running at once in the sync runner, %s", c)
                    .isLessThanOrEqualTo(1);
        }));
        System.out.println("TubeProperties bounds: " + COVERAGE);
    }
}
