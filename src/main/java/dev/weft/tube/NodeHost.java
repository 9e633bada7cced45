package dev.weft.tube;

/**
 * Where a runner's nodes run: the hook through which {@link Runners#cluster(Tube, NodeHost)} runs a tube's plain
 * and source nodes elsewhere (another process, a cluster member), while the runner in this JVM (the driver) keeps
 * the schedule, the event store, the epochs and the return value. {@code dev.weft.cluster} provides the host for
 * Pekko workers; any implementation works (a test fake, another process of your own).
 *
 * <p>The contract:
 * <ul>
 *   <li><b>When.</b> {@link #host(HostedNode)} is called once per plain and source node of the tube when the runner
 *       opens (its first {@code process}, {@code run} or {@code iter}), in the tube's node order, on the thread that
 *       opens it. The builtins ({@code map}, {@code gather}, {@code return}) and {@code tube} nodes (with every node of
 *       their child tube) always run in the driver, and are never offered to the host.</li>
 *   <li><b>What the runner calls.</b> The returned {@link Node}'s {@code init}, {@code process} and {@code deinit}
 *       are what the runner calls instead of a local node's: {@code init} when the runner opens (or the node is
 *       enabled), {@code deinit} when it closes (or the node is disabled), always paired. {@code host} itself should
 *       only make a handle: acquire a worker's resources in {@code init} and release them in {@code deinit}, since a
 *       node that is disabled when the runner opens is hosted but never initialised.</li>
 *   <li><b>Same inputs, same order, same results.</b> {@code process} is called with the same {@link Args} the local
 *       node would get (its slots, for function nodes its params, the {@link Epoch}); it returns what the local node
 *       returns: a value, a {@link Signals} or {@link Node#NO_EVENT}. The runner still decides the order: a stateful
 *       node's runs never overlap and come in epoch order, each one called only after the previous one returned, so
 *       a host that runs each node's calls where that node's state lives, one after another, computes what
 *       {@link Runners#sync} computes. Stateless nodes' runs may be called from several threads at once.</li>
 *   <li><b>Failure.</b> When the remote run fails (the node threw, or its worker was lost, or a value could not
 *       cross the wire), {@code process} throws: the epoch fails, and the runner's caller gets a
 *       {@link NodeFailedException} naming the node and epoch, with the host's exception as its cause, as for a
 *       local node. A remote source that ran out is not a failure: its {@code process} throws
 *       {@link HostedNode#exhausted()} (detect it on the worker with {@link HostedNode#isExhausted}), and the run
 *       ends as it does when a local source runs out.</li>
 *   <li><b>Cancellation.</b> When an epoch fails, the concurrent runner interrupts its other node runs: a host's
 *       {@code process} waiting for a worker should stop waiting and throw. It must not let an abandoned run of a
 *       stateful node overlap that node's next run (one queue per node, as a worker's single mailbox, does it).</li>
 * </ul>
 *
 * <p>On the worker side, {@link HostedNode#resolve} finds the same node type by name in the worker's own
 * {@link NodeRegistry} (code is never shipped), {@link HostedNode#makeLocal()} makes the node, and
 * {@link HostedNode#args} rebuilds its {@link Args} from what crossed the wire.
 *
 * <p>Thread safety: {@code host} is called from one thread at a time; the nodes it returns are called as local
 * nodes are (see {@link Node}).
 */
@FunctionalInterface
public interface NodeHost {
    /**
     * Makes the node the runner calls for {@code node}.
     *
     * @param node the node to host: its tube, id, type name, local type and resolved params
     * @return the node whose {@code init}, {@code process} and {@code deinit} the runner calls; never {@code null}
     * @throws RuntimeException when the node cannot be hosted (no worker has its type, say): opening the runner
     *                          fails, naming the node
     */
    Node host(HostedNode node);

    /**
     * The host that makes every node here, in this JVM ({@link HostedNode#makeLocal()}): a cluster runner with it
     * runs as {@link Runners#concurrent} does.
     */
    static NodeHost local() {
        return HostedNode::makeLocal;
    }
}
