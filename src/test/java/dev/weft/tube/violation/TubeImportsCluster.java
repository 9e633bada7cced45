package dev.weft.tube.violation;

import dev.weft.cluster.ClusterOptions;

/** A deliberate violation for {@code dev.weft.ArchitectureTest}: the tube package importing the cluster add-on. */
public final class TubeImportsCluster {
    private TubeImportsCluster() {
    }

    static Object options() {
        return ClusterOptions.defaults();
    }
}
