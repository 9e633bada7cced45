package dev.weft.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.cluster.Protocol.CancelOp;
import dev.weft.cluster.Protocol.Done;
import dev.weft.cluster.Protocol.Hello;
import dev.weft.cluster.Protocol.RunOp;
import dev.weft.cluster.Protocol.ToDriver;
import dev.weft.cluster.Protocol.ToWorker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The driver's {@link Dispatcher} case by case, against fake workers that record what they are sent. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DispatcherTest {
    static final FakeRef<ToDriver> DRIVER = new FakeRef<>("driver", m -> {
    });

    /** A fake worker: what it is sent waits in a queue. */
    record W(String member, FakeRef<ToWorker> ref, LinkedBlockingQueue<ToWorker> got) {
        static W of(String member) {
            LinkedBlockingQueue<ToWorker> q = new LinkedBlockingQueue<>();
            return new W(member, new FakeRef<>(member, q::add), q);
        }

        Hello hello(int concurrency, String... operations) {
            return new Hello(ref, member, concurrency, 1 << 20, List.of(operations), List.of("node"));
        }

        ToWorker next() throws InterruptedException {
            ToWorker m = got.poll(5, TimeUnit.SECONDS);
            assertThat(m).as(member + " was sent nothing").isNotNull();
            return m;
        }

        RunOp nextRun() throws InterruptedException {
            return (RunOp) next();
        }
    }

    /** A caller on a virtual thread of its own. */
    static final class Caller {
        final CompletableFuture<Dispatcher.Reply> outcome = new CompletableFuture<>();
        final Thread thread;

        Caller(Dispatcher d, Dispatcher.Call call) {
            thread = Thread.ofVirtual().name("caller").start(() -> {
                try {
                    outcome.complete(d.call(call));
                } catch (Throwable t) {
                    outcome.completeExceptionally(t);
                }
            });
        }

        Dispatcher.Reply reply() throws Exception {
            return outcome.get(5, TimeUnit.SECONDS);
        }

        Throwable failure() throws Exception {
            try {
                Dispatcher.Reply r = outcome.get(5, TimeUnit.SECONDS);
                throw new AssertionError("expected a failure, got a reply from " + r.member());
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }

        /** Waits until the caller is parked: blocked for a slot, or waiting for its reply. */
        void awaitParked() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
                assertThat(System.nanoTime()).as("caller never parked: " + thread.getState()).isLessThan(deadline);
                LockSupport.parkNanos(100_000);
            }
        }
    }

    static Dispatcher dispatcher(ClusterOptions options) {
        Dispatcher d = new Dispatcher(options, "test-driver");
        d.self(DRIVER);
        return d;
    }

    static Dispatcher.Call op(String name, boolean idempotent) {
        return new Dispatcher.Call("operation '" + name + "' instance 'i' in context 'ctx'", name, true, idempotent,
                null, id -> new RunOp(id, name, "i", "ctx", new byte[0], new byte[0], DRIVER));
    }

    static Done done(RunOp r, String text) {
        return new Done(r.id(), text.getBytes(UTF_8));
    }

    static WorkerInfo info(Dispatcher d, String member) {
        return d.workers().stream().filter(w -> w.member().equals(member)).findFirst().orElseThrow();
    }

    @Test
    void aFullWorkerMakesTheNextCallerWaitUntilAReplyFreesASlot() throws Exception {
        Dispatcher d = dispatcher(ClusterOptions.defaults());
        W w1 = W.of("w1");
        d.hello(w1.hello(1, "op"));

        Caller a = new Caller(d, op("op", false));
        RunOp ra = w1.nextRun();
        Caller b = new Caller(d, op("op", false));
        b.awaitParked();
        assertThat(w1.got()).as("a second request to a worker of concurrency 1").isEmpty();
        assertThat(b.outcome).isNotDone();
        assertThat(info(d, "w1").inFlight()).isEqualTo(1);

        d.reply(done(ra, "a"));
        assertThat(a.reply().member()).isEqualTo("w1");
        assertThat(new String(a.reply().bytes(), UTF_8)).isEqualTo("a");
        RunOp rb = w1.nextRun();
        assertThat(rb.id()).isNotEqualTo(ra.id());
        d.reply(done(rb, "b"));
        assertThat(new String(b.reply().bytes(), UTF_8)).isEqualTo("b");
        assertThat(info(d, "w1").inFlight()).isZero();
        assertThat(info(d, "w1").completed()).isEqualTo(2);
        assertThat(d.inFlight()).isZero();
    }

    @Test
    void noWorkerOfferingTheOperationFailsAfterTheWorkerTimeoutNamingItAndListingTheWorkers() throws Exception {
        Dispatcher d = dispatcher(ClusterOptions.defaults().withWorkerTimeout(Duration.ofMillis(200)));
        assertThatThrownBy(() -> d.call(op("fetch", true)))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("operation 'fetch' instance 'i' in context 'ctx'")
                .hasMessageContaining("no worker offers operation 'fetch'")
                .hasMessageEndingWith("workers: none");

        W w1 = W.of("w1");
        W w2 = W.of("w2");
        d.hello(w1.hello(2, "other"));
        d.hello(w2.hello(2, "parse", "other"));
        long start = System.nanoTime();
        assertThatThrownBy(() -> d.call(op("fetch", true)))
                .isInstanceOf(ClusterException.class)
                .hasMessageContaining("no worker offers operation 'fetch' after waiting PT0.2S")
                .hasMessageContaining("w1 (operations [other], node types [node])")
                .hasMessageContaining("w2 (operations [");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(w1.got()).isEmpty();
        assertThat(w2.got()).isEmpty();
    }

    @Test
    void aWorkerThatSaysHelloWhileACallWaitsForOneTakesIt() throws Exception {
        Dispatcher d = dispatcher(ClusterOptions.defaults().withWorkerTimeout(Duration.ofSeconds(20)));
        Caller a = new Caller(d, op("op", false));
        a.awaitParked();
        W w1 = W.of("w1");
        d.hello(w1.hello(1, "op"));
        d.reply(done(w1.nextRun(), "a"));
        assertThat(a.reply().member()).isEqualTo("w1");
    }

    @Test
    void anInterruptedCallerSendsCancelOpAndFreesItsSlot() throws Exception {
        Dispatcher d = dispatcher(ClusterOptions.defaults());
        W w1 = W.of("w1");
        d.hello(w1.hello(1, "op"));
        Caller a = new Caller(d, op("op", false));
        RunOp ra = w1.nextRun();
        a.awaitParked();

        a.thread.interrupt();
        assertThat(a.failure()).isInstanceOf(InterruptedException.class);
        CancelOp c = (CancelOp) w1.next();
        assertThat(c.id()).isEqualTo(ra.id());
        assertThat(c.replyTo()).isSameAs(DRIVER);
        assertThat(info(d, "w1").inFlight()).isZero();
        assertThat(info(d, "w1").completed()).isZero();
        assertThat(d.inFlight()).isZero();

        Caller b = new Caller(d, op("op", false));
        RunOp rb = w1.nextRun(); // the slot was free at once
        d.reply(done(ra, "the cancelled run's late answer"));
        assertThat(d.inFlight()).as("a reply to the cancelled request settles nothing").isEqualTo(1);
        assertThat(info(d, "w1").inFlight()).isEqualTo(1);
        d.reply(done(rb, "b"));
        assertThat(new String(b.reply().bytes(), UTF_8)).isEqualTo("b");
        assertThat(info(d, "w1").inFlight()).isZero();
    }

    @Test
    void aRetiredMemberGetsNoNewWorkButItsRepliesStillSettle() throws Exception {
        Dispatcher d = dispatcher(ClusterOptions.defaults());
        W w1 = W.of("w1");
        W w2 = W.of("w2");
        d.hello(w1.hello(2, "op"));
        d.hello(w2.hello(2, "op"));
        Caller a = new Caller(d, op("op", false));
        RunOp ra = w1.nextRun(); // both idle: the first to say hello

        d.retire("w1");
        Caller b = new Caller(d, op("op", false));
        RunOp rb = w2.nextRun();
        Caller c = new Caller(d, op("op", false));
        RunOp rc = w2.nextRun(); // w1 holds fewer, but is retired
        Caller e = new Caller(d, op("op", false));
        e.awaitParked();
        assertThat(w1.got()).isEmpty();
        assertThat(w2.got()).isEmpty();

        d.reply(done(ra, "a"));
        assertThat(a.reply().member()).isEqualTo("w1");
        assertThat(info(d, "w1").inFlight()).isZero();
        assertThat(info(d, "w1").completed()).isEqualTo(1);
        e.awaitParked();
        assertThat(w1.got()).as("a free slot of a retired member").isEmpty();

        d.reply(done(rb, "b"));
        assertThat(b.reply().member()).isEqualTo("w2");
        RunOp re = w2.nextRun();
        d.reply(done(rc, "c"));
        d.reply(done(re, "e"));
        assertThat(c.reply().member()).isEqualTo("w2");
        assertThat(e.reply().member()).isEqualTo("w2");
        assertThat(w1.got()).isEmpty();
    }

    @Test
    void aLostMembersCallsFailNamingItUnlessTheyMayRunAgain() throws Exception {
        Dispatcher d = dispatcher(ClusterOptions.defaults().withMaxAttempts(2));
        W w1 = W.of("w1");
        W w2 = W.of("w2");
        d.hello(w1.hello(2, "once", "again"));
        Caller once = new Caller(d, op("once", false));
        RunOp r1 = w1.nextRun();
        Caller again = new Caller(d, op("again", true));
        RunOp r2 = w1.nextRun();
        d.hello(w2.hello(1, "once", "again"));

        d.lost("w1", "unreachable");
        Throwable t = once.failure();
        assertThat(t).isInstanceOf(MemberLostException.class)
                .hasMessageContaining("operation 'once' instance 'i' in context 'ctx': lost with cluster member w1")
                .hasMessageContaining("not declared idempotent, so it is not run again");
        assertThat(((MemberLostException) t).member()).isEqualTo("w1");
        assertThat(((MemberLostException) t).attempts()).isEqualTo(1);
        assertThat(w2.nextRun().operation()).as("only the idempotent one is sent again").isEqualTo("again");
        assertThat(w2.got()).isEmpty();
        d.reply(done(r1, "late"));
        d.reply(done(r2, "late"));
        assertThat(d.inFlight()).as("late replies to the lost member's requests settle nothing").isEqualTo(1);
        assertThat(again.outcome).isNotDone();

        d.lost("w2", "removed from the cluster");
        Throwable t2 = again.failure();
        assertThat(t2).isInstanceOf(MemberLostException.class)
                .hasMessageContaining("lost with cluster member w2 (removed from the cluster; attempts used: 2 of 2)");
        assertThat(((MemberLostException) t2).attempts()).isEqualTo(2);
        assertThat(d.inFlight()).isZero();
    }

    /**
     * A member taken as lost comes back and answers a request that was meanwhile sent again to another worker: the
     * answer is to an earlier attempt, so it settles nothing and frees no slot of the worker running it now.
     */
    @Test
    void aLateReplyToAnAttemptSentAgainElsewhereSettlesNothingAndFreesNoSlot() throws Exception {
        Dispatcher d = dispatcher(ClusterOptions.defaults().withMaxAttempts(2));
        W w1 = W.of("w1");
        W w2 = W.of("w2");
        d.hello(w1.hello(1, "op"));
        d.hello(w2.hello(1, "op"));
        Caller a = new Caller(d, op("op", true));
        RunOp first = w1.nextRun();

        d.lost("w1", "unreachable");
        RunOp second = w2.nextRun();
        d.hello(w1.hello(1, "op")); // reachable again: a fresh slot

        d.reply(done(first, "late answer from w1"));
        assertThat(d.inFlight()).isEqualTo(1);
        assertThat(info(d, "w2").inFlight()).as("w2 still runs it").isEqualTo(1);
        assertThat(info(d, "w1").inFlight()).isZero();
        Caller b = new Caller(d, op("op", false));
        RunOp rb = w1.nextRun();
        assertThat(w2.got()).as("w2 is full").isEmpty();
        assertThat(a.outcome).isNotDone();

        d.reply(done(second, "from w2"));
        assertThat(a.reply().member()).isEqualTo("w2");
        assertThat(new String(a.reply().bytes(), UTF_8)).isEqualTo("from w2");
        d.reply(done(rb, "b"));
        assertThat(b.reply().member()).isEqualTo("w1");
        assertThat(d.workers()).allSatisfy(w -> assertThat(w.inFlight()).isZero());
        assertThat(second.id()).as("each attempt has a number of its own").isNotEqualTo(first.id());
    }

    @Test
    void closeFailsWhatRunsAndWhatWaitsAndRefusesNewCalls() throws Exception {
        Dispatcher d = dispatcher(ClusterOptions.defaults());
        W w1 = W.of("w1");
        d.hello(w1.hello(1, "op"));
        Caller a = new Caller(d, op("op", true));
        w1.nextRun();
        Caller b = new Caller(d, op("op", true));
        b.awaitParked();

        d.close();
        assertThat(a.failure()).isInstanceOf(ClusterException.class)
                .hasMessageContaining("operation 'op' instance 'i' in context 'ctx': the cluster driver test-driver "
                        + "closed (or was removed from the cluster) while it ran on w1");
        assertThat(b.failure()).isInstanceOf(ClusterException.class)
                .hasMessageContaining("the cluster driver test-driver is closed");
        assertThatThrownBy(() -> d.call(op("op", true))).isInstanceOf(ClusterException.class)
                .hasMessageContaining("is closed");
        assertThat(d.inFlight()).isZero();
        assertThat(w1.got()).isEmpty();
    }

    /**
     * A member's new incarnation says hello before the old one was reported lost: what ran on the old one is lost
     * all the same (it no longer waits for a lost() that would match nothing), and the new one takes new work.
     */
    @Test
    void aNewIncarnationsHelloSettlesWhatRanOnTheOldOne() throws Exception {
        Dispatcher d = dispatcher(ClusterOptions.defaults());
        W old = W.of("w1");
        d.hello(old.hello(1, "op"));
        Caller a = new Caller(d, op("op", false));
        old.nextRun();
        W reborn = W.of("w1");
        d.hello(reborn.hello(1, "op"));
        assertThat(a.failure()).isInstanceOf(MemberLostException.class)
                .hasMessageContaining("came back as a new incarnation")
                .hasMessageContaining("not declared idempotent");
        Caller b = new Caller(d, op("op", false));
        RunOp rb = reborn.nextRun();
        d.reply(done(rb, "b"));
        assertThat(b.reply().member()).isEqualTo("w1");
        assertThat(d.inFlight()).isZero();
    }
}
