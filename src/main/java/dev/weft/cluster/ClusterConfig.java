package dev.weft.cluster;

import java.util.List;

/**
 * Turns {@link ClusterOptions} into Pekko's configuration (HOCON). Package-private.
 */
final class ClusterConfig {
    /** The role of a member that runs work. */
    static final String WORKER = "worker";
    /** The role of a member that sends work. */
    static final String DRIVER = "driver";

    private ClusterConfig() {
    }

    /**
     * The configuration of a member with {@code role}: Weft's settings, then {@link ClusterOptions#pekkoConfig()}
     * over them, then the settings that may not be loosened (the transport, Java serialization off, messages as
     * Jackson CBOR). {@link Member} checks the result: no address off loopback without TLS.
     */
    static String hocon(ClusterOptions o, String role) {
        String transport = o.tls() == null ? "pekko.remote.artery.transport = tcp\n" : o.tls().pekkoConfig();
        return """
                pekko {
                  loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
                  logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
                  loglevel = INFO
                  log-dead-letters = 0
                  log-dead-letters-during-shutdown = off
                  # Actors on virtual threads, as everything else in Weft.
                  actor.default-dispatcher.executor = virtual-thread-executor
                  actor.provider = cluster
                  remote.artery {
                    canonical.hostname = %s
                    canonical.port = %d
                  }
                  cluster {
                    roles = [%s]
                    # Seeds are joined programmatically (Member.start), so that a port of 0 works for the first member.
                    seed-nodes = []
                    jmx.enabled = off
                    log-info = off
                    # A dead member is noticed in about a second on loopback (Pekko's defaults: about four).
                    failure-detector {
                      heartbeat-interval = %d ms
                      acceptable-heartbeat-pause = %d ms
                      expected-response-after = %d ms
                    }
                    unreachable-nodes-reaper-interval = 250 ms
                    # Unreachable members are downed (and removed) by Pekko's split brain resolver, keeping the side
                    # with the majority; Weft's driver does not wait for that: it acts on unreachability.
                    downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
                    split-brain-resolver {
                      active-strategy = keep-majority
                      stable-after = 2 s
                      # On a loaded machine heartbeats come late and members flap; Pekko's default would then down
                      # every member, drivers included. Weft keeps the majority side up instead.
                      down-all-when-unstable = off
                    }
                  }
                  coordinated-shutdown {
                    exit-jvm = off
                    run-by-jvm-shutdown-hook = on
                  }
                }
                """.formatted(Tls.quote(o.host()), o.port(), role, o.heartbeatInterval().toMillis(),
                o.acceptableHeartbeatPause().toMillis(), Math.max(100, o.heartbeatInterval().toMillis()))
                + o.pekkoConfig() + "\n" + """
                # Only messages of Weft's protocol, as Jackson CBOR: no Java serialization, no classes named by the
                # sender (values inside are checked against WireTypes on both sides).
                pekko.actor.allow-java-serialization = off
                pekko.actor.serialization-bindings {
                  "dev.weft.cluster.Protocol$Message" = jackson-cbor
                }
                """ + transport;
    }

    /** Pekko addresses of the seeds. */
    static List<String> seedAddresses(ClusterOptions o) {
        // Artery's tcp and tls-tcp transports share the scheme.
        return o.seeds().stream().map(Seeds::parse)
                .map(hp -> "pekko://" + o.name() + "@" + hp.host() + ":" + hp.port()).toList();
    }
}
