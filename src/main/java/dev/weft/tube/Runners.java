package dev.weft.tube;

import java.util.Objects;

/**
 * Makes {@link TubeRunner}s.
 * <ul>
 *   <li>{@link #sync(Tube)}: one node at a time, in topological order, on the calling thread, one epoch at a time
 *       (free-run on one background virtual thread). The reference for what a tube computes.</li>
 *   <li>{@link #concurrent(Tube)}: a virtual thread per ready node, inside a Weft scope per root epoch; epochs
 *       overlap in {@code run}, {@code iter} and free-run, up to {@link Options#maxEpochsInFlight()}; at most
 *       {@link Options#maxPendingNodes()} node runs at once. Stateful nodes still see epochs in order.</li>
 *   <li>{@link #cluster(Tube, NodeHost)}: the concurrent runner with its plain and source nodes run by a
 *       {@link NodeHost} (on cluster workers, say); the builtins and the schedule stay in this JVM.</li>
 * </ul>
 */
public final class Runners {
    private Runners() {
    }

    /** A synchronous runner with default options. */
    public static TubeRunner sync(Tube tube) {
        return sync(tube, Options.defaults());
    }

    /** A synchronous runner. */
    public static TubeRunner sync(Tube tube, Options options) {
        return new SyncRunner(Objects.requireNonNull(tube, "tube"), Objects.requireNonNull(options, "options"));
    }

    /** A concurrent runner with default options. */
    public static TubeRunner concurrent(Tube tube) {
        return concurrent(tube, Options.defaults());
    }

    /** A concurrent runner. */
    public static TubeRunner concurrent(Tube tube, Options options) {
        return new ConcurrentRunner(Objects.requireNonNull(tube, "tube"), Objects.requireNonNull(options,
                "options"), null);
    }

    /** A cluster runner with default options: {@link #cluster(Tube, NodeHost, Options)}. */
    public static TubeRunner cluster(Tube tube, NodeHost host) {
        return cluster(tube, host, Options.defaults());
    }

    /**
     * A concurrent runner whose plain and source nodes run where {@code host} puts them: noob's ZMQ runner's role,
     * each node on a worker, with the same {@code process}/{@code run}/{@code iter} API and the same results as
     * {@link #sync}. This JVM keeps the schedule, the event store and the builtins ({@code map}, {@code gather},
     * {@code return}, and {@code tube} nodes with their child tubes); each node run is a call to the host's node
     * with the inputs the local node would get. Epochs overlap and several nodes run at once, within the options'
     * bounds, as in {@link #concurrent}; stateful nodes still see epochs in order, one run at a time.
     *
     * <p>{@code dev.weft.cluster} provides the host for Pekko workers; any {@link NodeHost} works (a test fake,
     * another process, {@link NodeHost#local()}). See {@link NodeHost} for what a host must do.
     */
    public static TubeRunner cluster(Tube tube, NodeHost host, Options options) {
        return new ConcurrentRunner(Objects.requireNonNull(tube, "tube"), Objects.requireNonNull(options,
                "options"), Objects.requireNonNull(host, "host"));
    }

    /**
     * A runner's options. Immutable; the {@code with…} methods return changed copies.
     */
    public static final class Options {
        private static final Options DEFAULTS = new Options(16, 256, true, 100, null);

        private final int maxEpochsInFlight;
        private final int maxPendingNodes;
        private final boolean autoclear;
        private final int maxIterLoops;
        private final TubeObserver observer;

        private Options(int maxEpochsInFlight, int maxPendingNodes, boolean autoclear, int maxIterLoops,
                TubeObserver observer) {
            this.maxEpochsInFlight = maxEpochsInFlight;
            this.maxPendingNodes = maxPendingNodes;
            this.autoclear = autoclear;
            this.maxIterLoops = maxIterLoops;
            this.observer = observer;
        }

        /** 16 epochs in flight, 256 pending node runs, autoclear on, 100 iter loops, no observer. */
        public static Options defaults() {
            return DEFAULTS;
        }

        /** Root epochs started and not yet consumed, at most (backpressure); the sync runner always uses 1. */
        public int maxEpochsInFlight() {
            return maxEpochsInFlight;
        }

        /** Node runs at once, at most, across epochs (concurrent runner). */
        public int maxPendingNodes() {
            return maxPendingNodes;
        }

        /** Whether an epoch's events are cleared from the store once its result is returned. */
        public boolean autoclear() {
            return autoclear;
        }

        /** Epochs {@code iter} runs for one return value before it fails (noob's {@code max_iter_loops}). */
        public int maxIterLoops() {
            return maxIterLoops;
        }

        /** The observer (metrics, live views), or {@code null}. */
        public TubeObserver observer() {
            return observer;
        }

        /** With a bound on epochs in flight (at least 1). */
        public Options withMaxEpochsInFlight(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxEpochsInFlight must be at least 1, not " + n);
            }
            return new Options(n, maxPendingNodes, autoclear, maxIterLoops, observer);
        }

        /** With a bound on node runs at once (at least 1). */
        public Options withMaxPendingNodes(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxPendingNodes must be at least 1, not " + n);
            }
            return new Options(maxEpochsInFlight, n, autoclear, maxIterLoops, observer);
        }

        /** With autoclear on or off. */
        public Options withAutoclear(boolean autoclear) {
            return new Options(maxEpochsInFlight, maxPendingNodes, autoclear, maxIterLoops, observer);
        }

        /** With another iter guard (at least 1). */
        public Options withMaxIterLoops(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxIterLoops must be at least 1, not " + n);
            }
            return new Options(maxEpochsInFlight, maxPendingNodes, autoclear, n, observer);
        }

        /** With an observer ({@code null} for none). */
        public Options withObserver(TubeObserver observer) {
            return new Options(maxEpochsInFlight, maxPendingNodes, autoclear, maxIterLoops, observer);
        }

        @Override
        public String toString() {
            return "Runners.Options[maxEpochsInFlight=" + maxEpochsInFlight + ", maxPendingNodes=" + maxPendingNodes
                    + ", autoclear=" + autoclear + ", maxIterLoops=" + maxIterLoops + "]";
        }
    }
}
