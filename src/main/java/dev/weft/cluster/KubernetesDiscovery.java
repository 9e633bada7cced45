package dev.weft.cluster;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Forming a cluster on Kubernetes: Pekko Management's Cluster Bootstrap finds the other workers through the
 * Kubernetes API (the pods whose labels match a selector) and joins them or, the first time, agrees with them which
 * one starts the cluster; no seed nodes are configured. The deployment is {@code deploy/k8s} (a Deployment, a
 * headless Service, RBAC that lets the pods list pods), and its readiness probe is Management's {@code /ready} (a
 * member that is Up) and liveness probe {@code /alive}.
 *
 * <p>Pekko Management is not on Weft's default class path (it is in the {@code kubernetes} Maven profile, which
 * builds the worker image: its Pekko Discovery must match Pekko's version), so this reaches it by reflection and
 * fails with a clear message where it is absent. Management and Bootstrap could also start from configuration alone
 * (listing {@code ClusterBootstrap} in {@code pekko.extensions} starts both), but then a missing class would fail the
 * actor system's start with a bare {@code ClassNotFoundException}, and a port already taken would only be logged;
 * {@link #start} checks the class path first and waits for Management's HTTP server to be bound. Stateless; thread
 * safe.
 */
final class KubernetesDiscovery {
    /** The name the workers' pods are found by: the {@code app} label of {@code deploy/k8s}. */
    static final String SERVICE_NAME = "weft-worker";
    /** Pekko's Kubernetes API discovery's selector; {@code %s} is the service name. */
    static final String LABEL_SELECTOR = "app=%s";
    /** Pekko Management's HTTP port: its default (PMAN on a telephone keypad), named {@value #PORT_NAME}. */
    static final int MANAGEMENT_PORT = 7626;
    /** The name of the container port that bootstrap contacts: the management port's, in {@code deploy/k8s}. */
    static final String PORT_NAME = "management";
    /** How many workers bootstrap waits to find before a new cluster is formed (Pekko's default, 2). */
    static final int REQUIRED_CONTACT_POINTS = 2;
    /** How long {@link #start} waits for Management's HTTP server to bind. */
    static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);

    static final String MANAGEMENT_CLASS = "org.apache.pekko.management.javadsl.PekkoManagement";
    static final String BOOTSTRAP_CLASS = "org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap";
    static final String DISCOVERY_CLASS = "org.apache.pekko.discovery.kubernetes.KubernetesApiServiceDiscovery";
    static final String MISSING = "Pekko Management is not on the class path: build the worker image with"
            + " -Pkubernetes (it adds pekko-management-cluster-bootstrap, pekko-management-cluster-http and"
            + " pekko-discovery-kubernetes-api; see deploy/k8s/README.md)";

    private KubernetesDiscovery() {
    }

    /**
     * The Pekko configuration (HOCON) for Cluster Bootstrap through Kubernetes API discovery: pods are looked up with
     * {@code labelSelector} ({@code %s} replaced by {@code serviceName}, e.g. {@code app=%s} finds {@code
     * app=weft-worker}) in the pod's own namespace, contacted on their container port named {@value #PORT_NAME}, and a
     * new cluster is formed once {@code requiredContactPoints} are found; Management's HTTP server (bootstrap's
     * contact point and the probes' {@code /ready} and {@code /alive}) listens on {@code managementPort}. A member that
     * could not join within a minute shuts down and exits the JVM, so that Kubernetes starts the pod again (Pekko
     * Management's advice for Kubernetes). The caller must not configure seed nodes: bootstrap does nothing if there
     * are any.
     *
     * @throws IllegalArgumentException for a blank name or selector, a port outside 1–65535 or fewer than one contact
     *                                  point
     */
    static String pekkoConfig(String serviceName, String labelSelector, int managementPort, int requiredContactPoints) {
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(labelSelector, "labelSelector");
        if (serviceName.isBlank() || labelSelector.isBlank()) {
            throw new IllegalArgumentException("Kubernetes discovery needs a service name and a label selector, got '"
                    + serviceName + "' and '" + labelSelector + "'");
        }
        if (managementPort < 1 || managementPort > 65_535) {
            throw new IllegalArgumentException("management port must be 1-65535, got " + managementPort);
        }
        if (requiredContactPoints < 1) {
            throw new IllegalArgumentException("required contact points must be at least 1, got "
                    + requiredContactPoints);
        }
        return """
                pekko.management {
                  http.port = %d
                  cluster.bootstrap.contact-point-discovery {
                    discovery-method = kubernetes-api
                    service-name = %s
                    port-name = %s
                    required-contact-point-nr = %d
                  }
                }
                pekko.discovery.kubernetes-api.pod-label-selector = %s
                pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes = 60s
                pekko.coordinated-shutdown.exit-jvm = on
                """.formatted(managementPort, Tls.quote(serviceName), Tls.quote(PORT_NAME), requiredContactPoints,
                Tls.quote(labelSelector));
    }

    /**
     * Starts Pekko Management (its HTTP server: bootstrap's contact point and the health checks), waits until it is
     * bound, then starts Cluster Bootstrap, on {@code system} configured with {@link #pekkoConfig}.
     *
     * @throws ClusterException if Pekko Management or its Kubernetes discovery is not on the class path (the message
     *                          says to build with {@code -Pkubernetes}), or Management could not bind its port within
     *                          {@link #BIND_TIMEOUT}
     */
    static void start(ActorSystem<?> system) {
        start(system, KubernetesDiscovery.class.getClassLoader());
    }

    /** As {@link #start(ActorSystem)}, finding Pekko Management through {@code loader}, before touching the system. */
    static void start(ActorSystem<?> system, ClassLoader loader) {
        Class<?> management = find(MANAGEMENT_CLASS, loader);
        Class<?> bootstrap = find(BOOTSTRAP_CLASS, loader);
        find(DISCOVERY_CLASS, loader);
        Objects.requireNonNull(system, "system");
        try {
            Object m = get(management, system);
            CompletionStage<?> bound = (CompletionStage<?>) m.getClass().getMethod("start").invoke(m);
            Object uri = bound.toCompletableFuture().get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            system.log().info("Pekko Management listening at {}; starting Cluster Bootstrap (Kubernetes API)", uri);
            Object b = get(bootstrap, system);
            b.getClass().getMethod("start").invoke(b);
        } catch (InvocationTargetException e) {
            throw new ClusterException("Pekko Management or Cluster Bootstrap failed to start on " + system.name()
                    + ": " + e.getCause(), e.getCause());
        } catch (ExecutionException e) {
            throw new ClusterException("Pekko Management could not start its HTTP server on " + system.name()
                    + " (port taken?): " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ClusterException("Pekko Management's HTTP server on " + system.name() + " was not bound within "
                    + BIND_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while starting Pekko Management on " + system.name(), e);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new ClusterException("this Pekko Management has another API than Weft expects (the pom's"
                    + " pekko.management.version): " + e, e);
        }
    }

    private static Class<?> find(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ClusterException(MISSING + "; missing " + name, e);
        }
    }

    /** {@code type.get(system)}: the Java API's static accessor of a Pekko extension. */
    private static Object get(Class<?> type, ActorSystem<?> system) throws ReflectiveOperationException {
        Method get = type.getMethod("get", ClassicActorSystemProvider.class);
        return get.invoke(null, system);
    }
}
