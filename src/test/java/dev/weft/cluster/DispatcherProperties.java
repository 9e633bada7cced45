package dev.weft.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.weft.cluster.Protocol.CancelOp;
import dev.weft.cluster.Protocol.Done;
import dev.weft.cluster.Protocol.Failed;
import dev.weft.cluster.Protocol.Hello;
import dev.weft.cluster.Protocol.RunOp;
import dev.weft.cluster.Protocol.ToDriver;
import dev.weft.cluster.Protocol.ToWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * Properties of the driver's {@link Dispatcher} against fake workers (no actor system, no processes): 1-4 workers
 * of concurrency 1-8, 1-60 calls (idempotent or not) from virtual threads, interleaved with a random schedule of
 * events: a worker answers {@code Done} or {@code Failed} to one of the requests it holds, a member is lost (while
 * calls run there, and maybe while others wait for a slot), a new worker says hello, a lost member comes back (says
 * hello again with the same ref), a member is retired, a lost member's late reply arrives, a caller is interrupted.
 * The schedule ends with {@code close()} or with a drain (a worker answers everything it holds until every call has
 * returned).
 *
 * <p>In the exact runs each event is applied once the system is quiet (every caller has returned, holds a request at
 * a worker, or waits for a slot while none is free; the driver's count of each worker's requests equals what the
 * worker holds), so a run replays from its seed. The test keeps a model of what each call must end with, set by the
 * event that settles it (a reply to its current request, the loss of its member when it may not be sent again, an
 * interrupt, close), and checks:
 *
 * <ol>
 *   <li>{@link Prop#OUTCOMES}: every call ends exactly as the model says: the result or failure of the reply to its
 *       current request, naming the member that replied; {@link MemberLostException} naming the member it was lost
 *       with (non-idempotent calls, or attempts used up); {@link InterruptedException}. No call ends without an
 *       event that settles it, and none is left blocked while nothing is in flight (no hang).</li>
 *   <li>{@link Prop#SENDS}: a non-idempotent call is sent at most once in all, an idempotent one at most
 *       {@link ClusterOptions#maxAttempts()} times; a retired or lost member gets no new request.</li>
 *   <li>{@link Prop#SLOTS}: whenever the system is quiet, the driver's {@link WorkerInfo#inFlight()} for each worker
 *       equals the requests that worker holds, between 0 and its concurrency, and the driver lists exactly the
 *       members not lost; after the drain nothing is in flight. A late reply (from a lost member, to a request
 *       settled or sent again elsewhere) changes nothing.</li>
 *   <li>{@link Prop#CLOSE}: {@code close()} ends every call in flight or waiting with a {@link ClusterException}
 *       saying the driver closed, leaves nothing in flight, and refuses new calls at once.</li>
 * </ol>
 *
 * <p>The racing run applies the same events without waiting for quiet (no comebacks nor interrupts, whose model
 * needs quiet), so losses and replies race with callers picking workers; it checks what holds whatever the
 * interleaving: the bounds on sends and slots, every outcome names a member that got the call (a success or failure
 * is the reply to one of its own requests), and no call hangs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DispatcherProperties {
    static final int EXAMPLES = 40;
    static final int RACING_EXAMPLES = 100;
    static final Duration STALL = Duration.ofSeconds(1);
    static final Duration QUIET_DEADLINE = Duration.ofSeconds(10);

    /** The properties, each a test of its own over the same kind of runs. */
    enum Prop { OUTCOMES, SENDS, SLOTS, CLOSE }

    enum Kind { CALL, REPLY, LOST, HELLO, COMEBACK, RETIRE, LATE, INTERRUPT }

    /** One step of a schedule: its numbers pick among what exists when it is applied. */
    record Step(Kind kind, int a, int b, boolean flag, int pauseMicros) {
        @Override
        public String toString() {
            return (pauseMicros == 0 ? "" : pauseMicros + "us ") + switch (kind) {
                case CALL -> flag ? "call(idem)" : "call";
                case REPLY -> "reply(" + a + "," + b + (flag ? ",failed)" : ")");
                case LATE -> "late(" + a + (flag ? ",failed)" : ")");
                case HELLO -> "hello(c" + (a % 8 + 1) + ")";
                default -> kind.name().toLowerCase() + "(" + a + ")";
            };
        }
    }

    /** Workers' concurrencies at the start, the attempts allowed, the steps, and how it ends. */
    record Scenario(List<Integer> workers, int maxAttempts, List<Step> steps, boolean close, boolean racing) {
        @Override
        public String toString() {
            return (racing ? "racing " : "") + "workers " + workers + ", maxAttempts " + maxAttempts + ", steps "
                    + steps + (close ? ", then close" : ", then drain");
        }
    }

    static int pick(RandomnessSource in, int min, int max) {
        return (int) in.next(Constraint.between(min, max));
    }

    static Gen<Scenario> scenarios(boolean racing) {
        return ((Gen<Scenario>) in -> {
            int n = pick(in, 1, 4);
            List<Integer> workers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                workers.add(pick(in, 1, 8));
            }
            int maxAttempts = pick(in, 1, 3);
            int calls = pick(in, 1, 60);
            int events = pick(in, 0, 2 * calls + 4);
            List<Step> steps = new ArrayList<>();
            int c = 0;
            int e = 0;
            while (c < calls || e < events) {
                int left = calls - c + events - e;
                if (e == events || (c < calls && pick(in, 0, left - 1) < calls - c)) {
                    steps.add(new Step(Kind.CALL, 0, 0, pick(in, 0, 1) == 1, racing ? pick(in, 0, 200) : 0));
                    c++;
                } else {
                    int w = pick(in, 0, 99);
                    Kind k = w < 50 ? Kind.REPLY : w < 60 ? Kind.LOST : w < 68 ? Kind.HELLO
                            : w < 74 ? (racing ? Kind.HELLO : Kind.COMEBACK) : w < 80 ? Kind.RETIRE
                            : w < 92 ? Kind.LATE : racing ? Kind.REPLY : Kind.INTERRUPT;
                    steps.add(new Step(k, pick(in, 0, 63), pick(in, 0, 63), pick(in, 0, 1) == 1,
                            racing ? pick(in, 0, 200) : 0));
                    e++;
                }
            }
            return new Scenario(workers, maxAttempts, steps, pick(in, 0, 3) == 0, racing);
        }).describedAs(Scenario::toString);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The properties

    void holds(Prop prop, boolean racing) {
        qt().withExamples(EXAMPLES).withShrinkCycles(60).forAll(scenarios(racing)).checkAssert(sc -> {
            Sim sim = new Sim(sc);
            sim.run();
            assertThat(sim.violations.getOrDefault(prop, List.of()))
                    .as(() -> prop + " violated; what happened:\n" + sim.traceTail())
                    .isEmpty();
        });
    }

    @Test
    void everyCallEndsOnceAsTheEventsSettleIt() {
        holds(Prop.OUTCOMES, false);
    }

    @Test
    void callsAreSentAtMostAsOftenAsAllowedAndOnlyToMembersInService() {
        holds(Prop.SENDS, false);
    }

    @Test
    void theDriversCountOfEachWorkersRequestsMatchesTheWorkerAndStaysWithinItsConcurrency() {
        holds(Prop.SLOTS, false);
    }

    @Test
    void closeFailsEverythingInFlightAndRefusesNewCalls() {
        holds(Prop.CLOSE, false);
    }

    @Test
    void racingEventsKeepTheBoundsAndNoCallHangs() {
        qt().withExamples(RACING_EXAMPLES).withShrinkCycles(60).forAll(scenarios(true)).checkAssert(sc -> {
            Sim sim = new Sim(sc);
            sim.run();
            assertThat(sim.violations).as(() -> "what happened:\n" + sim.traceTail()).isEmpty();
        });
    }

    // ---------------------------------------------------------------------------------------------------------------
    // One run

    /** How a call ended, or must end. */
    record Outcome(String kind, String member, String detail) {
        static final Outcome INTERRUPTED = new Outcome("interrupted", null, null);
        static final Outcome CLOSED = new Outcome("closed", null, null);

        @Override
        public String toString() {
            return kind + (member == null ? "" : " by " + member) + (detail == null ? "" : " [" + detail + "]");
        }
    }

    static final class Fake {
        final String member;
        final int concurrency;
        final FakeRef<ToWorker> ref;
        int incarnation;
        boolean registered;
        boolean retired;
        boolean everLost;
        final List<Sent> sent = new ArrayList<>();

        Fake(String member, int concurrency, Sim sim) {
            this.member = member;
            this.concurrency = concurrency;
            this.ref = new FakeRef<>(member, m -> sim.received(this, m));
        }

        /** Requests of this incarnation not answered nor cancelled: what it runs now. */
        List<Sent> holds() {
            return sent.stream().filter(s -> s.incarnation == incarnation && !s.replied && !s.cancelled).toList();
        }

        Hello hello() {
            return new Hello(ref, member, concurrency, 1 << 20, List.of("op"), List.of());
        }
    }

    static final class Sent {
        final Fake to;
        final int incarnation;
        final long id;
        final CallState call;
        final int attempt;
        boolean replied;
        boolean cancelled;

        Sent(Fake to, long id, CallState call) {
            this.to = to;
            this.incarnation = to.incarnation;
            this.id = id;
            this.call = call;
            this.attempt = call.attempts.size() + 1;
        }

        /** Held by a worker in service: an answer from it settles the call. */
        boolean live() {
            return to.registered && incarnation == to.incarnation && !replied && !cancelled;
        }

        @Override
        public String toString() {
            return "RunOp " + id + " (call " + call.index + " attempt " + attempt + ") at " + to.member;
        }
    }

    static final class CallState {
        final int index;
        final boolean idempotent;
        Thread thread;
        final List<Sent> attempts = new ArrayList<>();
        Outcome expected;
        Outcome actual;

        CallState(int index, boolean idempotent) {
            this.index = index;
            this.idempotent = idempotent;
        }

        Sent latest() {
            return attempts.isEmpty() ? null : attempts.getLast();
        }

        @Override
        public String toString() {
            return "call " + index + (idempotent ? " (idempotent)" : "");
        }
    }

    record Unmet(Prop prop, String text) {
    }

    /** The dispatcher, its fake workers, its callers and the model of what each call must end with. */
    static final class Sim {
        final Scenario sc;
        final ReentrantLock lock = new ReentrantLock();
        final Dispatcher d;
        final FakeRef<ToDriver> driver = new FakeRef<>("driver", m -> {
        });
        final Map<String, Fake> fakes = new LinkedHashMap<>();
        final List<CallState> calls = new ArrayList<>();
        final List<String> trace = new ArrayList<>();
        final Map<Prop, List<String>> violations = new EnumMap<>(Prop.class);
        final AtomicLong version = new AtomicLong();
        int step;

        Sim(Scenario sc) {
            this.sc = sc;
            this.d = new Dispatcher(ClusterOptions.defaults().withMaxAttempts(sc.maxAttempts())
                    .withWorkerTimeout(Duration.ofSeconds(30)), "test-driver");
            d.self(driver);
        }

        void log(String line) {
            lock.lock();
            try {
                trace.add(line);
            } finally {
                lock.unlock();
            }
        }

        String traceTail() {
            lock.lock();
            try {
                List<String> t = trace.size() > 60 ? trace.subList(trace.size() - 60, trace.size()) : trace;
                return (trace.size() > 60 ? "  ... " + (trace.size() - 60) + " lines before\n" : "")
                        + String.join("\n", t);
            } finally {
                lock.unlock();
            }
        }

        void violation(Prop p, String text) {
            lock.lock();
            try {
                violations.computeIfAbsent(p, k -> new ArrayList<>()).add(text);
                trace.add("  VIOLATION " + p + ": " + text);
            } finally {
                lock.unlock();
            }
        }

        // ---- what the fake workers receive (on the sending thread)

        void received(Fake f, ToWorker m) {
            lock.lock();
            try {
                if (m instanceof RunOp r) {
                    CallState c = calls.get(Integer.parseInt(r.instance().substring("call-".length())));
                    Sent s = new Sent(f, r.id(), c);
                    f.sent.add(s);
                    c.attempts.add(s);
                    trace.add("  " + f.member + " <- " + s);
                    if (!sc.racing() && (!f.registered || f.retired)) {
                        violation(Prop.SENDS, c + " sent to " + f.member + ", which is "
                                + (f.registered ? "retired" : "lost"));
                    }
                    int bound = c.idempotent ? sc.maxAttempts() : 1;
                    if (c.attempts.size() > bound) {
                        violation(Prop.SENDS, c + " sent " + c.attempts.size() + " times (at most " + bound + "): "
                                + c.attempts);
                    }
                } else if (m instanceof CancelOp x) {
                    Sent s = f.holds().stream().filter(h -> h.id == x.id()).findFirst().orElse(null);
                    trace.add("  " + f.member + " <- CancelOp " + x.id() + (s == null ? " (holds no such request)"
                            : " (call " + s.call.index + ")"));
                    if (s != null) {
                        s.cancelled = true;
                    }
                } else {
                    trace.add("  " + f.member + " <- " + m);
                }
                version.incrementAndGet();
            } finally {
                lock.unlock();
            }
        }

        // ---- callers

        void startCall(boolean idempotent) {
            CallState c;
            lock.lock();
            try {
                c = new CallState(calls.size(), idempotent);
                calls.add(c);
                trace.add("step " + step + ": " + c + " starts");
            } finally {
                lock.unlock();
            }
            int k = c.index;
            Dispatcher.Call call = new Dispatcher.Call("operation 'op' of call-" + k, "op", true, idempotent, null,
                    id -> new RunOp(id, "op", "call-" + k, "ctx", new byte[0], new byte[0], driver));
            c.thread = Thread.ofVirtual().name("dispatcher-caller-" + k).unstarted(() -> {
                Outcome o;
                try {
                    Dispatcher.Reply r = d.call(call);
                    o = new Outcome("done", r.member(), new String(r.bytes(), UTF_8));
                } catch (InterruptedException e) {
                    o = Outcome.INTERRUPTED;
                } catch (Throwable t) {
                    o = classify(t, "call-" + k);
                }
                lock.lock();
                try {
                    c.actual = o;
                    trace.add("  " + c + " ended: " + o);
                    version.incrementAndGet();
                } finally {
                    lock.unlock();
                }
            });
            c.thread.start();
        }

        static Outcome classify(Throwable t, String what) {
            String msg = String.valueOf(t.getMessage());
            if (t instanceof ClusterException && (msg.contains("is closed") || msg.contains(" closed ("))) {
                return msg.contains(what) ? Outcome.CLOSED : new Outcome("other", null, "does not name " + what
                        + ": " + t);
            }
            if (t instanceof RemoteFailureException rf) {
                return msg.contains(what) && msg.contains(rf.member()) ? new Outcome("failed", rf.member(),
                        rf.remoteMessage()) : new Outcome("other", null, "does not name " + what + ": " + t);
            }
            if (t instanceof MemberLostException ml) {
                return msg.contains(what) && msg.contains(ml.member()) ? new Outcome("lost", ml.member(),
                        "attempts " + ml.attempts()) : new Outcome("other", null, "does not name " + what + ": " + t);
            }
            return new Outcome("other", null, t.toString());
        }

        // ---- events (on the test's thread, as the driver's actor would)

        Fake addWorker(int concurrency) {
            Fake f;
            lock.lock();
            try {
                f = new Fake("w" + (fakes.size() + 1), concurrency, this);
                fakes.put(f.member, f);
                f.registered = true;
                trace.add("step " + step + ": " + f.member + " (concurrency " + concurrency + ") says hello");
            } finally {
                lock.unlock();
            }
            d.hello(f.hello());
            return f;
        }

        List<Fake> registered() {
            return fakes.values().stream().filter(f -> f.registered).toList();
        }

        /** Answers {@code s}; sets what its call must end with when it is the call's live request. */
        ToDriver answer(Sent s, boolean failed, String how) {
            boolean settles = !sc.racing() && s.call.expected == null && s == s.call.latest() && s.live();
            s.replied = true;
            String tag = how + " of call " + s.call.index + " attempt " + s.attempt + " by " + s.to.member + " at step "
                    + step;
            if (settles) {
                s.call.expected = new Outcome(failed ? "failed" : "done", s.to.member, tag);
            }
            trace.add("step " + step + ": " + s.to.member + " answers " + (failed ? "Failed" : "Done") + " to " + s
                    + (how.equals("reply") ? "" : " (" + how + ")"));
            return failed ? new Failed(s.id, "java.io.IOException", tag, "trace of " + tag)
                    : new Done(s.id, tag.getBytes(UTF_8));
        }

        void apply(Step st) {
            switch (st.kind()) {
                case CALL -> startCall(st.flag());
                case HELLO -> addWorker(st.a() % 8 + 1);
                case REPLY -> {
                    ToDriver reply = null;
                    lock.lock();
                    try {
                        List<Fake> busy = registered().stream().filter(f -> !f.holds().isEmpty()).toList();
                        if (busy.isEmpty()) {
                            trace.add("step " + step + ": reply: no worker holds a request");
                        } else {
                            List<Sent> held = busy.get(st.a() % busy.size()).holds();
                            // a reply goes out after the bookkeeping: the model must be ahead of the caller
                            reply = answer(held.get(st.b() % held.size()), st.flag(), "reply");
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (reply != null) {
                        d.reply(reply);
                    }
                }
                case LATE -> {
                    ToDriver reply = null;
                    lock.lock();
                    try {
                        List<Sent> late = fakes.values().stream().flatMap(f -> f.sent.stream())
                                .filter(s -> !s.replied && !s.live()).toList();
                        if (late.isEmpty()) {
                            trace.add("step " + step + ": late: no request of a lost member unanswered");
                        } else {
                            reply = answer(late.get(st.a() % late.size()), st.flag(), "late reply");
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (reply != null) {
                        d.reply(reply);
                    }
                }
                case LOST -> {
                    Fake f = null;
                    lock.lock();
                    try {
                        List<Fake> regs = registered();
                        if (regs.isEmpty()) {
                            trace.add("step " + step + ": lost: no member to lose");
                        } else {
                            f = regs.get(st.a() % regs.size());
                            trace.add("step " + step + ": " + f.member + " is lost, holding " + f.holds());
                            for (Sent s : f.holds()) {
                                CallState c = s.call;
                                if (!sc.racing() && c.expected == null && s == c.latest()
                                        && (!c.idempotent || c.attempts.size() >= sc.maxAttempts())) {
                                    c.expected = new Outcome("lost", f.member, "attempts " + c.attempts.size());
                                }
                            }
                            f.registered = false;
                            f.everLost = true;
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (f != null) {
                        d.lost(f.member, "lost by the test at step " + step);
                    }
                }
                case COMEBACK -> {
                    Fake f = null;
                    lock.lock();
                    try {
                        List<Fake> gone = fakes.values().stream().filter(x -> !x.registered).toList();
                        if (gone.isEmpty()) {
                            trace.add("step " + step + ": comeback: no lost member");
                        } else {
                            f = gone.get(st.a() % gone.size());
                            f.incarnation++;
                            f.registered = true;
                            f.retired = false;
                            trace.add("step " + step + ": " + f.member + " comes back and says hello again");
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (f != null) {
                        d.hello(f.hello());
                    }
                }
                case RETIRE -> {
                    Fake f = null;
                    lock.lock();
                    try {
                        List<Fake> serving = registered().stream().filter(x -> !x.retired).toList();
                        if (serving.isEmpty()) {
                            trace.add("step " + step + ": retire: no member in service");
                        } else {
                            f = serving.get(st.a() % serving.size());
                            f.retired = true;
                            trace.add("step " + step + ": " + f.member + " is retired");
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (f != null) {
                        d.retire(f.member);
                    }
                }
                case INTERRUPT -> {
                    CallState c = null;
                    lock.lock();
                    try {
                        // not one being sent again (its caller's interrupt cannot reach the resending thread)
                        List<CallState> open = calls.stream().filter(x -> x.actual == null && x.expected == null
                                && (x.latest() == null || x.latest().live())).toList();
                        if (open.isEmpty()) {
                            trace.add("step " + step + ": interrupt: no caller waiting");
                        } else {
                            c = open.get(st.a() % open.size());
                            c.expected = Outcome.INTERRUPTED;
                            trace.add("step " + step + ": " + c + " is interrupted");
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (c != null) {
                        c.thread.interrupt();
                    }
                }
            }
        }

        // ---- quiet: nothing moves until the next event

        List<Unmet> unmet() {
            List<WorkerInfo> infos = d.workers();
            List<Unmet> out = new ArrayList<>();
            lock.lock();
            try {
                Map<String, WorkerInfo> byMember = infos.stream()
                        .collect(Collectors.toMap(WorkerInfo::member, w -> w));
                boolean free = infos.stream().anyMatch(w -> {
                    Fake f = fakes.get(w.member());
                    return f != null && f.registered && !f.retired && w.inFlight() < w.concurrency();
                });
                for (CallState c : calls) {
                    if (c.actual != null) {
                        continue;
                    }
                    if (c.expected != null) {
                        out.add(new Unmet(c.expected == Outcome.CLOSED ? Prop.CLOSE : Prop.OUTCOMES, c
                                + " was settled (" + c.expected + ") but its caller has not returned"));
                        continue;
                    }
                    Sent l = c.latest();
                    Thread.State ts = c.thread.getState();
                    boolean parked = ts == Thread.State.WAITING || ts == Thread.State.TIMED_WAITING;
                    if ((l == null || !l.live()) && !(parked && !free)) {
                        out.add(new Unmet(Prop.OUTCOMES, c + " is neither at a worker nor waiting for a slot"
                                + " (latest " + l + ", caller " + ts + ", a slot is " + (free ? "free" : "not free")
                                + ")"));
                    }
                }
                for (Fake f : fakes.values()) {
                    WorkerInfo w = byMember.get(f.member);
                    if (f.registered && w == null) {
                        out.add(new Unmet(Prop.SLOTS, "the driver does not list " + f.member));
                    } else if (!f.registered && w != null) {
                        out.add(new Unmet(Prop.SLOTS, "the driver still lists " + f.member + ", which was lost"));
                    } else if (w != null && w.inFlight() != f.holds().size()) {
                        out.add(new Unmet(Prop.SLOTS, "the driver counts " + w.inFlight() + " in flight at "
                                + f.member + ", which holds " + f.holds().size() + ": " + f.holds()));
                    }
                }
            } finally {
                lock.unlock();
            }
            return out;
        }

        /** Waits until quiet; records what is still unmet when nothing has changed for {@link #STALL}. */
        boolean awaitQuiet() {
            long start = System.nanoTime();
            long lastChange = start;
            long seen = version.get();
            while (true) {
                List<Unmet> un = unmet();
                if (un.isEmpty()) {
                    return true;
                }
                if (failed()) {
                    return false; // seen already (a send that broke a bound): no need to wait for the rest
                }
                long now = System.nanoTime();
                long v = version.get();
                boolean running = calls().stream().anyMatch(c -> c.thread.getState() == Thread.State.RUNNABLE);
                if (v != seen || running) {
                    seen = v;
                    lastChange = now;
                }
                if (now - lastChange > STALL.toNanos() || now - start > QUIET_DEADLINE.toNanos()) {
                    for (Unmet u : un) {
                        violation(u.prop(), u.text() + " (nothing moved for " + (now - lastChange) / 1_000_000
                                + " ms)");
                    }
                    return false;
                }
                LockSupport.parkNanos(50_000);
            }
        }

        List<CallState> calls() {
            lock.lock();
            try {
                return List.copyOf(calls);
            } finally {
                lock.unlock();
            }
        }

        /** What holds whenever the system is quiet (and, for the bounds, at any time). */
        void checkQuiet() {
            for (WorkerInfo w : d.workers()) {
                if (w.inFlight() < 0 || w.inFlight() > w.concurrency()) {
                    violation(Prop.SLOTS, "the driver counts " + w.inFlight() + " in flight at " + w.member()
                            + " of concurrency " + w.concurrency());
                }
            }
            lock.lock();
            try {
                for (CallState c : calls) {
                    if (c.actual == null || sc.racing()) {
                        continue;
                    }
                    if (c.expected == null) {
                        violation(Prop.OUTCOMES, c + " ended (" + c.actual + ") though no event settled it");
                        c.expected = c.actual; // reported once
                    } else if (!c.expected.equals(c.actual)) {
                        violation(c.expected == Outcome.CLOSED ? Prop.CLOSE : Prop.OUTCOMES, c + " should have ended "
                                + c.expected + " but ended " + c.actual);
                        c.expected = c.actual;
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        /** What holds whatever the interleaving: each outcome names a member that got the call. */
        void checkPlausible() {
            lock.lock();
            try {
                for (CallState c : calls) {
                    Outcome o = c.actual;
                    if (o == null) {
                        continue;
                    }
                    boolean ok = switch (o.kind()) {
                        case "done", "failed" -> o.detail() != null && o.detail().contains(" of call " + c.index + " ")
                                && o.detail().contains(" by " + o.member() + " ") && !o.detail().startsWith("late")
                                && c.attempts.stream().anyMatch(s -> s.to.member.equals(o.member()));
                        case "lost" -> c.attempts.stream().anyMatch(s -> s.to.member.equals(o.member()) && s.to.everLost);
                        case "closed" -> sc.close();
                        default -> false;
                    };
                    if (!ok) {
                        violation(Prop.OUTCOMES, c + " ended " + o + ", which no event explains (sent " + c.attempts
                                + ")");
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        boolean failed() {
            lock.lock();
            try {
                return !violations.isEmpty();
            } finally {
                lock.unlock();
            }
        }

        void run() {
            try {
                for (int n : sc.workers()) {
                    addWorker(n);
                }
                for (Step st : sc.steps()) {
                    step++;
                    if (sc.racing()) {
                        // a pause of its own before each step (a spin: timers are too coarse) spreads the events over
                        // the callers' progress, so some land between a caller picking a worker and sending to it
                        long until = System.nanoTime() + st.pauseMicros() * 1_000L;
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                    }
                    apply(st);
                    if (sc.racing()) {
                        checkQuiet(); // the bounds only: nothing waits here
                    } else {
                        awaitQuiet();
                        checkQuiet();
                    }
                    if (failed()) {
                        return;
                    }
                }
                step++;
                if (sc.close()) {
                    closeAll();
                } else {
                    drain();
                }
                if (sc.racing()) {
                    checkPlausible();
                }
            } finally {
                d.close();
                for (CallState c : calls()) {
                    c.thread.interrupt();
                }
            }
        }

        void closeAll() {
            awaitQuiet();
            lock.lock();
            try {
                for (CallState c : calls) {
                    if (c.actual == null && c.expected == null) {
                        c.expected = Outcome.CLOSED;
                    }
                }
                trace.add("step " + step + ": the driver closes");
            } finally {
                lock.unlock();
            }
            d.close();
            awaitQuiet();
            checkQuiet();
            for (CallState c : calls()) {
                if (c.actual == null) {
                    violation(Prop.CLOSE, c + " still waits after close()");
                }
            }
            if (d.inFlight() != 0) {
                violation(Prop.CLOSE, d.inFlight() + " requests still in flight after close()");
            }
            Outcome[] after = new Outcome[1];
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    d.call(new Dispatcher.Call("operation 'op' after close", "op", true, true, null,
                            id -> new RunOp(id, "op", "late", "ctx", new byte[0], new byte[0], driver)));
                    after[0] = new Outcome("done", null, "a call after close() was sent");
                } catch (InterruptedException e) {
                    after[0] = Outcome.INTERRUPTED;
                } catch (Throwable e) {
                    after[0] = classify(e, "after close");
                }
            });
            try {
                if (!t.join(Duration.ofSeconds(5))) {
                    violation(Prop.CLOSE, "a call after close() still waits after 5 s");
                    t.interrupt();
                } else if (after[0] != Outcome.CLOSED) {
                    violation(Prop.CLOSE, "a call after close() ended " + after[0]);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void drain() {
            for (int round = 0; round < 500; round++) {
                awaitQuiet();
                checkQuiet();
                if (failed() || calls().stream().allMatch(c -> c.actual != null)) {
                    break;
                }
                List<ToDriver> replies = new ArrayList<>();
                boolean hello;
                lock.lock();
                try {
                    hello = registered().stream().noneMatch(f -> !f.retired);
                    for (Fake f : registered()) {
                        for (Sent s : f.holds()) {
                            replies.add(answer(s, false, "reply"));
                        }
                    }
                } finally {
                    lock.unlock();
                }
                if (hello) {
                    addWorker(1);
                }
                if (replies.isEmpty() && !hello) {
                    violation(Prop.OUTCOMES, "calls " + calls().stream().filter(c -> c.actual == null).toList()
                            + " still wait while nothing is in flight and a worker has a free slot");
                    break;
                }
                replies.forEach(d::reply);
            }
            if (failed()) {
                return;
            }
            for (CallState c : calls()) {
                if (c.actual == null) {
                    violation(Prop.OUTCOMES, c + " never ended");
                }
            }
            if (d.inFlight() != 0) {
                violation(Prop.SLOTS, d.inFlight() + " requests in flight after every call ended");
            }
            for (WorkerInfo w : d.workers()) {
                if (w.inFlight() != 0) {
                    violation(Prop.SLOTS, "the driver counts " + w.inFlight() + " in flight at " + w.member()
                            + " after every call ended");
                }
            }
        }
    }
}
