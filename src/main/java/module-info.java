/**
 * Weft: structured concurrency on virtual threads.
 *
 * <p>{@link dev.weft.scope} holds task scopes; {@link dev.weft.event} device events; {@link dev.weft.lock} ordered
 * locks; {@link dev.weft.stm} an STM store (the optimistic side, Axon's); {@link dev.weft.cuda} CUDA streams and events; {@link dev.weft.flow} data flows and their orchestrator (DFFML's
 * model, with flow files in JSON and YAML); {@link dev.weft.metrics} Micrometer metrics for scopes, locks, events and
 * flows; {@link dev.weft.breaker} Resilience4j circuit breakers on components, operations and retries (an add-on: the
 * core never imports it); {@link dev.weft.adapt} goals and limits that adapt how much runs at once (speed, memory, the machine's limits);
 * {@link dev.weft.component} Kamaelia's components; {@link dev.weft.tube} noob's tubes
 * (graphs of nodes run epoch by epoch); {@link dev.weft.cluster} workers and drivers across processes and machines on
 * Apache Pekko Cluster (an add-on: nothing else in the library imports it); {@link dev.weft} holds the small facade for plain code and jshell.
 */
module dev.weft {
    requires org.slf4j;
    requires jdk.jfr;
    // Data flow files (dev.weft.flow.DataFlows): DFFML's dict format as JSON and YAML; tube files (dev.weft.tube.Tube):
    // noob's YAML. Static: optional in the pom; only programs that read or write such files need Jackson on their path.
    requires static com.fasterxml.jackson.databind;
    requires static com.fasterxml.jackson.dataformat.yaml;
    // The demo's embedded HTTP server only; the library itself never needs it.
    requires static jdk.httpserver;
    // Metrics (dev.weft.metrics): Micrometer as the facade; heap and thread gauges from the platform beans, and the
    // virtual thread scheduler's bean where the JDK has it.
    // Static: optional in the pom; the core reaches metrics only through ScopeObserver and LockObserver, so only
    // programs that use dev.weft.metrics need Micrometer (and then name it themselves).
    requires static micrometer.core;
    // Circuit breakers (dev.weft.breaker): Resilience4j's CircuitBreaker, and its Micrometer binding for
    // dev.weft.metrics.BreakerMeters. Static: optional in the pom; the core reaches breakers only through the
    // generic Component.status() hook and Weft.retry's retryIf, so only programs that use dev.weft.breaker need
    // Resilience4j (and then name it themselves).
    requires static io.github.resilience4j.circuitbreaker;
    requires static io.github.resilience4j.core;
    requires static io.github.resilience4j.micrometer;
    // Adaptive concurrency (dev.weft.adapt): Netflix's concurrency-limits control laws (an automatic module named after
    // its jar). Static: optional in the pom; only runs that ask dev.weft.adapt for a latency-driven goal load it.
    requires static concurrency.limits.core;
    // Runs across processes and machines (dev.weft.cluster): Apache Pekko Cluster (automatic modules named in its jars'
    // manifests), its Jackson CBOR serializer, and Pekko Management for Kubernetes discovery. Static: optional in the
    // pom; only programs that use dev.weft.cluster load Pekko and Scala.
    requires static pekko.actor;
    requires static pekko.actor.typed;
    requires static pekko.cluster;
    requires static pekko.cluster.typed;
    requires static pekko.remote;
    requires static pekko.serialization.jackson;
    requires static scala.library;
    requires static com.fasterxml.jackson.dataformat.cbor;
    requires static com.fasterxml.jackson.annotation;
    requires static typesafe.config;
    requires java.management;
    requires static jdk.management;
    // The demo's HTTP client and its java.util.logging formatter (dev.weft.demo, not exported; run on the class path).
    requires static java.net.http;
    requires static java.logging;
    // The downloader report's plots and progress bar (dev.weft.demo; optional dependencies, see the pom).
    requires static org.knowm.xchart;
    requires static me.tongfei.progressbar;
    requires static java.desktop;

    exports dev.weft;
    exports dev.weft.function;
    exports dev.weft.scope;
    exports dev.weft.lock;
    exports dev.weft.event;
    exports dev.weft.flow;
    exports dev.weft.component;
    exports dev.weft.tube;
    exports dev.weft.cuda;
    exports dev.weft.metrics;
    exports dev.weft.breaker;
    exports dev.weft.adapt;
    exports dev.weft.stm;
    exports dev.weft.cluster;
    // Pekko's Jackson serializer reads and writes the cluster's wire messages (records of this package) reflectively.
    opens dev.weft.cluster to com.fasterxml.jackson.databind;
    // dev.weft.cuda.bindings (the FFM bindings under bindings/) is in this module but not exported: only
    // dev.weft.cuda calls it. Its downcalls are restricted methods: run with --enable-native-access=dev.weft
    // on the module path (ALL-UNNAMED on the class path) to avoid the JDK's warning.

    // Device event backends (CUDA, test devices) are found by ServiceLoader; see dev.weft.event.EventRegistry.
    uses dev.weft.event.EventBackend;
    provides dev.weft.event.EventBackend with dev.weft.cuda.CudaEventBackend;
    // Java implementations of the operations a data flow file names; see dev.weft.flow.OperationRegistry.
    uses dev.weft.flow.OperationProvider;
    provides dev.weft.flow.OperationProvider with dev.weft.demo.cluster.FanOut;
    // Java implementations of the node types a tube file names; see dev.weft.tube.NodeProvider.
    uses dev.weft.tube.NodeProvider;
    provides dev.weft.tube.NodeProvider with dev.weft.demo.tube.NoobNodes;
}
