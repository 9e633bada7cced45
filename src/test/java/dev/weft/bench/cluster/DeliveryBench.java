package dev.weft.bench.cluster;

import com.typesafe.config.ConfigFactory;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.delivery.ConsumerController;
import org.apache.pekko.actor.typed.delivery.WorkPullingProducerController;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * Issue 18's "Pekko's reliable delivery or your own acknowledgements, chosen by measurement": two Pekko typed actor
 * systems in this JVM, members of one cluster over Artery TCP on 127.0.0.1 (actors on virtual threads, as Weft's
 * members), a producer in one and a consumer in the other, the same small message bound to Jackson CBOR, and a
 * window of messages outstanding. Three ways to move {@code messages} messages ({@link Variant}); each round is timed
 * from the producer's start to the last message accounted for.
 */
final class DeliveryBench {
    /** Messages on the wire: bound to {@code jackson-cbor}, nothing else may cross (Java serialization off). */
    interface Wire {
    }

    /**
     * A request, shaped like Weft's {@code RunOp}: an id, an operation name, CBOR bytes of its inputs, and where the
     * reply goes ({@code null} where the mechanism itself acknowledges and no result comes back).
     */
    public record Job(long id, String operation, byte[] inputs, ActorRef<Reply> replyTo) implements Wire {
    }

    /** A reply, shaped like Weft's {@code Done}: the id and CBOR bytes of the result. */
    public record Reply(long id, byte[] result) implements Wire {
    }

    /** The mechanisms compared. */
    enum Variant {
        /** What Weft's {@code Dispatcher} does: {@code tell}, the reply is the acknowledgement, a window out. */
        DIRECT("direct", "tell; the reply (with the result) is the acknowledgement; a window of outstanding requests "
                + "(Weft's Dispatcher)"),
        /** Pekko's work pulling, acknowledgements only: its best case, no result coming back. */
        WORK_PULLING("work-pulling", "WorkPullingProducerController + ConsumerController (pekko.actor.typed.delivery), "
                + "the consumer confirms each message; no result comes back"),
        /** Pekko's work pulling plus a reply with the result, as a driver needs it. */
        WORK_PULLING_REPLY("work-pulling+reply", "the same, plus a reply with the result to the producer, as a "
                + "driver needs");

        private final String id;
        private final String description;

        Variant(String id, String description) {
            this.id = id;
            this.description = description;
        }

        /** Short name for tables and options. */
        String id() {
            return id;
        }

        /** What it does. */
        String description() {
            return description;
        }

        static Variant of(String id) {
            for (Variant v : values()) {
                if (v.id.equals(id)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown delivery variant '" + id + "'");
        }
    }

    private static final byte[] INPUTS = {(byte) 0xa1, 0x64, 'i', 't', 'e', 'm', 0x19, 0x03, (byte) 0xe8};
    private static final byte[] RESULT = {(byte) 0xa1, 0x64, 'd', 'o', 'n', 'e', 0x19, 0x03, (byte) 0xe8};
    private static final long ROUND_TIMEOUT_S = 120;

    private DeliveryBench() {
    }

    static String hocon() {
        return """
                pekko {
                  loglevel = WARNING
                  stdout-loglevel = WARNING
                  log-dead-letters = 0
                  actor.provider = cluster
                  actor.default-dispatcher.executor = virtual-thread-executor
                  actor.allow-java-serialization = off
                  actor.serialization-bindings {
                    "dev.weft.bench.cluster.DeliveryBench$Wire" = jackson-cbor
                  }
                  remote.artery {
                    transport = tcp
                    canonical.hostname = 127.0.0.1
                    canonical.port = 0
                  }
                  cluster {
                    seed-nodes = []
                    jmx.enabled = off
                    log-info = off
                  }
                  coordinated-shutdown {
                    exit-jvm = off
                    run-by-jvm-shutdown-hook = off
                  }
                }
                """;
    }

    /** Every variant at every window, in one pair of actor systems started here and stopped at the end. */
    static List<DeliveryRow> run(ClusterReport.Options o, PrintStream out) throws InterruptedException {
        return run(o, out, "");
    }

    /** {@link #run(ClusterReport.Options, PrintStream)} with {@code extraHocon} over the configuration. */
    static List<DeliveryRow> run(ClusterReport.Options o, PrintStream out, String extraHocon)
            throws InterruptedException {
        var config = ConfigFactory.parseString(hocon() + extraHocon).withFallback(ConfigFactory.load());
        ActorSystem<Void> a = ActorSystem.create(Behaviors.empty(), "delivery", config);
        ActorSystem<Void> b = null;
        try {
            b = ActorSystem.create(Behaviors.empty(), "delivery", config);
            Address seed = Cluster.get(a).selfMember().address();
            Cluster.get(a).manager().tell(Join.create(seed));
            Cluster.get(b).manager().tell(Join.create(seed));
            awaitUp(a, b);
            List<DeliveryRow> rows = new ArrayList<>();
            int pair = 0;
            for (int window : o.deliveryWindows()) {
                for (Variant v : o.deliveryVariants()) {
                    DeliveryRow r = measure(a, b, v, window, o.deliveryMessages(), o.warmup(), o.rounds(), pair++);
                    out.printf(Locale.ROOT, "  delivery %-18s window %,5d: %,d messages, median %7.1f ms, min %7.1f "
                                    + "ms, %,9.0f msg/s (best %,9.0f)%n", v.id(), window, r.messages(),
                            r.timings().median() / 1e6, r.timings().min() / 1e6, r.perSecond(), r.bestPerSecond());
                    out.flush();
                    rows.add(r);
                }
            }
            return rows;
        } finally {
            if (b != null) {
                b.terminate();
            }
            a.terminate();
            a.getWhenTerminated().toCompletableFuture().completeOnTimeout(null, 20, TimeUnit.SECONDS).join();
            if (b != null) {
                b.getWhenTerminated().toCompletableFuture().completeOnTimeout(null, 20, TimeUnit.SECONDS).join();
            }
        }
    }

    private static void awaitUp(ActorSystem<?> a, ActorSystem<?> b) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Cluster.get(a).selfMember().status() != MemberStatus.up()
                || Cluster.get(b).selfMember().status() != MemberStatus.up()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("delivery: the two actor systems did not form a cluster in 30 s");
            }
            LockSupport.parkNanos(10_000_000);
        }
    }

    /** The round in progress, seen by the actors (all in this JVM): how many, and what to complete at the end. */
    static final class Round {
        final int messages;
        final int window;
        final CompletableFuture<Long> end = new CompletableFuture<>();
        final AtomicLong counted = new AtomicLong();

        Round(int messages, int window) {
            this.messages = messages;
            this.window = window;
        }

        void count() {
            if (counted.incrementAndGet() == messages) {
                end.complete(System.nanoTime());
            }
        }
    }

    /** Where the consumer counts, for the variant without replies: set before each round. */
    static final class Sink {
        volatile Round round;
    }

    private static DeliveryRow measure(ActorSystem<Void> a, ActorSystem<Void> b, Variant v, int window, int messages,
                                       int warmup, int rounds, int pair) throws InterruptedException {
        Sink sink = new Sink();
        ActorRef<Object> producer;
        String name = v.id().replace('+', '-') + "-" + window + "-" + pair;
        if (v == Variant.DIRECT) {
            ActorRef<Job> consumer = b.systemActorOf(directConsumer(), "consumer-" + name, Props.empty());
            // resolved through the producer's system: a remote reference, so every message crosses Artery
            ActorRef<Job> remote = ActorRefResolver.get(a).resolveActorRef(
                    ActorRefResolver.get(b).toSerializationFormat(consumer));
            producer = a.systemActorOf(directProducer(remote), "producer-" + name, Props.empty());
        } else {
            ServiceKey<ConsumerController.Command<Job>> key = ServiceKey.create(
                    ConsumerController.<Job>serviceKeyClass(), "bench-" + name);
            ConsumerController.Settings settings = ConsumerController.Settings$.MODULE$.create(b)
                    .withFlowControlWindow(window);
            b.systemActorOf(pullingConsumer(key, settings, sink, v == Variant.WORK_PULLING_REPLY),
                    "consumer-" + name, Props.empty());
            producer = a.systemActorOf(pullingProducer(key, name, v == Variant.WORK_PULLING_REPLY), "producer-" + name,
                    Props.empty());
        }
        // one message first: the producer controller finds the consumer through the cluster receptionist (gossip)
        round(producer, sink, 1, window, v);
        for (int i = 0; i < warmup; i++) {
            round(producer, sink, messages, window, v);
        }
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            nanos.add(round(producer, sink, messages, window, v));
        }
        return new DeliveryRow(v, window, messages, warmup, new Timings(nanos));
    }

    private static long round(ActorRef<Object> producer, Sink sink, int messages, int window, Variant v)
            throws InterruptedException {
        Round r = new Round(messages, window);
        sink.round = r;
        long t0 = System.nanoTime();
        producer.tell(r);
        try {
            return r.end.get(ROUND_TIMEOUT_S, TimeUnit.SECONDS) - t0;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("delivery " + v.id() + ", window " + window + ": " + r.counted.get()
                    + " of " + messages + " messages accounted for after " + ROUND_TIMEOUT_S + " s", e);
        }
    }

    private static Behavior<Job> directConsumer() {
        return Behaviors.receive(Job.class).onMessage(Job.class, j -> {
            j.replyTo().tell(new Reply(j.id(), RESULT));
            return Behaviors.same();
        }).build();
    }

    /** Sends a window of jobs, then one more per reply, until the round's messages are all answered. */
    private static Behavior<Object> directProducer(ActorRef<Job> consumer) {
        return Behaviors.setup(ctx -> {
            ActorRef<Reply> self = ctx.getSelf().narrow();
            long[] sent = {0};
            Round[] current = {null};
            return Behaviors.receive(Object.class)
                    .onMessage(Round.class, r -> {
                        current[0] = r;
                        sent[0] = 0;
                        while (sent[0] < Math.min(r.window, r.messages)) {
                            consumer.tell(new Job(sent[0]++, "fanout.io", INPUTS, self));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Reply.class, rep -> {
                        Round r = current[0];
                        if (sent[0] < r.messages) {
                            consumer.tell(new Job(sent[0]++, "fanout.io", INPUTS, self));
                        }
                        r.count();
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /** A consumer controller registered under {@code key}; each delivery confirmed at once (and answered). */
    private static Behavior<Object> pullingConsumer(ServiceKey<ConsumerController.Command<Job>> key,
                                                    ConsumerController.Settings settings, Sink sink, boolean reply) {
        return Behaviors.setup(ctx -> {
            ActorRef<ConsumerController.Command<Job>> controller = ctx.spawn(ConsumerController.create(key, settings),
                    "controller");
            ActorRef<ConsumerController.Delivery<Job>> deliveries = ctx.messageAdapter(
                    ConsumerController.<Job>deliveryClass(), d -> d);
            controller.tell(new ConsumerController.Start<>(deliveries));
            return Behaviors.receive(Object.class)
                    .onMessage(ConsumerController.Delivery.class, d -> {
                        delivered(d, sink, reply);
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private static void delivered(ConsumerController.Delivery<?> d, Sink sink, boolean reply) {
        Job j = (Job) d.message();
        d.confirmTo().tell(ConsumerController.confirmed());
        if (reply) {
            j.replyTo().tell(new Reply(j.id(), RESULT));
        } else {
            sink.round.count();
        }
    }

    /**
     * A producer behind a {@link WorkPullingProducerController}: sends a job for each demand while the round has
     * jobs left, and keeps the last demand for the next round.
     */
    private static Behavior<Object> pullingProducer(ServiceKey<ConsumerController.Command<Job>> key, String id,
                                                    boolean reply) {
        return Behaviors.setup(ctx -> {
            ActorRef<WorkPullingProducerController.Command<Job>> controller = ctx.spawn(
                    WorkPullingProducerController.create(Job.class, id, key, Optional.empty()), "controller");
            ActorRef<WorkPullingProducerController.RequestNext<Job>> demands = ctx.messageAdapter(
                    WorkPullingProducerController.<Job>requestNextClass(), rn -> rn);
            controller.tell(new WorkPullingProducerController.Start<>(demands));
            ActorRef<Reply> self = reply ? ctx.getSelf().narrow() : null;
            long[] sent = {0};
            Round[] current = {null};
            ArrayDeque<WorkPullingProducerController.RequestNext<Job>> waiting = new ArrayDeque<>(1);
            return Behaviors.receive(Object.class)
                    .onMessage(Round.class, r -> {
                        current[0] = r;
                        sent[0] = 0;
                        var rn = waiting.poll();
                        if (rn != null) {
                            rn.sendNextTo().tell(new Job(sent[0]++, "fanout.io", INPUTS, self));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(WorkPullingProducerController.RequestNext.class, rn -> {
                        @SuppressWarnings("unchecked") // made only by the adapter above, for Job
                        WorkPullingProducerController.RequestNext<Job> next = rn;
                        Round r = current[0];
                        if (r != null && sent[0] < r.messages) {
                            next.sendNextTo().tell(new Job(sent[0]++, "fanout.io", INPUTS, self));
                        } else {
                            waiting.add(next);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Reply.class, rep -> {
                        current[0].count();
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
