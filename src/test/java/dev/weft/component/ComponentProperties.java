package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.weft.component.PropertyKit.Msg;
import dev.weft.component.PropertyKit.Owned;
import dev.weft.component.PropertyKit.Progress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * Random graphs of components, with cycles, many-to-one linkages, random inbox capacities and delivery policies, and
 * random shutdowns ({@code stop()} of random components at random points, then {@code close()} of the system at a
 * random point, in a quarter of the graphs with no grace period, so that whatever still runs is cancelled at once);
 * and random finite chains. Components are {@link Node}s: sources send numbered messages
 * ({@link Msg}: the sender's number and the message's number on its outbox), relays record what they receive and
 * send a new numbered message for each, sinks record. Receivers use the four ways of receiving (blocking receive,
 * timed receive, the {@code messages()} loop, {@code awaitAny} + {@code poll}).
 *
 * <p><b>The accounting</b> (property 1). Every send by a sender S on its {@code "outbox"} (numbered 0, 1, 2, ... in
 * {@link Msg#seq()}) ends in exactly one of:
 * <ul>
 * <li><i>received</i>: taken by S's destination, in that receiver's log;
 * <li><i>left</i>: still in the destination's inbox when the destination ended (drained after the system closed);
 * <li><i>dropped by the linkage</i>: {@link Linkage#dropped()} of S's outbox linkage (a {@link Delivery#DROP} linkage
 *     on a full inbox, or a destination that had ended);
 * <li><i>dropped unlinked</i>: S's outbox had no linkage (or passed through to a graphline outbox that had none),
 *     counted by the outbox ({@link Component#droppedUnlinked()} is the sum over outboxes);
 * <li><i>refused</i>: an {@link InboxFullException} from a {@link Delivery#FAIL} linkage, seen by S;
 * <li><i>interrupted</i>: S's send, blocked on a full inbox ({@link Delivery#BLOCK}), was interrupted when the system
 *     cancelled what did not stop within its grace period (the message never entered the inbox).
 * </ul>
 * So, per sender: {@code sends = received + left + linkage.dropped() + droppedUnlinked + refused + interrupted}; no
 * message is received or left twice (exactly once); and per receiving inbox, {@code delivered(box) = received + left}
 * and {@code droppedAt(box)} = the sum of {@code dropped()} over the linkages into it. Per sender, the numbers a
 * receiver sees (received, then left) strictly increase (per-link order). After {@code close()} every component is
 * in a terminal state ({@code SUCCEEDED}, or {@code CANCELLED} if it did not stop within the grace period; never
 * {@code FAILED}, since nothing here fails), and every component's thread has ended (each {@link Node} records its
 * thread; chassis are checked by state).
 *
 * <p>Property 2: finite chains (a {@link Pipeline}, or the same links made by hand with random capacities) of a
 * source, relays and a sink, with no shutdown from outside: the system ends by itself (ProducerFinished flows down),
 * nothing is dropped or left, and every hop receives exactly 0..n-1 in order.
 *
 * <p>Seen failing against broken variants in docs/property-failures.md ("Components (issue 14)").
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ComponentProperties {
    static final int GRAPH_EXAMPLES = Integer.getInteger("weft.test.componentGraphExamples", 200);
    static final int CHAIN_EXAMPLES = Integer.getInteger("weft.test.componentChainExamples", 400);
    /** How long a run may take before it counts as hung. */
    static final Duration RUN_LIMIT = Duration.ofSeconds(Integer.getInteger("weft.test.componentRunSeconds", 20));
    static final Duration GRACE = Duration.ofMillis(150);
    static final Duration STALL = Duration.ofMillis(30);

    enum Role { SOURCE, RELAY, SINK }

    /** How a receiver takes its messages. */
    enum Recv { RECEIVE, TIMED, ITERATE, ANY }

    /** One component: role, way of receiving, capacity of its data inbox, messages to send (sources). */
    record NodeSpec(Role role, Recv recv, int capacity, int toSend) {
        @Override
        public String toString() {
            return switch (role) {
                case SOURCE -> "src(" + toSend + ")";
                case RELAY -> "relay/" + recv.name().toLowerCase() + capText();
                case SINK -> "sink/" + recv.name().toLowerCase() + capText();
            };
        }

        private String capText() {
            return recv == Recv.ITERATE ? "/cap64" : "/cap" + capacity;
        }
    }

    /** The data linkage from a node's outbox: to a node, or unlinked ({@link #UNLINKED}), or to the graphline's outbox. */
    record DataLink(int from, int to, Delivery delivery) {
        static final int UNLINKED = -1, SELF = -2;

        @Override
        public String toString() {
            return "n" + from + (to == UNLINKED ? " unlinked" : to == SELF ? "->self.outbox"
                    : "->n" + to + (delivery == Delivery.BLOCK ? "" : " " + delivery));
        }
    }

    record SignalLink(int from, int to) {
        @Override
        public String toString() {
            return "n" + from + "~>n" + to;
        }
    }

    record Stop(int node, int atTick) {
        @Override
        public String toString() {
            return "stop n" + node + "@" + atTick;
        }
    }

    record Graph(List<NodeSpec> nodes, List<DataLink> data, List<SignalLink> signals, List<Stop> stops, int closeAt,
            boolean graphline, boolean noGrace) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(graphline ? "graphline[" : "flat[");
            for (int i = 0; i < nodes.size(); i++) {
                b.append(i == 0 ? "" : ", ").append('n').append(i).append('=').append(nodes.get(i));
            }
            return b.append("; data ").append(data).append("; signal ").append(signals).append("; ").append(stops)
                    .append("; close@").append(closeAt).append(noGrace ? " with no grace" : "").append(']').toString();
        }
    }

    private static int between(RandomnessSource in, int lo, int hi) {
        return (int) in.next(Constraint.between(lo, hi));
    }

    static final Gen<Graph> GRAPHS = in -> {
        int n = between(in, 2, 8);
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Role role = i == 0 ? Role.SOURCE : Role.values()[between(in, 0, 2)];
            nodes.add(new NodeSpec(role, Recv.values()[between(in, 0, 3)], between(in, 1, 8),
                    role == Role.SOURCE ? between(in, 0, 150) : 0));
        }
        boolean graphline = between(in, 0, 1) == 1;
        List<Integer> receivers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (nodes.get(i).role() != Role.SOURCE) {
                receivers.add(i);
            }
        }
        List<DataLink> data = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (nodes.get(i).role() == Role.SINK) {
                continue;
            }
            int self = i;
            List<Integer> targets = receivers.stream().filter(r -> r != self).toList();
            int choice = between(in, 0, 9);
            Delivery delivery = Delivery.values()[Math.max(0, between(in, -1, 2))]; // BLOCK twice as likely
            if (choice < 8 && !targets.isEmpty()) {
                data.add(new DataLink(i, targets.get(between(in, 0, targets.size() - 1)), delivery));
            } else {
                data.add(new DataLink(i, graphline && choice == 9 ? DataLink.SELF : DataLink.UNLINKED, delivery));
            }
        }
        List<SignalLink> signals = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int to = between(in, -2, n - 1); // negative: the signal stays unlinked
            if (to >= 0 && to != i) {
                signals.add(new SignalLink(i, to));
            }
        }
        List<Stop> stops = new ArrayList<>();
        int stopCount = between(in, 0, 3);
        for (int s = 0; s < stopCount; s++) {
            stops.add(new Stop(between(in, 0, n - 1), between(in, 0, 300)));
        }
        stops.sort(Comparator.comparingInt(Stop::atTick));
        return new Graph(List.copyOf(nodes), List.copyOf(data), List.copyOf(signals), List.copyOf(stops),
                Math.max(0, between(in, -150, 1000)), graphline, between(in, 0, 3) == 0); // 1 in 8: close at once
    };

    /** A test component: a source, relay or sink as its spec says, keeping a log for the post-mortem. */
    static final class Node extends Component {
        final int id;
        final NodeSpec spec;
        final String dataBox;
        final Progress progress;
        /** Written by the node's own thread; read after the system closed (its thread ended: happens-before). */
        final List<Msg> got = new ArrayList<>();
        long sends;
        long refused;
        long interrupted;
        volatile Thread thread;

        Node(int id, NodeSpec spec, boolean standardInbox, Progress progress) {
            super("n" + id);
            this.id = id;
            this.spec = spec;
            this.progress = progress;
            this.dataBox = standardInbox || spec.recv() == Recv.ITERATE ? INBOX : "data";
            if (spec.role() != Role.SOURCE && dataBox.equals("data")) {
                addInbox("data", spec.capacity());
            }
        }

        @Override
        protected void main() throws Exception {
            thread = Thread.currentThread();
            try {
                if (spec.role() == Role.SOURCE) {
                    for (int i = 0; i < spec.toSend(); i++) {
                        Optional<Object> c = poll(CONTROL);
                        if (c.isPresent() && c.get() instanceof Shutdown) {
                            return;
                        }
                        emit();
                    }
                } else {
                    receiveAll();
                }
            } finally {
                progress.ended();
            }
        }

        private void receiveAll() throws Exception {
            switch (spec.recv()) {
                case RECEIVE -> {
                    while (true) {
                        handle(receive(dataBox)); // ends with ShutdownSignal
                    }
                }
                case TIMED -> {
                    while (true) {
                        Optional<Object> m = receive(dataBox, Duration.ofMillis(2));
                        if (m.isPresent()) {
                            handle(m.get());
                        }
                    }
                }
                case ITERATE -> {
                    for (Object m : messages()) {
                        handle(m);
                    }
                }
                case ANY -> {
                    // Kamaelia's classic loop, by hand: serve whichever inbox has something; end at Shutdown, or
                    // at ProducerFinished once the data inbox is drained.
                    boolean finishing = false;
                    while (!(finishing && !dataReady(dataBox))) {
                        String box = awaitAny(Duration.ofSeconds(-1)).orElseThrow();
                        if (box.equals(CONTROL)) {
                            Object c = poll(CONTROL).orElseThrow();
                            if (c instanceof Shutdown) {
                                return;
                            }
                            finishing |= c instanceof ProducerFinished;
                        } else if (box.equals(dataBox)) {
                            handle(poll(dataBox).orElseThrow());
                        } else {
                            throw new AssertionError("message on unexpected inbox " + box);
                        }
                    }
                }
            }
        }

        private void handle(Object m) throws InterruptedException {
            got.add((Msg) m);
            progress.tick();
            if (spec.role() == Role.RELAY) {
                emit();
            }
        }

        private void emit() throws InterruptedException {
            Msg m = new Msg(id, sends++);
            try {
                send(m);
            } catch (InboxFullException e) {
                refused++;
            } catch (InterruptedException e) {
                interrupted++;
                throw e;
            }
        }
    }

    /** What a run left for the checks. */
    static final class Built {
        final List<Node> nodes = new ArrayList<>();
        Graphline graphline;
        Progress progress;
        boolean allEndedBeforeClose;
    }

    static Built build(Graph g) {
        Built b = new Built();
        b.progress = new Progress(g.nodes().size());
        for (int i = 0; i < g.nodes().size(); i++) {
            b.nodes.add(new Node(i, g.nodes().get(i), false, b.progress));
        }
        if (g.graphline()) {
            Graphline.Builder gb = Graphline.builder();
            for (Node n : b.nodes) {
                gb.component(n.name(), n);
            }
            for (DataLink d : g.data()) {
                if (d.to() >= 0) {
                    gb.link("n" + d.from(), Component.OUTBOX, "n" + d.to(), b.nodes.get(d.to()).dataBox,
                            d.delivery());
                } else if (d.to() == DataLink.SELF) {
                    gb.link("n" + d.from(), Component.OUTBOX, Graphline.SELF, Component.OUTBOX);
                }
            }
            for (SignalLink s : g.signals()) {
                gb.link("n" + s.from(), Component.SIGNAL, "n" + s.to(), Component.CONTROL);
            }
            b.graphline = gb.build();
        } else {
            for (DataLink d : g.data()) {
                if (d.to() >= 0) {
                    Node to = b.nodes.get(d.to());
                    Components.link(b.nodes.get(d.from()), Component.OUTBOX, to, to.dataBox, d.delivery());
                }
            }
            for (SignalLink s : g.signals()) {
                Components.link(b.nodes.get(s.from()), Component.SIGNAL, b.nodes.get(s.to()), Component.CONTROL);
            }
        }
        return b;
    }

    static void drive(Graph g, Built b) throws Exception {
        var options = Components.Options.defaults().withName("g")
                .withCloseGracePeriod(g.noGrace() ? Duration.ZERO : GRACE);
        try (ComponentSystem system = Components.open(options)) {
            if (b.graphline != null) {
                system.start(b.graphline);
            } else {
                b.nodes.forEach(system::start);
            }
            for (Stop s : g.stops()) {
                b.progress.await(s.atTick(), STALL);
                b.nodes.get(s.node()).stop();
            }
            b.progress.await(g.closeAt(), STALL);
            b.allEndedBeforeClose = b.progress.allEnded();
        }
    }

    @Test
    void randomGraphsAccountForEveryMessageKeepOrderAndEnd() {
        qt().withExamples(GRAPH_EXAMPLES).withShrinkCycles(30).forAll(GRAPHS).checkAssert(g -> {
            Built b = build(g);
            Owned run = owned("graph owner", () -> drive(g, b));
            assertThat(run.finished()).as("close() of %s returned within %s", g, RUN_LIMIT).isTrue();
            assertThat(run.thrown()).as("what the run of %s threw", g).isNull();
            checkEnded(g, b);
            checkAccounting(g, b);
            COVERAGE.count(g, b);
        });
        System.out.println("ComponentProperties random graphs: " + COVERAGE);
    }

    /** What the random graphs exercised, printed so that a reader can see the interesting cases occur. */
    static final class Coverage {
        final Map<String, Integer> counts = new java.util.TreeMap<>();

        synchronized void count(Graph g, Built b) {
            add("examples", true);
            add("graphline", g.graphline());
            add("cycle of data links", hasCycle(g));
            add("a linkage dropped", b.nodes.stream().anyMatch(n -> n.linkages().stream()
                    .anyMatch(l -> l.dropped() > 0 && l.fromBox.equals(Component.OUTBOX))));
            add("dropped unlinked", b.nodes.stream()
                    .anyMatch(n -> PropertyKit.droppedUnlinked(n, Component.OUTBOX) > 0));
            add("refused (FAIL)", b.nodes.stream().anyMatch(n -> n.refused > 0));
            add("interrupted send", b.nodes.stream().anyMatch(n -> n.interrupted > 0));
            add("a component cancelled", b.nodes.stream().anyMatch(n -> n.state() == Component.State.CANCELLED));
            add("all ended before close", b.allEndedBeforeClose);
            add("messages left in an inbox", b.nodes.stream().anyMatch(n -> n.spec.role() != Role.SOURCE
                    && n.delivered(n.dataBox) > n.got.size()));
        }

        private void add(String what, boolean happened) {
            if (happened) {
                counts.merge(what, 1, Integer::sum);
            }
        }

        private static boolean hasCycle(Graph g) {
            for (DataLink start : g.data()) {
                int at = start.to();
                for (int hops = 0; at >= 0 && hops <= g.nodes().size(); hops++) {
                    if (at == start.from()) {
                        return true;
                    }
                    int from = at;
                    at = g.data().stream().filter(d -> d.from() == from).mapToInt(DataLink::to).findFirst()
                            .orElse(DataLink.UNLINKED);
                }
            }
            return false;
        }

        @Override
        public synchronized String toString() {
            return counts.toString();
        }
    }

    static final Coverage COVERAGE = new Coverage();

    private static Owned owned(String name, PropertyKit.Body body) {
        try {
            return PropertyKit.owned(name, RUN_LIMIT, body);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static final Set<Component.State> ENDED = EnumSet.of(Component.State.SUCCEEDED,
            Component.State.CANCELLED);

    /** Every component ended, none failed, no node's thread outlives the system. */
    static void checkEnded(Object g, Built b) {
        List<String> bad = new ArrayList<>();
        for (Node n : b.nodes) {
            if (!ENDED.contains(n.state())) {
                bad.add(n.name() + " " + n.state());
            }
            if (b.allEndedBeforeClose && n.state() != Component.State.SUCCEEDED) {
                bad.add(n.name() + " " + n.state() + " although every main had returned before close()");
            }
            Thread t = n.thread;
            if (t != null && t.isAlive()) {
                bad.add(n.name() + "'s thread " + t + " is alive");
            }
        }
        if (b.graphline != null && !ENDED.contains(b.graphline.state())) {
            bad.add("graphline " + b.graphline.state());
        }
        assertThat(PropertyKit.few(bad)).as("components not ended after the system closed, in %s", g).isEmpty();
    }

    /** The accounting of the class comment, per sender and per receiving inbox; exactly once; per-link order. */
    static void checkAccounting(Object g, Built b) {
        Map<Integer, List<Msg>> left = new HashMap<>();
        for (Node n : b.nodes) {
            if (n.spec.role() != Role.SOURCE) {
                List<Msg> l = new ArrayList<>();
                for (Object o : PropertyKit.leftovers(n, n.dataBox)) {
                    l.add((Msg) o);
                }
                left.put(n.id, l);
            }
        }
        List<String> bad = new ArrayList<>();
        Set<Msg> seen = new HashSet<>();
        Map<Integer, Long> arrived = new HashMap<>(); // per sender: received + left, anywhere
        Map<Integer, Integer> destination = new HashMap<>();
        for (Node s : b.nodes) {
            s.linkageFrom(Component.OUTBOX).filter(l -> l.kind == Linkage.Kind.OUTBOX_TO_INBOX)
                    .ifPresent(l -> destination.put(s.id, ((Node) l.to).id));
        }
        for (Node r : b.nodes) {
            if (r.spec.role() == Role.SOURCE) {
                continue;
            }
            List<Msg> all = new ArrayList<>(r.got);
            all.addAll(left.get(r.id));
            Map<Integer, Long> lastSeq = new HashMap<>();
            for (Msg m : all) {
                if (!seen.add(m)) {
                    bad.add("message " + m + " arrived twice (second time at n" + r.id + ")");
                }
                Long last = lastSeq.put(m.sender(), m.seq());
                if (last != null && last >= m.seq()) {
                    bad.add("n" + r.id + " has " + m + " after " + m.sender() + ":" + last
                            + " (per-link order broken)");
                }
                if (!Integer.valueOf(r.id).equals(destination.get(m.sender()))) {
                    bad.add("message " + m + " arrived at n" + r.id + ", which is not its sender's destination");
                }
                arrived.merge(m.sender(), 1L, Long::sum);
            }
            long delivered = r.delivered(r.dataBox);
            if (delivered != all.size()) {
                bad.add("n" + r.id + "." + r.dataBox + ": delivered() = " + delivered + " but received "
                        + r.got.size() + " + left " + left.get(r.id).size());
            }
            long droppedInto = 0;
            for (Node s : b.nodes) {
                for (Linkage l : s.linkages()) {
                    if (l.fromBox.equals(Component.OUTBOX) && l.toInbox != null && l.to == r
                            && l.toBox.equals(r.dataBox)) {
                        droppedInto += l.dropped();
                    }
                }
            }
            if (r.droppedAt(r.dataBox) != droppedInto) {
                bad.add("n" + r.id + "." + r.dataBox + ": droppedAt() = " + r.droppedAt(r.dataBox)
                        + " but the linkages into it dropped " + droppedInto);
            }
        }
        for (Node s : b.nodes) {
            if (s.spec.role() == Role.SINK) {
                continue;
            }
            long linkDropped = s.linkages().stream().filter(l -> l.fromBox.equals(Component.OUTBOX))
                    .mapToLong(Linkage::dropped).sum();
            long unlinked = PropertyKit.droppedUnlinked(s, Component.OUTBOX);
            long got = arrived.getOrDefault(s.id, 0L);
            long accounted = got + linkDropped + unlinked + s.refused + s.interrupted;
            if (accounted != s.sends) {
                bad.add("n" + s.id + " sent " + s.sends + " but received+left " + got + " + linkage dropped "
                        + linkDropped + " + dropped unlinked " + unlinked + " + refused " + s.refused
                        + " + interrupted " + s.interrupted + " = " + accounted);
            }
        }
        assertThat(PropertyKit.few(bad)).as("accounting of %s", g).isEmpty();
    }

    // ---- property 2: finite chains end by themselves and lose nothing ----

    record Chain(int messages, List<NodeSpec> relays, Recv sinkRecv, int sinkCapacity, boolean pipeline) {
        @Override
        public String toString() {
            return (pipeline ? "Pipeline.of(" : "linked(") + "src(" + messages + "), " + relays.stream()
                    .map(NodeSpec::toString).collect(Collectors.joining(", ")) + (relays.isEmpty() ? "" : ", ")
                    + new NodeSpec(Role.SINK, sinkRecv, sinkCapacity, 0) + ")";
        }
    }

    static final Gen<Chain> CHAINS = in -> {
        int messages = between(in, 0, 300);
        int relays = between(in, 0, 5);
        boolean pipeline = between(in, 0, 1) == 1;
        List<NodeSpec> specs = new ArrayList<>();
        for (int i = 0; i < relays; i++) {
            specs.add(new NodeSpec(Role.RELAY, Recv.values()[between(in, 0, 3)], between(in, 1, 8), 0));
        }
        return new Chain(messages, List.copyOf(specs), Recv.values()[between(in, 0, 3)], between(in, 1, 8),
                pipeline);
    };

    @Test
    void finiteChainsEndByThemselvesAndLoseNothing() {
        qt().withExamples(CHAIN_EXAMPLES).withShrinkCycles(30).forAll(CHAINS).checkAssert(c -> {
            List<NodeSpec> specs = new ArrayList<>();
            specs.add(new NodeSpec(Role.SOURCE, Recv.RECEIVE, 1, c.messages()));
            specs.addAll(c.relays());
            specs.add(new NodeSpec(Role.SINK, c.sinkRecv(), c.sinkCapacity(), 0));
            Built b = new Built();
            b.progress = new Progress(specs.size());
            for (int i = 0; i < specs.size(); i++) {
                b.nodes.add(new Node(i, specs.get(i), c.pipeline(), b.progress));
            }
            Owned run = owned("chain owner", () -> {
                try (ComponentSystem system = Components.open(Components.Options.defaults().withName("chain"))) {
                    if (c.pipeline()) {
                        system.start(Pipeline.of(b.nodes.toArray(Component[]::new)));
                    } else {
                        for (int i = 0; i + 1 < b.nodes.size(); i++) {
                            Node from = b.nodes.get(i);
                            Node to = b.nodes.get(i + 1);
                            Components.link(from, Component.OUTBOX, to, to.dataBox);
                            Components.link(from, Component.SIGNAL, to, Component.CONTROL);
                        }
                        b.nodes.forEach(system::start);
                    }
                    system.join(); // no close() until every component ended by itself
                    b.allEndedBeforeClose = true;
                }
            });
            assertThat(run.finished()).as("%s ended by itself within %s (progress: %s messages received)", c,
                    RUN_LIMIT, b.progress.ticks()).isTrue();
            assertThat(run.thrown()).as("what the run of %s threw", c).isNull();
            checkEnded(c, b);
            checkAccounting(c, b);
            for (int i = 1; i < b.nodes.size(); i++) {
                Node n = b.nodes.get(i);
                List<Long> seqs = n.got.stream().map(Msg::seq).toList();
                assertThat(seqs).as("what hop n%d of %s received", i, c).hasSize(c.messages())
                        .isSorted().doesNotHaveDuplicates();
                assertThat(n.droppedAt(n.dataBox)).as("dropped at n%d of %s", i, c).isZero();
            }
        });
    }
}
