package dev.weft.cluster;

import dev.weft.cluster.Protocol.RunOp;
import dev.weft.flow.OperationContext;
import dev.weft.flow.OperationImplementation;
import java.util.Map;

/**
 * The implementation a placed operation gets on the driver: it sends each run to a worker and waits for its outputs
 * (on the run's own virtual thread). Inputs that may not cross the wire fail the run before anything is sent.
 * {@link Local} says when a run stays on the driver instead. Package-private.
 */
final class RemoteOperation implements OperationImplementation {
    /** When a run uses the driver's own implementation instead of a worker. */
    enum Local {
        /** Never: it waits for a worker (and fails after the worker timeout if none offers it). */
        NEVER,
        /** When no worker has a free slot now (adds the cluster's capacity to the driver's). */
        WHEN_FULL,
        /** When no worker offers it at all (prefers workers, waiting for a slot). */
        WHEN_ABSENT
    }

    private final Dispatcher dispatcher;
    private final Wire wire;
    private final String name;
    private final OperationImplementation local;
    private final Local whenLocal;

    RemoteOperation(Dispatcher dispatcher, Wire wire, String name, OperationImplementation local,
                    Local whenLocal) {
        this.dispatcher = dispatcher;
        this.wire = wire;
        this.name = name;
        this.local = local;
        this.whenLocal = whenLocal;
    }

    @Override
    public Object run(OperationContext ctx, Map<String, Object> inputs) throws Exception {
        String instance = ctx.instanceName();
        String context = ctx.contextName();
        String what = "operation '" + name + "' (instance '" + instance + "') in context '" + context + "'";
        byte[] in = wire.encode(inputs, "inputs of " + what);
        byte[] config = wire.encode(ctx.config().orElse(null), "configuration of " + what);
        Dispatcher.Call call = new Dispatcher.Call(what, name, true, ctx.operation().idempotent(), null,
                id -> new RunOp(id, name, instance, context, config, in, dispatcher.self()));
        boolean here = switch (whenLocal) {
            case NEVER -> false;
            case WHEN_FULL -> !dispatcher.hasFreeSlot(call);
            case WHEN_ABSENT -> !dispatcher.offered(call);
        };
        if (here) {
            return local.run(ctx, inputs);
        }
        return wire.decode(dispatcher.call(call).bytes(), "outputs of " + what);
    }

    @Override
    public String toString() {
        return "RemoteOperation[" + name + ", local " + whenLocal + "]";
    }
}
