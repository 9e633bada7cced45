package dev.weft.cluster;

import dev.weft.cluster.Protocol.Describe;
import dev.weft.cluster.Protocol.ToDriver;
import dev.weft.flow.DataFlow;
import dev.weft.flow.Operation;
import dev.weft.flow.OperationImplementation;
import dev.weft.flow.Stage;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * A driver's membership of a Weft cluster on Apache Pekko: any Weft program joins with role {@code driver}, finds the
 * workers ({@link Worker}, {@code ./weft cluster worker}) as they come up, and runs data flow operations on them.
 *
 * {@snippet :
 * try (Cluster cluster = Cluster.join(ClusterOptions.defaults().withSeeds("127.0.0.1:25520"))) {
 *     cluster.awaitWorkers(2, Duration.ofSeconds(30));
 *     DataFlow placed = cluster.place(flow, Placement.all());
 *     var results = Orchestrator.withDefaults().run(placed, inputs);   // same results, run on the workers
 * }
 * }
 *
 * <h2>What crosses, and what happens when a worker dies</h2>
 * Only names and values cross: an operation is looked up by name in the worker's registry, and inputs, outputs and
 * configurations cross as Jackson CBOR of the types {@link ClusterOptions#wireTypes()} allows, checked before
 * sending ({@link WireException}). A worker that becomes unreachable (its process killed, say) is noticed in about
 * a second; its runs in flight are sent again to another worker if the operation is
 * {@linkplain Operation.Builder#idempotent() idempotent}, and otherwise fail with {@link MemberLostException} naming
 * the operation, context and member, so nothing runs twice unless that is harmless. A failure on the worker comes
 * back as {@link RemoteFailureException}. A driver never sends a worker more runs at once than it advertises.
 *
 * <p>Thread safe: placed flows may run from any number of threads at once.
 */
public final class Cluster implements AutoCloseable {
    private final Member member;
    private final Dispatcher dispatcher;
    private final Wire wire;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ClusterNodes nodes;

    private Cluster(Member member, Dispatcher dispatcher, Wire wire) {
        this.member = member;
        this.dispatcher = dispatcher;
        this.wire = wire;
        this.nodes = new ClusterNodes(dispatcher, wire);
    }

    /**
     * Joins the cluster as a driver.
     *
     * @throws ClusterException if it cannot start or join, naming the address and seeds
     */
    public static Cluster join(ClusterOptions options) {
        Objects.requireNonNull(options, "options");
        Dispatcher dispatcher = new Dispatcher(options, "driver");
        Member m = Member.start(options, ClusterConfig.DRIVER, ctx -> ctx.spawn(driver(dispatcher), "weft-driver"));
        // downed, or stopped otherwise: nothing in flight may wait for replies that can no longer come
        m.system.getWhenTerminated().thenRun(dispatcher::close);
        return new Cluster(m, dispatcher, new Wire(options.wireTypes()));
    }

    private static Behavior<Object> driver(Dispatcher dispatcher) {
        return Behaviors.setup(ctx -> {
            dispatcher.self(ctx.getSelf().narrow());
            var cluster = org.apache.pekko.cluster.typed.Cluster.get(ctx.getSystem());
            cluster.subscriptions().tell(Subscribe.create(
                    ctx.messageAdapter(ClusterEvent.MemberEvent.class, e -> e), ClusterEvent.MemberEvent.class));
            cluster.subscriptions().tell(Subscribe.create(
                    ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, e -> e),
                    ClusterEvent.ReachabilityEvent.class));
            return Behaviors.receive(Object.class)
                    .onMessage(ToDriver.class, m -> {
                        dispatcher.deliver(m);
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.MemberUp.class, e -> {
                        if (e.member().hasRole(ClusterConfig.WORKER)) {
                            describe(ctx, e.member().address());
                        }
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.ReachableMember.class, e -> {
                        if (e.member().hasRole(ClusterConfig.WORKER)) {
                            describe(ctx, e.member().address()); // back: a fresh slot, nothing of the old kept
                        }
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.UnreachableMember.class, e -> {
                        dispatcher.lost(e.member().address().toString(), "unreachable: no heartbeat within the "
                                + "failure detector's pause");
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.MemberLeft.class, e -> {
                        dispatcher.retire(e.member().address().toString());
                        return Behaviors.same();
                    })
                    .onMessage(ClusterEvent.MemberRemoved.class, e -> {
                        dispatcher.lost(e.member().address().toString(), "removed from the cluster");
                        return Behaviors.same();
                    })
                    .onAnyMessage(m -> Behaviors.same())
                    .build();
        });
    }

    private static void describe(ActorContext<Object> ctx, Address address) {
        Adapter.toClassic(ctx.getSystem()).actorSelection(address + "/user/" + Worker.ACTOR)
                .tell(new Describe(ctx.getSelf().narrow()), ActorRef.noSender());
    }

    /** This member's address. */
    public String address() {
        return member.address;
    }

    /** The workers known now, with this driver's counts of their work. */
    public List<WorkerInfo> workers() {
        return dispatcher.workers();
    }

    /**
     * Waits until at least {@code n} workers are known.
     *
     * @return the workers
     * @throws ClusterException if fewer are known at the deadline, naming those that are
     * @throws InterruptedException if interrupted while waiting
     */
    public List<WorkerInfo> awaitWorkers(int n, Duration timeout) throws InterruptedException {
        if (!dispatcher.awaitWorkers(n, timeout)) {
            throw new ClusterException("cluster driver " + member.address + ": " + dispatcher.workers().size()
                    + " of " + n + " workers after " + timeout + " (" + dispatcher.workers().stream()
                    .map(WorkerInfo::member).toList() + "); are they started with --seed naming a member of this "
                    + "cluster?");
        }
        return dispatcher.workers();
    }

    /**
     * {@code flow} with the operations {@code placement} selects running on the workers: a copy whose
     * implementations of those operations send each run to a worker (the flow's shape, and the results of a run,
     * are unchanged).
     *
     * @throws IllegalArgumentException if {@link Placement#only} names an operation the flow does not have, or one
     *                                  that is not a processing operation
     */
    public DataFlow place(DataFlow flow, Placement placement) {
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(placement, "placement");
        Set<String> processing = new LinkedHashSet<>();
        Set<String> all = new LinkedHashSet<>();
        for (Operation op : flow.operations().values()) {
            all.add(op.name());
            if (op.stage() == Stage.PROCESSING) {
                processing.add(op.name());
            }
        }
        Set<String> chosen = switch (placement.mode()) {
            case ALL, GOAL -> processing;
            case ONLY -> {
                for (String n : placement.names()) {
                    if (!all.contains(n)) {
                        throw new IllegalArgumentException(placement + " names operation '" + n + "', which the "
                                + "data flow does not have; it has " + all);
                    }
                    if (!processing.contains(n)) {
                        throw new IllegalArgumentException(placement + " names operation '" + n + "', an output or "
                                + "cleanup operation: those read the whole context and run on the driver");
                    }
                }
                yield placement.names();
            }
        };
        RemoteOperation.Local whenLocal = switch (placement.mode()) {
            case ALL, ONLY -> RemoteOperation.Local.NEVER;
            case GOAL -> switch (placement.goal()) {
                case MEMORY -> RemoteOperation.Local.WHEN_ABSENT;
                case SPEED, BALANCED -> RemoteOperation.Local.WHEN_FULL;
            };
        };
        DataFlow placed = flow;
        for (String name : chosen) {
            OperationImplementation local = flow.implementations().get(name);
            placed = placed.withImplementation(name, new RemoteOperation(dispatcher, wire, name, local, whenLocal));
        }
        return placed;
    }

    /**
     * Where a tube's nodes run on this cluster's workers: {@code Runners.cluster(tube, cluster.nodes())} gives a
     * runner with the usual {@code process}/{@code run}/{@code iter} and the sync runner's results. A stateful node
     * (and every source) lives on one worker, chosen when the runner opens; a stateless node's runs go to whichever
     * worker is least loaded. A node's worker lost mid-run fails that epoch with {@link MemberLostException} naming
     * the node, epoch and member (a node's state is lost with it, so nothing is sent again).
     */
    public dev.weft.tube.NodeHost nodes() {
        return nodes;
    }

    /** Runs sent and not yet answered. */
    public int inFlight() {
        return dispatcher.inFlight();
    }

    /**
     * Leaves the cluster and stops. Runs still in flight fail with a {@link ClusterException} naming this driver.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            dispatcher.close();
            member.close();
        }
    }

    @Override
    public String toString() {
        return "Cluster[driver " + member.address + ", workers " + dispatcher.workers().size() + "]";
    }
}
