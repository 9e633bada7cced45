package dev.weft.cluster;

import dev.weft.cluster.Protocol.CloseNode;
import dev.weft.cluster.Protocol.OpenNode;
import dev.weft.cluster.Protocol.ProcessNode;
import dev.weft.tube.NodeRegistry;

/** The tube nodes a worker hosts for drivers, by the drivers' keys. Package-private. */
final class HostedNodes {
    private final NodeRegistry types;
    private final Wire wire;

    HostedNodes(NodeRegistry types, Wire wire) {
        this.types = types;
        this.wire = wire;
    }

    byte[] open(OpenNode o) {
        throw new UnsupportedOperationException("not yet");
    }

    byte[] process(ProcessNode p) {
        throw new UnsupportedOperationException("not yet");
    }

    byte[] close(CloseNode c) {
        throw new UnsupportedOperationException("not yet");
    }
}
