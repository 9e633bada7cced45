package dev.weft.cluster;

import dev.weft.cluster.Protocol.CloseNode;
import dev.weft.cluster.Protocol.OpenNode;
import dev.weft.cluster.Protocol.ProcessNode;
import dev.weft.tube.Epoch;
import dev.weft.tube.HostedNode;
import dev.weft.tube.Node;
import dev.weft.tube.NodeRegistry;
import dev.weft.tube.Signals;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tube nodes a worker hosts for drivers, by the drivers' keys: made by type name from the worker's own
 * registry (no code crosses), initialised once, run as the driver asks, de-initialised when it closes them.
 * Package-private.
 */
final class HostedNodes {
    /** What {@link #process} replies: a value, nothing, or several signals. */
    static final String VALUE = "value";
    static final String NONE = "none";
    static final String SIGNALS = "signals";

    private record Instance(HostedNode node, Node running) {
    }

    private final NodeRegistry types;
    private final Wire wire;
    private final Map<String, Instance> nodes = new ConcurrentHashMap<>();

    HostedNodes(NodeRegistry types, Wire wire) {
        this.types = types;
        this.wire = wire;
    }

    /** Makes and initialises the node; replies with this member's address (where the driver pins it). */
    byte[] open(OpenNode o, String member) throws Exception {
        instance(o);
        return wire.encode(member, "member address");
    }

    private Instance instance(OpenNode o) throws Exception {
        Instance have = nodes.get(o.key());
        if (have != null) {
            return have;
        }
        @SuppressWarnings("unchecked") // the driver encodes params as a map by name
        Map<String, Object> params = (Map<String, Object>) wire.decode(o.params(), "params of node '" + o.node()
                + "' of tube '" + o.tube() + "'");
        HostedNode h = HostedNode.resolve(types, o.tube(), o.node(), o.type(), params, o.stateful());
        Node n = h.makeLocal();
        n.init();
        Instance made = new Instance(h, n);
        Instance raced = nodes.putIfAbsent(o.key(), made);
        if (raced != null) {
            n.deinit(); // two first runs of a pooled node at once: keep one
            return raced;
        }
        return made;
    }

    /** Runs the node once; replies with {@code [kind, value]}. */
    byte[] process(ProcessNode p) throws Exception {
        Instance i = nodes.get(p.key());
        if (i == null) {
            if (p.open() == null) {
                throw new IllegalStateException("node instance '" + p.key() + "' is not open on this worker");
            }
            i = instance(p.open());
        }
        String where = "node '" + i.node().nodeId() + "' of tube '" + i.node().tubeId() + "'";
        List<?> args = (List<?>) wire.decode(p.args(), "inputs of " + where);
        Epoch epoch = epoch(p.epoch());
        @SuppressWarnings("unchecked") // encoded by the driver as [named map, positional list]
        Map<String, Object> named = (Map<String, Object>) args.get(0);
        Object out = i.running().process(i.node().args(epoch, named, (List<?>) args.get(1)));
        List<Object> reply = new ArrayList<>(2);
        if (out == Node.NO_EVENT) {
            reply.add(NONE);
        } else if (out instanceof Signals s) {
            reply.add(SIGNALS);
            reply.add(s.values());
        } else {
            reply.add(VALUE);
            reply.add(out);
        }
        return wire.encode(reply, "output of " + where + " in epoch " + epoch);
    }

    /** De-initialises and forgets the node (nothing if it is not here). */
    byte[] close(CloseNode c) throws Exception {
        Instance i = nodes.remove(c.key());
        if (i != null) {
            i.running().deinit();
        }
        return wire.encode(null, "close");
    }

    /** An epoch as text: its root number, then each (map node, index) step below it. */
    static List<String> epoch(Epoch e) {
        List<String> steps = new ArrayList<>();
        for (Epoch at = e; !at.isRoot(); at = at.parent()) {
            steps.addFirst(Integer.toString(at.index()));
            steps.addFirst(at.mapNode());
        }
        steps.addFirst(Long.toString(e.rootNumber()));
        return steps;
    }

    static Epoch epoch(List<String> steps) {
        Epoch e = Epoch.root(Long.parseLong(steps.getFirst()));
        for (int k = 1; k + 1 < steps.size(); k += 2) {
            e = e.sub(steps.get(k), Integer.parseInt(steps.get(k + 1)));
        }
        return e;
    }
}
