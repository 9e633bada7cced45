package dev.weft.cluster;

import dev.weft.cluster.Protocol.CloseNode;
import dev.weft.cluster.Protocol.OpenNode;
import dev.weft.cluster.Protocol.ProcessNode;
import dev.weft.tube.Args;
import dev.weft.tube.HostedNode;
import dev.weft.tube.Node;
import dev.weft.tube.NodeHost;
import dev.weft.tube.Signals;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a tube's nodes on the cluster's workers ({@link Cluster#nodes()}, for {@code Runners.cluster}), noob's ZMQ
 * runner's role: a stateful node (and every source) is made on one worker, the least loaded that offers its type
 * when the runner opens, and every run of it goes there, in epoch order as the runner sends them; a stateless node
 * is a pool: each run goes to the least loaded worker offering the type, which makes its own copy on first use.
 * Events go through the driver, whose runner keeps each epoch's schedule (so results are the sync runner's).
 * Package-private.
 */
final class ClusterNodes implements NodeHost {
    private final Dispatcher dispatcher;
    private final Wire wire;
    private final String prefix = UUID.randomUUID().toString();
    private final AtomicLong keys = new AtomicLong();

    ClusterNodes(Dispatcher dispatcher, Wire wire) {
        this.dispatcher = dispatcher;
        this.wire = wire;
    }

    @Override
    public Node host(HostedNode node) {
        String key = prefix + "/" + node.tubeId() + "/" + node.nodeId() + "#" + keys.incrementAndGet();
        return new Remote(node, key);
    }

    private final class Remote implements Node {
        private final HostedNode node;
        private final String key;
        private final String what;
        private final byte[] params;
        /** Where a stateful node lives, once open; null for a pool. */
        private volatile String member;
        /** Where a pool's copies were made (each is de-initialised there at close). */
        private final Set<String> pool = ConcurrentHashMap.newKeySet();

        Remote(HostedNode node, String key) {
            this.node = node;
            this.key = key;
            this.what = "node '" + node.nodeId() + "' (type '" + node.typeName() + "') of tube '" + node.tubeId() + "'";
            this.params = wire.encode(node.params(), "params of " + what);
        }

        private OpenNode open(long id) {
            return new OpenNode(id, key, node.tubeId(), node.nodeId(), node.typeName(), params, node.stateful(),
                    dispatcher.self());
        }

        @Override
        public void init() throws Exception {
            if (node.stateful()) {
                Dispatcher.Reply r = dispatcher.call(new Dispatcher.Call(what, node.typeName(), false, false, null,
                        this::open));
                member = (String) wire.decode(r.bytes(), "member of " + what);
            }
        }

        @Override
        public Object process(Args args) throws Exception {
            String at = what + " in epoch " + args.epoch();
            byte[] in = wire.encode(List.of(args.named(), args.positional()), "inputs of " + at);
            List<String> epoch = HostedNodes.epoch(args.epoch());
            String pinned = member;
            Dispatcher.Reply r;
            try {
                r = dispatcher.call(new Dispatcher.Call(at, node.typeName(), false, false, pinned,
                        id -> new ProcessNode(id, key, epoch, in, pinned == null ? open(id) : null,
                                dispatcher.self())));
            } catch (RemoteFailureException e) {
                if (e.remoteType().equals(node.exhausted().getClass().getName())) {
                    throw node.exhausted();
                }
                throw e;
            }
            if (pinned == null) {
                pool.add(r.member());
            }
            List<?> reply = (List<?>) wire.decode(r.bytes(), "output of " + at);
            return switch ((String) reply.get(0)) {
                case HostedNodes.NONE -> Node.NO_EVENT;
                case HostedNodes.SIGNALS -> {
                    @SuppressWarnings("unchecked") // the worker encodes Signals as its map of values
                    Map<String, ?> values = (Map<String, ?>) reply.get(1);
                    yield Signals.of(values);
                }
                default -> reply.get(1);
            };
        }

        @Override
        public void deinit() throws Exception {
            Set<String> where = member != null ? Set.of(member) : Set.copyOf(pool);
            for (String m : where) {
                try {
                    dispatcher.call(new Dispatcher.Call(what + " closing", node.typeName(), false, false, m,
                            id -> new CloseNode(id, key, dispatcher.self())));
                } catch (ClusterException e) {
                    // its member is gone, and the node with it: nothing left to close there
                }
            }
        }

        @Override
        public String toString() {
            return "remote " + what + (member != null ? " on " + member : " (pool)");
        }
    }
}
