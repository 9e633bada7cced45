package dev.weft.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/**
 * One Pekko actor system that is a member of a Weft cluster: started from {@link ClusterOptions}, joined through its
 * seeds (or as the first member), and stopped by leaving gracefully. Package-private; {@link Worker} and
 * {@link Cluster} are built on it.
 */
final class Member implements AutoCloseable {
    final ActorSystem<Void> system;
    final String address;
    private final String role;

    private Member(ActorSystem<Void> system, String role) {
        this.system = system;
        this.role = role;
        this.address = org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().address().toString();
    }

    /**
     * Starts a member with {@code role}, runs {@code setup} in its guardian (to spawn the member's actors), and joins.
     *
     * @throws ClusterException if the configuration is refused, the system cannot start (a port in use), or it is
     *                          not up within the join timeout, naming the address and seeds
     */
    static Member start(ClusterOptions o, String role, Consumer<ActorContext<Void>> setup) {
        String hocon = ClusterConfig.hocon(o, role);
        if (o.kubernetesService() != null) {
            hocon += KubernetesDiscovery.pekkoConfig(o.kubernetesService(), KubernetesDiscovery.LABEL_SELECTOR,
                    KubernetesDiscovery.MANAGEMENT_PORT, KubernetesDiscovery.REQUIRED_CONTACT_POINTS);
        }
        Config config = ConfigFactory.parseString(hocon)
                .withFallback(ConfigFactory.load(Member.class.getClassLoader()));
        requireTlsOffLoopback(config);
        ActorSystem<Void> system;
        try {
            system = ActorSystem.create(Behaviors.setup(ctx -> {
                setup.accept(ctx);
                return Behaviors.empty();
            }), o.name(), config);
        } catch (RuntimeException e) {
            throw new ClusterException("cluster " + role + " on " + o.host() + ":" + o.port() + " could not start: "
                    + e.getMessage(), e);
        }
        Member m = new Member(system, role);
        CountDownLatch up = new CountDownLatch(1);
        org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system)).registerOnMemberUp(up::countDown);
        var manager = org.apache.pekko.cluster.typed.Cluster.get(system).manager();
        List<Address> seeds = ClusterConfig.seedAddresses(o).stream().map(AddressFromURIString::parse).toList();
        if (o.kubernetesService() != null) {
            try {
                KubernetesDiscovery.start(system); // Cluster Bootstrap joins (or forms) the cluster
            } catch (RuntimeException e) {
                m.terminate(Duration.ofSeconds(5));
                throw e;
            }
        } else if (seeds.isEmpty()) {
            manager.tell(Join.create(org.apache.pekko.cluster.typed.Cluster.get(system).selfMember().address()));
        } else {
            manager.tell(new JoinSeedNodes(seeds));
        }
        boolean joined;
        try {
            joined = up.await(o.joinTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            m.terminate(Duration.ofSeconds(5));
            Thread.currentThread().interrupt();
            throw new ClusterException("cluster " + role + " " + m.address + ": interrupted while joining", e);
        }
        if (!joined) {
            m.terminate(Duration.ofSeconds(5));
            throw new ClusterException("cluster " + role + " " + m.address + " was not up within " + o.joinTimeout()
                    + " (seeds " + (o.seeds().isEmpty() ? "none: it started a new cluster" : o.seeds()) + "): is a "
                    + "seed running, under the same cluster name '" + o.name() + "', and do all members use TLS "
                    + "with certificates of one CA, or all none?");
        }
        return m;
    }

    /** Weft's rule, checked on the final configuration: no member off loopback without TLS. */
    private static void requireTlsOffLoopback(Config c) {
        if (c.getString("pekko.remote.artery.transport").equals("tls-tcp")) {
            return;
        }
        for (String key : List.of("pekko.remote.artery.canonical.hostname", "pekko.remote.artery.bind.hostname")) {
            String host = c.getString(key);
            if (host.isEmpty()) {
                continue;
            }
            boolean loopback;
            try {
                loopback = true;
                for (InetAddress a : InetAddress.getAllByName(host)) {
                    loopback &= a.isLoopbackAddress();
                }
            } catch (UnknownHostException e) {
                throw new ClusterException("cluster member: cannot resolve " + key + " '" + host + "'", e);
            }
            if (!loopback) {
                throw new ClusterException("cluster member refuses to bind " + host + " (" + key + ") without TLS: "
                        + "across machines members talk only over mutual TLS. Set ClusterOptions.withTls(...) "
                        + "(./weft cluster certs makes a first set), or bind 127.0.0.1");
            }
        }
    }

    /** Leaves the cluster gracefully and stops, waiting at most {@code timeout}. */
    void terminate(Duration timeout) {
        CoordinatedShutdown.get(Adapter.toClassic(system)).runAll(CoordinatedShutdown.unknownReason());
        try {
            system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            system.terminate();
        }
    }

    @Override
    public void close() {
        terminate(Duration.ofSeconds(15));
    }

    @Override
    public String toString() {
        return role + " " + address;
    }
}
