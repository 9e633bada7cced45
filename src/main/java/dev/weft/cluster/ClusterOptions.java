package dev.weft.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a member joins and behaves: its address, the members it joins through, TLS, failure detection, what a worker
 * advertises, and what values may cross the wire. Immutable; built from {@link #defaults()} with the {@code with…}
 * methods. Thread safe.
 *
 * <ul>
 *   <li>{@link #host()} / {@link #port()}: the address this member binds and is reached at; default
 *       {@code 127.0.0.1} and port 0 (any free port). A member refuses to start on an address other than loopback
 *       unless {@link #tls()} is set: across machines, members talk only over mutual TLS.</li>
 *   <li>{@link #seeds()}: {@code host:port} of members to join through; none: this member starts a new cluster.</li>
 *   <li>{@link #heartbeatInterval()} / {@link #acceptableHeartbeatPause()}: Pekko's failure detector; the defaults
 *       (200 ms, 600 ms) notice a dead member in about 1.3 seconds on loopback, where Pekko's own (1 s, 3 s) take about
 *       four.</li>
 *   <li>{@link #concurrency()} / {@link #memory()}: what a worker advertises (operation runs at once, bytes of heap);
 *       drivers never send it more runs at once than its concurrency.</li>
 *   <li>{@link #wireTypes()}: the value types that may cross the wire besides the basic ones.</li>
 *   <li>{@link #joinTimeout()}: how long starting waits to be up in the cluster; {@link #workerTimeout()}: how long
 *       a remote run waits for a worker that offers its operation; {@link #maxAttempts()}: how often a lost
 *       idempotent run is tried in all.</li>
 * </ul>
 */
public final class ClusterOptions {
    private static final ClusterOptions DEFAULTS = new ClusterOptions("weft", "127.0.0.1", 0, List.of(), null,
            Duration.ofMillis(200), Duration.ofMillis(600), 1024, Runtime.getRuntime().maxMemory(),
            WireTypes.defaults(), Duration.ofSeconds(30), Duration.ofSeconds(30), 3, "", null);

    private final String systemName;
    private final String host;
    private final int port;
    private final List<String> seeds;
    private final Tls tls;
    private final Duration heartbeatInterval;
    private final Duration acceptableHeartbeatPause;
    private final int concurrency;
    private final long memory;
    private final WireTypes wireTypes;
    private final Duration joinTimeout;
    private final Duration workerTimeout;
    private final int maxAttempts;
    private final String extraConfig;
    private final String kubernetesService;

    private ClusterOptions(String systemName, String host, int port, List<String> seeds, Tls tls,
                           Duration heartbeatInterval, Duration acceptableHeartbeatPause, int concurrency, long memory,
                           WireTypes wireTypes, Duration joinTimeout, Duration workerTimeout, int maxAttempts,
                           String extraConfig, String kubernetesService) {
        if (!systemName.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
            throw new IllegalArgumentException("cluster name must be letters, digits, '-' or '_', got '"
                    + systemName + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (any free port) to 65535, got " + port);
        }
        for (String s : seeds) {
            Seeds.parse(s);
        }
        positive(heartbeatInterval, "heartbeatInterval");
        positive(acceptableHeartbeatPause, "acceptableHeartbeatPause");
        positive(joinTimeout, "joinTimeout");
        positive(workerTimeout, "workerTimeout");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        if (memory < 1) {
            throw new IllegalArgumentException("memory must be at least 1 byte, got " + memory);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        this.systemName = systemName;
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.seeds = List.copyOf(seeds);
        this.tls = tls;
        this.heartbeatInterval = heartbeatInterval;
        this.acceptableHeartbeatPause = acceptableHeartbeatPause;
        this.concurrency = concurrency;
        this.memory = memory;
        this.wireTypes = Objects.requireNonNull(wireTypes, "wireTypes");
        this.joinTimeout = joinTimeout;
        this.workerTimeout = workerTimeout;
        this.maxAttempts = maxAttempts;
        this.extraConfig = Objects.requireNonNull(extraConfig, "extraConfig");
        this.kubernetesService = kubernetesService;
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** Loopback, any free port, a new cluster named {@code weft}, no TLS, failure noticed in about a second. */
    public static ClusterOptions defaults() {
        return DEFAULTS;
    }

    private ClusterOptions copy(String systemName, String host, int port, List<String> seeds, Tls tls,
                                Duration heartbeatInterval, Duration acceptableHeartbeatPause, int concurrency,
                                long memory, WireTypes wireTypes, Duration joinTimeout, Duration workerTimeout,
                                int maxAttempts, String extraConfig) {
        return new ClusterOptions(systemName, host, port, seeds, tls, heartbeatInterval, acceptableHeartbeatPause,
                concurrency, memory, wireTypes, joinTimeout, workerTimeout, maxAttempts, extraConfig,
                kubernetesService);
    }

    /**
     * These options finding the other members through Kubernetes instead of seeds: Pekko Management's Cluster
     * Bootstrap with Kubernetes API discovery of the pods labelled {@code app=<service>} (deploy/k8s). Needs Pekko
     * Management on the class path (the {@code kubernetes} Maven profile); seeds are then ignored.
     */
    public ClusterOptions withKubernetesDiscovery(String service) {
        Objects.requireNonNull(service, "service");
        return new ClusterOptions(systemName, host, port, seeds, tls, heartbeatInterval, acceptableHeartbeatPause,
                concurrency, memory, wireTypes, joinTimeout, workerTimeout, maxAttempts, extraConfig, service);
    }

    /** The Kubernetes service whose pods are the cluster's members, or {@code null} when joining through seeds. */
    public String kubernetesService() {
        return kubernetesService;
    }

    /** These options for a cluster of another name (members of different names never join each other). */
    public ClusterOptions withName(String name) {
        return copy(name, host, port, seeds, tls, heartbeatInterval, acceptableHeartbeatPause, concurrency, memory,
                wireTypes, joinTimeout, workerTimeout, maxAttempts, extraConfig);
    }

    /** These options binding {@code host} (a name or address) and {@code port} (0: any free port). */
    public ClusterOptions withAddress(String h, int p) {
        return copy(systemName, h, p, seeds, tls, heartbeatInterval, acceptableHeartbeatPause, concurrency, memory,
                wireTypes, joinTimeout, workerTimeout, maxAttempts, extraConfig);
    }

    /** These options joining through {@code hostPorts} ({@code "host:port"} each); none starts a new cluster. */
    public ClusterOptions withSeeds(List<String> hostPorts) {
        return copy(systemName, host, port, new ArrayList<>(hostPorts), tls, heartbeatInterval,
                acceptableHeartbeatPause, concurrency, memory, wireTypes, joinTimeout, workerTimeout, maxAttempts,
                extraConfig);
    }

    /** These options joining through {@code hostPorts}. */
    public ClusterOptions withSeeds(String... hostPorts) {
        return withSeeds(List.of(hostPorts));
    }

    /** These options with mutual TLS ({@code null}: none, allowed only on loopback). */
    public ClusterOptions withTls(Tls t) {
        return copy(systemName, host, port, seeds, t, heartbeatInterval, acceptableHeartbeatPause, concurrency, memory,
                wireTypes, joinTimeout, workerTimeout, maxAttempts, extraConfig);
    }

    /** These options with another failure detector: heartbeats every {@code interval}, dead after {@code pause}. */
    public ClusterOptions withFailureDetection(Duration interval, Duration pause) {
        return copy(systemName, host, port, seeds, tls, interval, pause, concurrency, memory, wireTypes, joinTimeout,
                workerTimeout, maxAttempts, extraConfig);
    }

    /** These options advertising {@code n} operation runs at once (a worker's). */
    public ClusterOptions withConcurrency(int n) {
        return copy(systemName, host, port, seeds, tls, heartbeatInterval, acceptableHeartbeatPause, n, memory,
                wireTypes, joinTimeout, workerTimeout, maxAttempts, extraConfig);
    }

    /** These options advertising {@code bytes} of memory (a worker's). */
    public ClusterOptions withMemory(long bytes) {
        return copy(systemName, host, port, seeds, tls, heartbeatInterval, acceptableHeartbeatPause, concurrency,
                bytes, wireTypes, joinTimeout, workerTimeout, maxAttempts, extraConfig);
    }

    /** These options allowing {@code types} on the wire (every member that sees such values needs the same). */
    public ClusterOptions withWireTypes(WireTypes types) {
        return copy(systemName, host, port, seeds, tls, heartbeatInterval, acceptableHeartbeatPause, concurrency,
                memory, types, joinTimeout, workerTimeout, maxAttempts, extraConfig);
    }

    /** These options waiting {@code t} to be up in the cluster when starting. */
    public ClusterOptions withJoinTimeout(Duration t) {
        return copy(systemName, host, port, seeds, tls, heartbeatInterval, acceptableHeartbeatPause, concurrency,
                memory, wireTypes, t, workerTimeout, maxAttempts, extraConfig);
    }

    /** These options letting a remote run wait {@code t} for a worker that offers its operation. */
    public ClusterOptions withWorkerTimeout(Duration t) {
        return copy(systemName, host, port, seeds, tls, heartbeatInterval, acceptableHeartbeatPause, concurrency,
                memory, wireTypes, joinTimeout, t, maxAttempts, extraConfig);
    }

    /** These options trying a lost idempotent run {@code n} times in all. */
    public ClusterOptions withMaxAttempts(int n) {
        return copy(systemName, host, port, seeds, tls, heartbeatInterval, acceptableHeartbeatPause, concurrency,
                memory, wireTypes, joinTimeout, workerTimeout, n, extraConfig);
    }

    /**
     * These options with Pekko configuration (HOCON) laid over Weft's, for settings Weft does not name. Weft's safety
     * settings (TLS required off loopback, Java serialization off) are checked after it and cannot be loosened.
     */
    public ClusterOptions withPekkoConfig(String hocon) {
        return copy(systemName, host, port, seeds, tls, heartbeatInterval, acceptableHeartbeatPause, concurrency,
                memory, wireTypes, joinTimeout, workerTimeout, maxAttempts, hocon);
    }

    /** The cluster's name. */
    public String name() {
        return systemName;
    }

    /** The host this member binds. */
    public String host() {
        return host;
    }

    /** The port this member binds (0: any free port). */
    public int port() {
        return port;
    }

    /** The members to join through, {@code host:port} each. */
    public List<String> seeds() {
        return seeds;
    }

    /** Mutual TLS, or {@code null}. */
    public Tls tls() {
        return tls;
    }

    /** How often members send heartbeats. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** How long without heartbeats before a member is taken as unreachable. */
    public Duration acceptableHeartbeatPause() {
        return acceptableHeartbeatPause;
    }

    /** Operation runs at once a worker advertises. */
    public int concurrency() {
        return concurrency;
    }

    /** Bytes of memory a worker advertises. */
    public long memory() {
        return memory;
    }

    /** What may cross the wire. */
    public WireTypes wireTypes() {
        return wireTypes;
    }

    /** How long starting waits to be up. */
    public Duration joinTimeout() {
        return joinTimeout;
    }

    /** How long a remote run waits for a worker. */
    public Duration workerTimeout() {
        return workerTimeout;
    }

    /** Attempts in all for a lost idempotent run. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Extra Pekko configuration. */
    public String pekkoConfig() {
        return extraConfig;
    }

    @Override
    public String toString() {
        return "ClusterOptions[" + systemName + "@" + host + ":" + port + ", seeds=" + seeds + ", tls="
                + (tls != null) + ", concurrency=" + concurrency + "]";
    }
}
