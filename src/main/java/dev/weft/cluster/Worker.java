package dev.weft.cluster;

import dev.weft.cluster.Protocol.CancelOp;
import dev.weft.cluster.Protocol.CloseNode;
import dev.weft.cluster.Protocol.Describe;
import dev.weft.cluster.Protocol.Done;
import dev.weft.cluster.Protocol.Failed;
import dev.weft.cluster.Protocol.Hello;
import dev.weft.cluster.Protocol.OpenNode;
import dev.weft.cluster.Protocol.ProcessNode;
import dev.weft.cluster.Protocol.RunOp;
import dev.weft.cluster.Protocol.ToDriver;
import dev.weft.cluster.Protocol.ToWorker;
import dev.weft.flow.OperationRegistry;
import dev.weft.tube.NodeRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A worker member: hosts Weft's registries (operations and tube node types, by name: code is never sent, only
 * names and values) and runs what drivers send on virtual threads, at most {@link ClusterOptions#concurrency()} at
 * once (more wait on the worker). Start one with {@link #start} or {@code ./weft cluster worker --seed host:port}.
 *
 * {@snippet :
 * try (Worker w = Worker.start(ClusterOptions.defaults().withSeeds("127.0.0.1:25520"),
 *         OperationRegistry.defaultRegistry(), NodeRegistry.builder().build())) {
 *     w.awaitTermination();   // until closed, or the process is stopped
 * }
 * }
 *
 * <p>Thread safe. Closing leaves the cluster gracefully: drivers stop sending to it first, and runs already started
 * may finish within the close's drain time.
 */
public final class Worker implements AutoCloseable {
    /** The actor's name under the guardian: drivers find workers at {@code <member>/user/weft-worker}. */
    static final String ACTOR = "weft-worker";

    private final Member member;
    private final Runs runs;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private Worker(Member member, Runs runs) {
        this.member = member;
        this.runs = runs;
    }

    /**
     * Starts a worker and joins the cluster.
     *
     * @param options    address, seeds, TLS, what it advertises ({@link ClusterOptions#concurrency()},
     *                   {@link ClusterOptions#memory()}) and what may cross the wire
     * @param operations the operations it offers, by name
     * @param nodes      the tube node types it offers, by name
     * @throws ClusterException if it cannot start or join, naming the address and seeds
     */
    public static Worker start(ClusterOptions options, OperationRegistry operations, NodeRegistry nodes) {
        Objects.requireNonNull(options, "options");
        Runs runs = new Runs(options, Objects.requireNonNull(operations, "operations"),
                Objects.requireNonNull(nodes, "nodes"));
        Member m = Member.start(options, ClusterConfig.WORKER, ctx -> ctx.spawn(runs.behavior(), ACTOR));
        return new Worker(m, runs);
    }

    /** This member's address, such as {@code pekko://weft@127.0.0.1:25521}. */
    public String address() {
        return member.address;
    }

    /** Runs going on now. */
    public int running() {
        return runs.running.size();
    }

    /** Blocks until this worker has stopped (closed, or its actor system terminated). */
    public void awaitTermination() throws InterruptedException {
        try {
            member.system.getWhenTerminated().toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            // terminated abnormally: still terminated
        }
    }

    /** Leaves the cluster and stops, letting runs in progress finish for at most 10 seconds. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            runs.drain(Duration.ofSeconds(10));
            member.close();
        }
    }

    @Override
    public String toString() {
        return "Worker[" + member.address + ", running " + running() + "]";
    }

    /** The worker's actor and the runs it started. */
    static final class Runs {
        private final ClusterOptions options;
        private final OperationRegistry operations;
        private final NodeRegistry nodeTypes;
        private final Wire wire;
        private final Semaphore slots;
        /** Runs in progress, by driver and request, so a driver can cancel one. */
        final Map<RunKey, Thread> running = new ConcurrentHashMap<>();
        final HostedNodes nodes;

        record RunKey(ActorRef<ToDriver> driver, long id) {
        }

        Runs(ClusterOptions options, OperationRegistry operations, NodeRegistry nodeTypes) {
            this.options = options;
            this.operations = operations;
            this.nodeTypes = nodeTypes;
            this.wire = new Wire(options.wireTypes());
            this.slots = new Semaphore(options.concurrency());
            this.nodes = new HostedNodes(nodeTypes, wire);
        }

        Behavior<ToWorker> behavior() {
            return Behaviors.setup(ctx -> {
                // read when asked, not set after start returns: a driver may ask before that
                var cluster = org.apache.pekko.cluster.typed.Cluster.get(ctx.getSystem());
                return Behaviors.receive(ToWorker.class).onAnyMessage(m -> {
                    handle(m, ctx.getSelf(), cluster);
                    return Behaviors.same();
                }).build();
            });
        }

        private void handle(ToWorker message, ActorRef<ToWorker> self, org.apache.pekko.cluster.typed.Cluster cluster) {
            switch (message) {
                case Protocol.WorkerBatch b -> b.messages().forEach(m -> handle(m, self, cluster));
                case Describe d -> d.replyTo().tell(new Hello(self, cluster.selfMember().address().toString(),
                        options.concurrency(), options.memory(), List.copyOf(operations.names()),
                        List.copyOf(nodeTypes.typeNames())));
                case RunOp r -> start(r.replyTo(), r.id(), () -> runOperation(r,
                        cluster.selfMember().address().toString()));
                case CancelOp c -> {
                    Thread t = running.get(new RunKey(c.replyTo(), c.id()));
                    if (t != null) {
                        t.interrupt();
                    }
                }
                case OpenNode o -> start(o.replyTo(), o.id(), () -> nodes.open(o,
                        cluster.selfMember().address().toString()));
                case ProcessNode p -> start(p.replyTo(), p.id(), () -> nodes.process(p));
                case CloseNode c -> start(c.replyTo(), c.id(), () -> nodes.close(c));
            }
        }

        /** Work that makes the reply's bytes. */
        @FunctionalInterface
        interface Job {
            byte[] run() throws Exception;
        }

        /** Replies to each driver, batched. */
        private final Map<ActorRef<ToDriver>, Outbox<ToDriver>> outboxes = new ConcurrentHashMap<>();

        private Outbox<ToDriver> outbox(ActorRef<ToDriver> driver) {
            return outboxes.computeIfAbsent(driver, d -> new Outbox<>(batch -> d.tell(batch.size() == 1
                    ? batch.getFirst() : new Protocol.DriverBatch(batch))));
        }

        /** Runs {@code job} on a virtual thread of its own, within the advertised concurrency, and replies. */
        private void start(ActorRef<ToDriver> replyTo, long id, Job job) {
            RunKey key = new RunKey(replyTo, id);
            Thread.ofVirtual().name("weft-worker-run-" + id).start(() -> {
                running.put(key, Thread.currentThread());
                ToDriver reply;
                try {
                    slots.acquire();
                    try {
                        reply = new Done(id, job.run());
                    } finally {
                        slots.release();
                    }
                } catch (Throwable t) {
                    reply = failed(id, t);
                } finally {
                    running.remove(key);
                }
                outbox(replyTo).add(reply);
            });
        }

        private byte[] runOperation(RunOp r, String member) throws Exception {
            String where = "operation '" + r.operation() + "' (instance '" + r.instance() + "') in context '"
                    + r.context() + "' on worker " + member;
            OperationRegistry.Entry e = operations.find(r.operation()).orElseThrow(() -> new ClusterException(
                    where + ": not registered here; this worker offers " + operations.names()));
            @SuppressWarnings("unchecked") // the driver encodes the parameter set as a map by input name
            Map<String, Object> inputs = (Map<String, Object>) wire.decode(r.inputs(), "inputs of " + where);
            Object config = wire.decode(r.config(), "configuration of " + where);
            Object out = e.implementation().run(new RemoteOperationContext(e, r.instance(), r.context(), config),
                    inputs);
            return wire.encode(RemoteOperationContext.materialise(out), "outputs of " + where);
        }

        private static Failed failed(long id, Throwable t) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            return new Failed(id, t.getClass().getName(), t.getMessage(), trace.toString());
        }

        void drain(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!running.isEmpty() && System.nanoTime() < deadline) {
                Thread t = running.values().stream().findFirst().orElse(null);
                if (t != null) {
                    try {
                        t.join(Duration.ofMillis(100));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }
}
