package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.weft.component.ComponentProperties.Node;
import dev.weft.component.ComponentProperties.NodeSpec;
import dev.weft.component.ComponentProperties.Recv;
import dev.weft.component.ComponentProperties.Role;
import dev.weft.component.PropertyKit.Msg;
import dev.weft.component.PropertyKit.Owned;
import dev.weft.component.PropertyKit.Progress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * Linking and unlinking while messages flow. One {@link Tagger} source sends numbered messages as fast as it can while
 * the test's driver (the system's owner thread) links and unlinks at random points of its progress; receivers record
 * what arrives. The driver counts its link and unlink calls before and after each ({@link Epochs}); the source reads
 * those counts when each send starts and ends, and keeps them as the message's tag. Linkages are numbered 1, 2, ...
 * in the order they were made; at most one is in place at a time, so linkage m is made after unlink m-1 returned.
 *
 * <p>Property 1, an outbox relinked among receivers: (a) <i>unlink stops delivery</i>: a message arrives at receiver R
 * only if some linkage m to R had not been unlinked when its send started ({@code m > unlinksReturned}) and had
 * started being made when its send ended ({@code m <= linksStarted}); (b) <i>link and unlink take effect at once</i>:
 * every send that ran entirely while no linkage was in place is dropped unlinked, and none that ran entirely while one
 * was; (c) <i>nothing in flight is lost</i>: {@code sends = received + left in an inbox + dropped by the linkages +
 * dropped unlinked + refused (FAIL) + interrupted}, no message arrives twice; (d) per receiver the numbers strictly
 * increase.
 *
 * <p>Property 2, a pass-through extended and cut while messages flow: the source feeds a parent's {@code "inbox"}; the
 * driver passes it through to one of the parent's children, unlinks it, passes it through to another, and sometimes
 * extends a child's inbox on to a grandchild (a chain of two pass-throughs). (a) Right after a pass-through is made,
 * the inbox it leaves is empty: what waited there moved on; (b) per receiver the numbers strictly increase, so the
 * moved messages arrive ahead of the ones sent later; (c) the accounting of property 1, the parent's and every
 * child's inbox included; (d) a message arrives under a child (at it or its grandchild) only if a pass-through m to that
 * child had not been unlinked when its send started; a message is left in the parent's inbox only if no pass-through
 * was in place during its whole send.
 *
 * <p>Seen failing against broken variants in docs/property-failures.md ("Components (issue 14)").
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LinkageProperties {
    static final int RELINK_EXAMPLES = Integer.getInteger("weft.test.relinkExamples", 600);
    static final int PASS_EXAMPLES = Integer.getInteger("weft.test.passThroughExamples", 200);
    static final Duration RUN_LIMIT = Duration.ofSeconds(20);
    static final Duration STALL = Duration.ofMillis(20);

    /** The driver's counts of link and unlink calls, before (started) and after (returned) each. */
    static final class Epochs {
        final AtomicLong linksStarted = new AtomicLong(), linksReturned = new AtomicLong();
        final AtomicLong unlinksStarted = new AtomicLong(), unlinksReturned = new AtomicLong();
    }

    /**
     * Makes the driver's steps race the source's sends: before its send number {@code at} of step j, the source waits
     * until the driver has reached step j (at most a second, in case the driver is held up), so that the step runs
     * while the source sends on, rather than long after it finished.
     */
    static final class Gate {
        private int opened;

        synchronized void open(int step) {
            opened = Math.max(opened, step + 1);
            notifyAll();
        }

        synchronized void pass(int step) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (opened <= step) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    /**
     * After the gate opened: spins (at most a millisecond) until the source sent again, so that the step lands in the
     * middle of its stream of sends (waking the parked driver would take longer than the sends it should race).
     */
    static void awaitSending(Tagger source, int at) {
        long deadline = System.nanoTime() + 1_000_000;
        while (source.sent <= at && source.state() == Component.State.RUNNING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    /** A message's tag: the epochs when its send started and ended. */
    record Tag(long linksReturnedAtStart, long unlinksReturnedAtStart, long linksStartedAtEnd,
            long unlinksStartedAtEnd) {
        /** The send ran entirely while linkage {@code linksReturnedAtStart} was in place. */
        boolean whollyLinked() {
            return linksReturnedAtStart > unlinksStartedAtEnd;
        }

        /** The send ran entirely while no linkage was in place. */
        boolean whollyUnlinked() {
            return unlinksReturnedAtStart == linksStartedAtEnd;
        }
    }

    /** The source: sends {@code n} numbered messages, tagging each with the epochs around its send. */
    static final class Tagger extends Component {
        final int n;
        final int pace;
        final Epochs epochs;
        final Progress progress;
        final List<Integer> gates;
        final Gate gate;
        final List<Tag> tags = new ArrayList<>(); // own thread; read after the system closed
        /** Sends finished so far, for the driver to see the stream going. */
        volatile int sent;
        long refused;
        long interrupted;

        Tagger(int n, int pace, Drive drive, List<Op> ops) {
            super("source");
            this.n = n;
            this.pace = pace;
            this.epochs = drive.epochs;
            this.progress = drive.progress;
            this.gate = drive.gate;
            this.gates = ops.stream().map(Op::at).toList();
        }

        @Override
        protected void main() throws InterruptedException {
            int nextGate = 0;
            try {
                for (int i = 0; i < n; i++) {
                    while (nextGate < gates.size() && gates.get(nextGate) <= i) {
                        gate.pass(nextGate++);
                    }
                    Optional<Object> c = poll(CONTROL);
                    if (c.isPresent() && c.get() instanceof Shutdown) {
                        return;
                    }
                    if (pace > 0 && i % pace == 0) {
                        Thread.yield(); // let the driver in between sends now and then
                    }
                    long a = epochs.linksReturned.get();
                    long u = epochs.unlinksReturned.get();
                    try {
                        send(new Msg(0, i));
                    } catch (InboxFullException e) {
                        refused++;
                    } catch (InterruptedException e) {
                        interrupted++;
                        throw e;
                    } finally {
                        tags.add(new Tag(a, u, epochs.linksStarted.get(), epochs.unlinksStarted.get()));
                        sent = i + 1;
                        progress.tick();
                    }
                }
            } finally {
                progress.ended();
            }
        }
    }

    enum OpKind { LINK, UNLINK, EXTEND_CHILD, UNLINK_CHILD, STOP }

    /** One step of the driver, taken once the source has sent {@code at} messages (or stalled, or ended). */
    record Op(OpKind kind, int target, Delivery delivery, int at) {
        @Override
        public String toString() {
            String d = delivery == Delivery.BLOCK ? "" : " " + delivery;
            return "@" + at + " " + switch (kind) {
                case LINK -> "link r" + target + d;
                case UNLINK -> "unlink";
                case EXTEND_CHILD -> "extend r" + target + " to its grandchild" + d;
                case UNLINK_CHILD -> "unlink r" + target + "'s grandchild";
                case STOP -> "stop r" + target;
            };
        }
    }

    /**
     * A schedule: messages, the source's pace (a yield every {@code pace} sends; 0: never), the receivers' capacities
     * (and for property 2 whether each has a grandchild), the parent's inbox capacity and the source's linkage
     * policy to it (property 2), and the driver's steps.
     */
    record Plan(int messages, int pace, List<Integer> capacities, List<Boolean> grandchildren, int parentCapacity,
            Delivery toParent, List<Op> ops) {
        @Override
        public String toString() {
            return messages + " msgs, pace " + pace + ", receivers cap " + capacities
                    + (grandchildren.isEmpty() ? "" : ", grandchildren " + grandchildren + ", parent cap "
                    + parentCapacity + (toParent == Delivery.BLOCK ? "" : " " + toParent)) + ", " + ops;
        }
    }

    /** What the schedules exercised, printed so that a reader can see the interesting cases occur. */
    static final class Coverage {
        private final Map<String, Integer> counts = new java.util.TreeMap<>();

        synchronized void add(String what, boolean happened) {
            if (happened) {
                counts.merge(what, 1, Integer::sum);
            }
        }

        void tags(Tagger source) {
            add("examples", true);
            add("a send raced a link or unlink", source.tags.stream().anyMatch(t -> !t.whollyLinked()
                    && !t.whollyUnlinked()));
            add("sends both linked and unlinked", source.tags.stream().anyMatch(Tag::whollyLinked)
                    && source.tags.stream().anyMatch(Tag::whollyUnlinked));
            add("refused (FAIL)", source.refused > 0);
        }

        @Override
        public synchronized String toString() {
            return counts.toString();
        }
    }

    private static int between(RandomnessSource in, int lo, int hi) {
        return (int) in.next(Constraint.between(lo, hi));
    }

    private static Delivery delivery(RandomnessSource in) {
        return Delivery.values()[Math.max(0, between(in, -1, 2))]; // BLOCK twice as likely
    }

    static Gen<Plan> plans(boolean passThrough) {
        return in -> {
            int messages = between(in, 0, 400);
            int pace = between(in, 0, 8);
            int receivers = between(in, 1, 3);
            List<Integer> caps = new ArrayList<>();
            List<Boolean> grandchildren = new ArrayList<>();
            for (int i = 0; i < receivers; i++) {
                caps.add(between(in, 1, 8));
                if (passThrough) {
                    grandchildren.add(between(in, 0, 1) == 1);
                }
            }
            List<Op> ops = new ArrayList<>();
            boolean linked = false;
            boolean[] extended = new boolean[receivers];
            int at = 0;
            int steps = between(in, 0, 10);
            for (int s = 0; s < steps; s++) {
                at += between(in, 0, 50);
                int pick = between(in, 0, 9);
                int r = between(in, 0, receivers - 1);
                if (pick < 6) {
                    ops.add(linked ? new Op(OpKind.UNLINK, -1, Delivery.BLOCK, at)
                            : new Op(OpKind.LINK, r, delivery(in), at));
                    linked = !linked;
                } else if (pick < 9 && passThrough && grandchildren.get(r)) {
                    ops.add(new Op(extended[r] ? OpKind.UNLINK_CHILD : OpKind.EXTEND_CHILD, r, delivery(in), at));
                    extended[r] = !extended[r];
                } else if (pick == 9) {
                    ops.add(new Op(OpKind.STOP, r, Delivery.BLOCK, at));
                }
            }
            return new Plan(messages, pace, List.copyOf(caps), List.copyOf(grandchildren), between(in, 1, 8),
                    delivery(in), List.copyOf(ops));
        };
    }

    /** What the driver saw and made. */
    static final class Drive {
        final Epochs epochs = new Epochs();
        final Progress progress = new Progress(1);
        final Gate gate = new Gate();
        /** Linkage m (1-based) at index m - 1, and the receiver it led to. */
        final List<Linkage> links = new ArrayList<>();
        final List<Integer> linkTargets = new ArrayList<>();
        /** Every linkage made, for the dropped counts. */
        final List<Linkage> all = new CopyOnWriteArrayList<>();
        final List<String> violations = new ArrayList<>();
    }

    private static Owned owned(String name, PropertyKit.Body body) {
        try {
            return PropertyKit.owned(name, RUN_LIMIT, body);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    // ---- property 1: an outbox relinked among receivers ----

    @Test
    void relinkingAnOutboxStopsDeliveryAtOnceAndLosesNothing() {
        qt().withExamples(RELINK_EXAMPLES).withShrinkCycles(30).forAll(plans(false)).checkAssert(plan -> {
            Drive d = new Drive();
            Tagger source = new Tagger(plan.messages(), plan.pace(), d, plan.ops());
            Progress idle = new Progress(plan.capacities().size());
            List<Node> receivers = new ArrayList<>();
            for (int i = 0; i < plan.capacities().size(); i++) {
                receivers.add(new Node(i + 1, new NodeSpec(Role.SINK, Recv.RECEIVE, plan.capacities().get(i), 0),
                        false, idle));
            }
            Owned run = owned("relinking owner", () -> {
                try (ComponentSystem system = Components.open(Components.Options.defaults().withName("relink")
                        .withCloseGracePeriod(Duration.ofMillis(150)))) {
                    system.start(source);
                    receivers.forEach(system::start);
                    for (int j = 0; j < plan.ops().size(); j++) {
                        Op op = plan.ops().get(j);
                        d.progress.await(op.at(), STALL);
                        d.gate.open(j);
                        awaitSending(source, op.at());
                        switch (op.kind()) {
                            case LINK -> {
                                Node r = receivers.get(op.target());
                                d.epochs.linksStarted.incrementAndGet();
                                Linkage l = Components.link(source, Component.OUTBOX, r, r.dataBox, op.delivery());
                                d.epochs.linksReturned.incrementAndGet();
                                d.links.add(l);
                                d.linkTargets.add(op.target());
                                d.all.add(l);
                            }
                            case UNLINK -> {
                                d.epochs.unlinksStarted.incrementAndGet();
                                d.links.getLast().unlink();
                                d.epochs.unlinksReturned.incrementAndGet();
                            }
                            case STOP -> receivers.get(op.target()).stop();
                            default -> throw new AssertionError(op);
                        }
                    }
                    d.progress.await(Long.MAX_VALUE, STALL);
                }
            });
            assertThat(run.finished()).as("run of %s ended within %s", plan, RUN_LIMIT).isTrue();
            assertThat(run.thrown()).as("what the run of %s threw", plan).isNull();

            Map<Integer, List<Msg>> arrivals = new HashMap<>();
            for (int i = 0; i < receivers.size(); i++) {
                arrivals.put(i, arrived(receivers.get(i), receivers.get(i).got, receivers.get(i).dataBox));
            }
            List<String> bad = new ArrayList<>();
            long arrivedCount = checkOnceAndInOrder(arrivals, bad);
            for (var e : arrivals.entrySet()) {
                for (Msg m : e.getValue()) {
                    Tag t = source.tags.get((int) m.seq());
                    boolean allowed = false;
                    for (long k = t.unlinksReturnedAtStart() + 1; k <= t.linksStartedAtEnd() && !allowed; k++) {
                        allowed = d.linkTargets.get((int) k - 1).equals(e.getKey());
                    }
                    if (!allowed) {
                        bad.add("message " + m + " " + t + " arrived at r" + e.getKey()
                                + ", but no linkage to it was in place during its send");
                    }
                }
            }
            long whollyUnlinked = source.tags.stream().filter(Tag::whollyUnlinked).count();
            long whollyLinked = source.tags.stream().filter(Tag::whollyLinked).count();
            long unlinked = PropertyKit.droppedUnlinked(source, Component.OUTBOX);
            if (unlinked < whollyUnlinked || unlinked > source.tags.size() - whollyLinked) {
                bad.add("dropped unlinked " + unlinked + ", but " + whollyUnlinked + " sends ran wholly unlinked and "
                        + whollyLinked + " of " + source.tags.size() + " wholly linked");
            }
            account(source, arrivedCount, d.all, bad);
            assertThat(PropertyKit.few(bad)).as("relinking %s", plan).isEmpty();
            checkAllEnded(plan, source, receivers);
            relinkCoverage.tags(source);
            relinkCoverage.add("dropped by a linkage", d.all.stream().anyMatch(l -> l.dropped() > 0));
            relinkCoverage.add("messages at two receivers",
                    arrivals.values().stream().filter(l -> !l.isEmpty()).count() > 1);
        });
        System.out.println("LinkageProperties relinking: " + relinkCoverage);
    }

    private final Coverage relinkCoverage = new Coverage();
    private final Coverage passCoverage = new Coverage();

    /** Received then left in the inbox, as messages. */
    private static List<Msg> arrived(Component c, List<Msg> got, String box) {
        List<Msg> all = new ArrayList<>(got);
        for (Object o : PropertyKit.leftovers(c, box)) {
            all.add((Msg) o);
        }
        return all;
    }

    /** No message twice; per receiver strictly increasing; returns how many arrived. */
    private static long checkOnceAndInOrder(Map<Integer, List<Msg>> arrivals, List<String> bad) {
        Set<Msg> seen = new HashSet<>();
        long n = 0;
        for (var e : arrivals.entrySet()) {
            long last = -1;
            for (Msg m : e.getValue()) {
                n++;
                if (!seen.add(m)) {
                    bad.add("message " + m + " arrived twice (again at r" + e.getKey() + ")");
                }
                if (m.seq() <= last) {
                    bad.add("r" + e.getKey() + " has " + m + " after 0:" + last + " (order broken)");
                }
                last = m.seq();
            }
        }
        return n;
    }

    private static void account(Tagger source, long arrived, List<Linkage> linkages, List<String> bad) {
        long dropped = linkages.stream().mapToLong(Linkage::dropped).sum();
        long unlinked = PropertyKit.droppedUnlinked(source, Component.OUTBOX);
        long sends = source.tags.size();
        long accounted = arrived + dropped + unlinked + source.refused + source.interrupted;
        if (accounted != sends) {
            bad.add("sent " + sends + " but arrived " + arrived + " + linkages dropped " + dropped
                    + " + dropped unlinked " + unlinked + " + refused " + source.refused + " + interrupted "
                    + source.interrupted + " = " + accounted);
        }
    }

    private static void checkAllEnded(Object plan, Component first, List<? extends Component> rest) {
        List<String> bad = new ArrayList<>();
        List<Component> all = new ArrayList<>(rest);
        all.add(first);
        for (Component c : all) {
            if (c.state() != Component.State.SUCCEEDED && c.state() != Component.State.CANCELLED) {
                bad.add(c.name() + " " + c.state());
            }
        }
        assertThat(PropertyKit.few(bad)).as("components not ended after the system closed, in %s", plan).isEmpty();
    }

    // ---- property 2: a pass-through extended and cut while messages flow ----

    /** A child of the parent: records what arrives on its "data" inbox; may have a grandchild to pass it on to. */
    static final class Holder extends Component {
        final List<Msg> got = new ArrayList<>();
        final Node grandchild;

        Holder(int id, int capacity, Node grandchild) {
            super("r" + id);
            this.grandchild = grandchild;
            addInbox("data", capacity);
            if (grandchild != null) {
                addChildren(grandchild);
            }
        }

        @Override
        protected void main() throws InterruptedException {
            try {
                while (true) {
                    got.add((Msg) receive("data"));
                }
            } finally {
                if (grandchild != null) {
                    grandchild.stop();
                }
            }
        }
    }

    /** The parent: never reads its inbox; at the first control message it stops its children and returns. */
    static final class Parent extends Component {
        Parent(int capacity, List<Holder> children) {
            super("parent");
            addInbox("in", capacity);
            addChildren(children.toArray(Component[]::new));
        }

        @Override
        protected void main() throws InterruptedException {
            receive(CONTROL);
            for (Component c : childComponents()) {
                c.stop();
            }
        }
    }

    @Test
    void passThroughsMoveWaitingMessagesInOrderAndUnlinkAtOnce() {
        qt().withExamples(PASS_EXAMPLES).withShrinkCycles(30).forAll(plans(true)).checkAssert(plan -> {
            Drive d = new Drive();
            Tagger source = new Tagger(plan.messages(), plan.pace(), d, plan.ops());
            Progress idle = new Progress(plan.capacities().size());
            List<Holder> holders = new ArrayList<>();
            for (int i = 0; i < plan.capacities().size(); i++) {
                Node g = plan.grandchildren().get(i) ? new Node(10 + i, new NodeSpec(Role.SINK, Recv.RECEIVE,
                        plan.capacities().get(i), 0), false, idle) : null;
                holders.add(new Holder(i, plan.capacities().get(i), g));
            }
            Parent parent = new Parent(plan.parentCapacity(), holders);
            Map<Integer, Linkage> childLinks = new HashMap<>();
            Owned run = owned("pass-through owner", () -> {
                try (ComponentSystem system = Components.open(Components.Options.defaults().withName("pass")
                        .withCloseGracePeriod(Duration.ofMillis(150)))) {
                    d.all.add(Components.link(source, Component.OUTBOX, parent, "in", plan.toParent()));
                    system.start(source);
                    system.start(parent);
                    for (int j = 0; j < plan.ops().size(); j++) {
                        Op op = plan.ops().get(j);
                        d.progress.await(op.at(), STALL);
                        d.gate.open(j);
                        awaitSending(source, op.at());
                        switch (op.kind()) {
                            case LINK -> {
                                Holder h = holders.get(op.target());
                                passCoverage.add("messages waiting when a pass-through was made",
                                        parent.queued("in") > 0);
                                d.epochs.linksStarted.incrementAndGet();
                                Linkage l = Components.link(parent, "in", h, "data", op.delivery());
                                d.epochs.linksReturned.incrementAndGet();
                                int left = parent.queued("in");
                                if (left != 0) {
                                    d.violations.add(op + ": " + left + " message(s) still in parent.in after the"
                                            + " pass-through was made");
                                }
                                d.links.add(l);
                                d.linkTargets.add(op.target());
                                d.all.add(l);
                            }
                            case UNLINK -> {
                                d.epochs.unlinksStarted.incrementAndGet();
                                d.links.getLast().unlink();
                                d.epochs.unlinksReturned.incrementAndGet();
                            }
                            case EXTEND_CHILD -> {
                                Holder h = holders.get(op.target());
                                passCoverage.add("messages waiting when a chain was extended",
                                        h.queued("data") > 0);
                                Linkage l = Components.link(h, "data", h.grandchild, h.grandchild.dataBox,
                                        op.delivery());
                                int left = h.queued("data");
                                if (left != 0) {
                                    d.violations.add(op + ": " + left + " message(s) still in r" + op.target()
                                            + ".data after the pass-through was made");
                                }
                                childLinks.put(op.target(), l);
                                d.all.add(l);
                            }
                            case UNLINK_CHILD -> childLinks.get(op.target()).unlink();
                            case STOP -> holders.get(op.target()).stop();
                        }
                    }
                    d.progress.await(Long.MAX_VALUE, STALL);
                }
            });
            assertThat(run.finished()).as("run of %s ended within %s", plan, RUN_LIMIT).isTrue();
            assertThat(run.thrown()).as("what the run of %s threw", plan).isNull();

            List<String> bad = new ArrayList<>(d.violations);
            Map<Integer, List<Msg>> arrivals = new HashMap<>();
            Map<Integer, Integer> under = new HashMap<>(); // receiver key -> the child it is under (-1: the parent)
            arrivals.put(-1, arrived(parent, List.of(), "in"));
            under.put(-1, -1);
            for (int i = 0; i < holders.size(); i++) {
                Holder h = holders.get(i);
                arrivals.put(i, arrived(h, h.got, "data"));
                under.put(i, i);
                if (h.grandchild != null) {
                    arrivals.put(10 + i, arrived(h.grandchild, h.grandchild.got, h.grandchild.dataBox));
                    under.put(10 + i, i);
                }
            }
            long arrivedCount = checkOnceAndInOrder(arrivals, bad);
            for (var e : arrivals.entrySet()) {
                int child = under.get(e.getKey());
                for (Msg m : e.getValue()) {
                    Tag t = source.tags.get((int) m.seq());
                    if (child < 0) {
                        if (t.whollyLinked()) {
                            bad.add("message " + m + " " + t + " is in parent.in, but pass-through "
                                    + t.linksReturnedAtStart() + " was in place during its whole send");
                        }
                        continue;
                    }
                    boolean allowed = false;
                    for (long k = t.unlinksReturnedAtStart() + 1; k <= d.linkTargets.size() && !allowed; k++) {
                        allowed = d.linkTargets.get((int) k - 1) == child;
                    }
                    if (!allowed) {
                        bad.add("message " + m + " " + t + " arrived under r" + child + " (at " + e.getKey()
                                + "), but every pass-through to it was unlinked before its send started");
                    }
                }
            }
            account(source, arrivedCount, d.all, bad);
            assertThat(PropertyKit.few(bad)).as("pass-throughs %s", plan).isEmpty();
            List<Component> rest = new ArrayList<>(holders);
            holders.stream().filter(h -> h.grandchild != null).forEach(h -> rest.add(h.grandchild));
            rest.add(source);
            checkAllEnded(plan, parent, rest);
            passCoverage.tags(source);
            passCoverage.add("messages at a grandchild", holders.stream().anyMatch(h -> h.grandchild != null
                    && !arrivals.get(10 + holders.indexOf(h)).isEmpty()));
            passCoverage.add("messages left in parent.in", !arrivals.get(-1).isEmpty());
            passCoverage.add("dropped by a pass-through", d.all.stream().skip(1).anyMatch(l -> l.dropped() > 0));
        });
        System.out.println("LinkageProperties pass-throughs: " + passCoverage);
    }
}
