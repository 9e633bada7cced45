package dev.weft.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.weft.component.PropertyKit.Msg;
import dev.weft.component.PropertyKit.Owned;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * Exactly-once delivery through a {@link SharedInbox} under random consumer churn. A random number of producers (plain
 * virtual threads calling {@link SharedInbox#send}, and sometimes a component linked to it) send numbered messages as
 * fast as they can into a shared inbox of random capacity (1-8), while the test's driver attaches new consumers (some
 * started before they are attached, some after), detaches, stops and fails consumers at random points of the run.
 * Each consumer receives in one of five ways ({@code receive()}, {@code messages()}, {@code receiveBatch},
 * {@code awaitAny} + {@code poll}, a timed {@code receive}); a consumer told to fail throws on its next message, which
 * (with the rest of its batch) it records as "in hand". Every consumer runs in a system of its own ({@link
 * Component#start()}), so that a failure does not cancel its siblings and hide what they would have lost.
 *
 * <p>After the churn: (1) <i>no lost wake-up</i>: while some consumer is still attached, the run goes on until every
 * message was processed; if nothing moves for {@link #LIVENESS} while messages are queued and consumers are parked on
 * the shared inbox, a wake-up was lost. Then a drainer is attached and the same check runs until every message was
 * processed; the producers end, the inbox is finished, and every consumer ends. (2) <i>Exactly once</i>: every message sent was processed by exactly one consumer, or is the
 * one (or the batch) in hand of a consumer that failed; none twice, none lost, the shared inbox empty, its delivered
 * and taken counts equal to the messages sent, no consumer left attached. (3) <i>Queue order</i>: what one consumer
 * got from one producer is in that producer's order. (4) Only consumers told to fail failed, and the whole run ended
 * within {@link #RUN_LIMIT}.
 *
 * <p>Seen failing against broken variants: docs/property-failures.md ("The shared inbox").
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedInboxProperties {
    static final int EXAMPLES = Integer.getInteger("weft.test.sharedInboxExamples", 150);
    static final Duration RUN_LIMIT = Duration.ofSeconds(20);
    /** How long the driver waits for the next step's point in the run when nothing moves. */
    static final Duration STALL = Duration.ofMillis(20);
    /**
     * How long nothing may move while messages are queued and consumers are parked on them before that counts as a lost
     * wake-up: a correct run never stays in that state (each put wakes a parked consumer), so this only bounds how long
     * a broken run takes to be caught; generous for a loaded machine.
     */
    static final Duration LIVENESS = Duration.ofSeconds(2);

    enum Mode { RECEIVE, MESSAGES, BATCH, POLL, TIMED }

    enum Kind { ATTACH, DETACH, STOP, FAIL }

    /** A consumer to make: how it receives, its batch size (for BATCH), whether it starts before it is attached. */
    record Spec(Mode mode, int batch, boolean startFirst) {
        @Override
        public String toString() {
            return mode + (mode == Mode.BATCH ? "(" + batch + ")" : "") + (startFirst ? " started first" : "");
        }
    }

    /** A step of the driver, once {@code at} messages were processed (or nothing moved for {@link #STALL}). */
    record Event(Kind kind, int pick, Spec spec, int at) {
        @Override
        public String toString() {
            return "@" + at + " " + switch (kind) {
                case ATTACH -> "attach " + spec;
                case DETACH -> "detach #" + pick;
                case STOP -> "stop #" + pick;
                case FAIL -> "fail #" + pick;
            };
        }
    }

    /** A run: capacity, messages per producer (producer 0 a linked component if {@code linked}), consumers, steps. */
    record Plan(int capacity, List<Integer> producers, boolean linked, List<Spec> initial, List<Event> events) {
        int total() {
            return producers.stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public String toString() {
            return "capacity " + capacity + ", producers " + producers + (linked ? " (0 linked)" : "")
                    + ", consumers " + initial + ", " + events;
        }
    }

    private static int between(RandomnessSource in, int lo, int hi) {
        return (int) in.next(Constraint.between(lo, hi));
    }

    private static Spec spec(RandomnessSource in) {
        return new Spec(Mode.values()[between(in, 0, Mode.values().length - 1)], between(in, 1, 4),
                between(in, 0, 1) == 1);
    }

    static final Gen<Plan> PLANS = in -> {
        int capacity = between(in, 1, 8);
        List<Integer> producers = new ArrayList<>();
        int p = between(in, 1, 3);
        for (int i = 0; i < p; i++) {
            producers.add(between(in, 0, 120));
        }
        boolean linked = between(in, 0, 1) == 1;
        List<Spec> initial = new ArrayList<>();
        int c = between(in, 0, 3);
        for (int i = 0; i < c; i++) {
            initial.add(spec(in));
        }
        List<Event> events = new ArrayList<>();
        int at = 0;
        int steps = between(in, 0, 8);
        for (int s = 0; s < steps; s++) {
            at += between(in, 0, 40);
            Kind kind = Kind.values()[between(in, 0, Kind.values().length - 1)];
            events.add(new Event(kind, between(in, 0, 7), spec(in), at));
        }
        return new Plan(capacity, List.copyOf(producers), linked, List.copyOf(initial), List.copyOf(events));
    };

    /** Who processed each message, who failed with which, duplicates; and progress, for the driver to wait on. */
    static final class Book {
        final Map<Msg, String> first = new ConcurrentHashMap<>();
        final List<String> twice = Collections.synchronizedList(new ArrayList<>());
        private long ticks;

        void processed(Msg m, String who) {
            record(m, who);
        }

        void inHand(Msg m, String who) {
            record(m, who + " (failed with it in hand)");
        }

        private void record(Msg m, String who) {
            String before = first.putIfAbsent(m, who);
            if (before != null) {
                twice.add(m + " at " + who + ", after " + before);
            }
            tick();
        }

        synchronized void tick() {
            ticks++;
            notifyAll();
        }

        synchronized long ticks() {
            return ticks;
        }

        /** Waits until {@code target} ticks, or no tick for {@code stall}. */
        synchronized void await(long target, Duration stall) throws InterruptedException {
            long deadline = System.nanoTime() + stall.toNanos();
            long last = ticks;
            while (ticks < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
                if (ticks != last) {
                    last = ticks;
                    deadline = System.nanoTime() + stall.toNanos();
                }
            }
        }
    }

    /** A consumer: receives in its mode, records each message; told to fail, it fails on its next message. */
    static final class Worker extends Component {
        final Spec spec;
        final Book book;
        final List<Msg> got = new ArrayList<>(); // own thread; read after it ended
        volatile boolean failNext;
        volatile boolean detached;
        volatile boolean stopped;
        /** The thread that owns this worker's own system: starts it, joins it, keeps what the join threw. */
        Thread owner;
        volatile Throwable failure;

        Worker(int id, Spec spec, Book book) {
            super("w" + id);
            this.spec = spec;
            this.book = book;
        }

        @Override
        protected void main() throws InterruptedException {
            switch (spec.mode()) {
                case RECEIVE -> {
                    while (true) {
                        handle(List.of(receive())); // ends with ShutdownSignal
                    }
                }
                case MESSAGES -> {
                    for (Object m : messages()) {
                        handle(List.of(m));
                    }
                }
                case BATCH -> {
                    List<Object> batch;
                    while (!(batch = receiveBatch(INBOX, spec.batch(), Duration.ofMillis(1))).isEmpty()) {
                        handle(batch);
                    }
                }
                case TIMED -> {
                    while (true) {
                        Optional<Object> m = receive(INBOX, Duration.ofMillis(2));
                        if (m.isPresent()) {
                            handle(List.of(m.get()));
                        }
                    }
                }
                case POLL -> {
                    boolean finishing = false;
                    while (!finishing || dataReady(INBOX)) {
                        awaitAny(Duration.ofMillis(5));
                        Optional<Object> c = poll(CONTROL);
                        if (c.isPresent() && c.get() instanceof Shutdown) {
                            return;
                        }
                        finishing |= c.isPresent() && c.get() instanceof ProducerFinished;
                        Optional<Object> m = poll(INBOX);
                        if (m.isPresent()) {
                            handle(List.of(m.get()));
                        }
                    }
                }
            }
        }

        /** Processes a batch taken (started): told to fail, fails with the rest of it in hand. */
        private void handle(List<Object> batch) {
            for (int i = 0; i < batch.size(); i++) {
                Msg m = (Msg) batch.get(i);
                if (failNext) {
                    for (Object rest : batch.subList(i, batch.size())) {
                        got.add((Msg) rest);
                        book.inHand((Msg) rest, name());
                    }
                    throw new IllegalStateException(name() + " fails with " + m + " in hand");
                }
                got.add(m);
                book.processed(m, name());
                if (m.seq() % 7 == 0) {
                    Thread.yield(); // vary the interleavings now and then
                }
            }
        }
    }

    /** Producer 0 as a component, when the plan links one. */
    static final class Feeder extends Component {
        final int n;

        Feeder(int n) {
            super("feeder");
            this.n = n;
        }

        @Override
        protected void main() throws InterruptedException {
            for (int i = 0; i < n; i++) {
                send(new Msg(0, i));
            }
        }
    }

    /** What the schedules exercised, printed so that a reader can see the interesting cases occur. */
    private final Map<String, Integer> coverage = new TreeMap<>();

    private synchronized void cover(String what, boolean happened) {
        if (happened) {
            coverage.merge(what, 1, Integer::sum);
        }
    }

    @Test
    void everyMessageIsProcessedExactlyOnceUnderConsumerChurn() {
        qt().withExamples(EXAMPLES).withShrinkCycles(20).forAll(PLANS).checkAssert(this::check);
        System.out.println("SharedInboxProperties: " + coverage);
    }

    private void check(Plan plan) {
        Book book = new Book();
        SharedInbox shared = SharedInbox.create("jobs", plan.capacity());
        List<Worker> workers = Collections.synchronizedList(new ArrayList<>());
        List<String> bad = Collections.synchronizedList(new ArrayList<>());
        boolean[] sawBlockedSenders = new boolean[1];
        Owned run;
        try {
            run = PropertyKit.owned("shared inbox driver", RUN_LIMIT, () -> drive(plan, book, shared, workers, bad,
                    sawBlockedSenders));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(run.finished()).as("run of %s ended within %s (%s)", plan, RUN_LIMIT, shared).isTrue();
        assertThat(run.thrown()).as("what the run of %s threw", plan).isNull();

        int total = plan.total();
        List<String> lost = new ArrayList<>();
        for (int p = 0; p < plan.producers().size(); p++) {
            for (int s = 0; s < plan.producers().get(p); s++) {
                if (!book.first.containsKey(new Msg(p, s))) {
                    lost.add(new Msg(p, s).toString());
                }
            }
        }
        if (!lost.isEmpty()) {
            bad.add("lost (never processed, not in hand of a failed consumer): " + PropertyKit.few(lost));
        }
        bad.addAll(PropertyKit.few(new ArrayList<>(book.twice)).stream().map(t -> "processed twice: " + t).toList());
        if (book.first.size() != total) {
            bad.add("processed " + book.first.size() + " distinct messages of " + total);
        }
        if (shared.size() != 0 || shared.delivered() != total || shared.taken() != total) {
            bad.add("at the end " + shared + ", but " + total + " were sent");
        }
        if (!shared.consumers().isEmpty()) {
            bad.add("consumers still attached after they all ended: " + shared.consumers());
        }
        for (Worker w : workers) {
            Map<Integer, Long> last = new HashMap<>();
            for (Msg m : w.got) {
                Long before = last.put(m.sender(), m.seq());
                if (before != null && before >= m.seq()) {
                    bad.add(w.name() + " got " + m + " after " + m.sender() + ":" + before + " (queue order broken)");
                }
            }
            if (w.state() == Component.State.FAILED && !w.failNext) {
                bad.add(w.name() + " failed but was not told to");
            }
        }
        assertThat(PropertyKit.few(bad)).as("shared inbox run of %s", plan).isEmpty();

        cover("examples", true);
        cover("a consumer failed with a message in hand", book.first.values().stream()
                .anyMatch(v -> v.contains("in hand")));
        cover("a consumer was detached", workers.stream().anyMatch(w -> w.detached));
        cover("a consumer was stopped", workers.stream().anyMatch(w -> w.stopped));
        cover("messages left for the drainer", !workers.isEmpty() && !workers.getLast().got.isEmpty());
        cover("senders waited for room", sawBlockedSenders[0]);
        cover("three or more consumers took messages", workers.stream().filter(w -> !w.got.isEmpty()).count() >= 3);
    }

    /** The driver: makes the run's producers and consumers and takes its steps. */
    private static void drive(Plan plan, Book book, SharedInbox shared, List<Worker> workers, List<String> bad,
            boolean[] sawBlockedSenders) throws Exception {
        int[] ids = {0};
        for (Spec s : plan.initial()) {
            attach(shared, workers, new Worker(++ids[0], s, book));
        }
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < plan.producers().size(); p++) {
            int n = plan.producers().get(p);
            if (p == 0 && plan.linked()) {
                Feeder f = new Feeder(n);
                Components.link(f, Component.OUTBOX, shared);
                producers.add(Thread.ofVirtual().name("feeder's owner").start(() -> {
                    try {
                        f.run();
                    } catch (Throwable t) {
                        bad.add("feeder: " + t);
                    }
                }));
                continue;
            }
            int producer = p;
            producers.add(Thread.ofVirtual().name("producer-" + p).start(() -> {
                try {
                    for (int i = 0; i < n; i++) {
                        shared.send(new Msg(producer, i));
                    }
                } catch (InterruptedException e) {
                    bad.add("producer " + producer + " interrupted");
                }
            }));
        }
        for (Event e : plan.events()) {
            book.await(e.at(), STALL);
            sawBlockedSenders[0] |= shared.waitingSenders() > 0;
            List<Worker> attached = workers.stream().filter(w -> !w.detached && !w.stopped
                    && w.state() == Component.State.RUNNING).toList();
            List<Worker> running = workers.stream().filter(w -> !w.stopped
                    && w.state() == Component.State.RUNNING).toList();
            switch (e.kind()) {
                case ATTACH -> attach(shared, workers, new Worker(++ids[0], e.spec(), book));
                case DETACH -> {
                    if (!attached.isEmpty()) {
                        Worker w = attached.get(e.pick() % attached.size());
                        w.detached = true;
                        shared.detach(w);
                    }
                }
                case STOP -> {
                    if (!running.isEmpty()) {
                        Worker w = running.get(e.pick() % running.size());
                        w.stopped = true;
                        w.stop();
                    }
                }
                case FAIL -> {
                    if (!attached.isEmpty()) {
                        attached.get(e.pick() % attached.size()).failNext = true;
                    }
                }
            }
        }
        awaitProcessedOrNobodyLeft(plan.total(), book, shared);

        Worker drainer = new Worker(++ids[0], new Spec(Mode.RECEIVE, 1, false), book);
        attach(shared, workers, drainer);
        awaitProcessedOrNobodyLeft(plan.total(), book, shared); // the drainer stays: until all were processed
        for (Thread t : producers) {
            if (!t.join(RUN_LIMIT)) {
                bad.add(t.getName() + " did not end: " + shared);
            }
        }
        shared.finish();
        for (Worker w : List.copyOf(workers)) {
            if (w.detached && !w.stopped) {
                w.stop(); // not attached any more: finish() does not tell it
            }
        }
        for (Worker w : List.copyOf(workers)) {
            if (!w.owner.join(RUN_LIMIT)) {
                bad.add(w.name() + " did not end: " + w + ", " + shared);
            } else if (w.failure != null && !(w.failNext && w.failure instanceof ComponentFailedException)) {
                bad.add(w.name() + " failed: " + w.failure);
            }
        }
    }

    /**
     * Attaches {@code w} and starts it, in the order its spec says, in a system of its own owned by a thread of its
     * own (systems opened by one thread nest, and must be joined in reverse order: one owner per worker frees the
     * driver from that).
     */
    private static void attach(SharedInbox shared, List<Worker> workers, Worker w) throws InterruptedException {
        workers.add(w);
        if (!w.spec.startFirst()) {
            shared.attach(w);
        }
        CountDownLatch started = new CountDownLatch(1);
        w.owner = Thread.ofVirtual().name("owner of " + w.name()).start(() -> {
            try {
                w.start();
                started.countDown();
                w.join();
            } catch (Throwable t) {
                w.failure = t;
            } finally {
                started.countDown();
            }
        });
        started.await();
        if (w.spec.startFirst()) {
            shared.attach(w);
        }
    }

    /**
     * While consumers remain attached, waits until every message was processed (or taken by one that failed). If
     * nothing moves for {@link #LIVENESS} while messages are queued and consumers are parked on them, a wake-up was
     * lost: throws. Returns as soon as no consumer is attached: then the rest waits for the drainer.
     */
    private static void awaitProcessedOrNobodyLeft(int total, Book book, SharedInbox shared)
            throws InterruptedException {
        long last = -1;
        long since = System.nanoTime();
        while (true) {
            long t = book.ticks();
            if (t >= total || shared.consumers().isEmpty()) {
                return;
            }
            if (t != last) {
                last = t;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > LIVENESS.toNanos()) {
                int queued = shared.size();
                int parked = shared.waitingConsumers();
                if (queued > 0 && parked > 0) { // stop here: the rest of the run would only hang on it
                    throw new AssertionError("lost wake-up: nothing moved for " + LIVENESS + " while " + queued
                            + " message(s) were queued and " + parked + " consumer(s) parked on them: " + shared);
                }
                return;
            }
            book.await(t + 1, STALL);
        }
    }
}
