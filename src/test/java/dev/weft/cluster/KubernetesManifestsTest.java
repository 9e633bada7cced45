package dev.weft.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Kubernetes deployment in {@code deploy/k8s} cannot run here (no Kubernetes), so its YAML is checked for what
 * makes it work: every document a well-formed object, the Deployment's pods matched by its own selector, the Service
 * and the discovery configuration of {@link KubernetesDiscovery}, probes and ports on the management and remoting
 * ports the configuration and the worker's arguments use, the TLS Secret mounted where the arguments look for it, and
 * RBAC that lets the pods' ServiceAccount list pods. And {@link KubernetesDiscovery#start} says what to do when Pekko
 * Management is not on the class path, as it is not on this one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KubernetesManifestsTest {
    private static final Path DIR = Path.of("deploy", "k8s");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding");

    /** Every document of every YAML file, with the file it came from. */
    static final List<Map.Entry<Path, JsonNode>> DOCS = new ArrayList<>();

    @BeforeAll
    static void readEveryDocument() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(files).as("manifests in %s", DIR.toAbsolutePath()).isNotEmpty();
        YAMLMapper yaml = new YAMLMapper();
        for (Path f : files) {
            try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(f.toFile())) {
                while (docs.hasNext()) {
                    JsonNode d = docs.next();
                    if (d != null && !d.isNull() && !d.isMissingNode()) {
                        DOCS.add(Map.entry(f, d));
                    }
                }
            }
        }
    }

    private static List<JsonNode> ofKind(String kind) {
        return DOCS.stream().map(Map.Entry::getValue).filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    private static JsonNode one(String kind) {
        List<JsonNode> all = ofKind(kind);
        assertThat(all).as("one %s", kind).hasSize(1);
        return all.getFirst();
    }

    private static Map<String, String> strings(JsonNode map) {
        Map<String, String> m = new HashMap<>();
        map.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    private static JsonNode container() {
        JsonNode containers = one("Deployment").path("spec").path("template").path("spec").path("containers");
        assertThat(containers.size()).as("one container").isEqualTo(1);
        return containers.get(0);
    }

    private static List<String> args() {
        List<String> args = new ArrayList<>();
        container().path("args").forEach(a -> args.add(a.asText()));
        return args;
    }

    /** The value after {@code option} in the container's arguments. */
    private static String arg(String option) {
        List<String> args = args();
        int i = args.indexOf(option);
        assertThat(i).as("%s in %s", option, args).isNotNegative().isLessThan(args.size() - 1);
        return args.get(i + 1);
    }

    /** The container port named {@code name}. */
    private static int port(String name) {
        for (JsonNode p : container().path("ports")) {
            if (name.equals(p.path("name").asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + name);
    }

    /** A probe's port: a number, or the name of a container port. */
    private static int probePort(String probe) {
        JsonNode port = container().path(probe).path("httpGet").path("port");
        return port.isInt() ? port.asInt() : port(port.asText());
    }

    private static Config discovery() {
        return ConfigFactory.parseString(KubernetesDiscovery.pekkoConfig(KubernetesDiscovery.SERVICE_NAME,
                KubernetesDiscovery.LABEL_SELECTOR, KubernetesDiscovery.MANAGEMENT_PORT,
                KubernetesDiscovery.REQUIRED_CONTACT_POINTS));
    }

    @Test
    void everyDocumentIsAKubernetesObjectWithANameInTheWeftNamespace() {
        assertThat(DOCS).hasSizeGreaterThanOrEqualTo(6);
        assertThat(DOCS).allSatisfy(e -> {
            JsonNode d = e.getValue();
            assertThat(d.path("apiVersion").asText()).as("%s: apiVersion", e.getKey()).isNotBlank();
            assertThat(d.path("kind").asText()).as("%s: kind", e.getKey()).isNotBlank();
            assertThat(d.path("metadata").path("name").asText()).as("%s: metadata.name", e.getKey()).isNotBlank();
            if (!CLUSTER_SCOPED.contains(d.path("kind").asText())) {
                assertThat(d.path("metadata").path("namespace").asText()).as("%s: %s's namespace", e.getKey(),
                        d.path("kind").asText()).isEqualTo(one("Namespace").path("metadata").path("name").asText());
            }
        });
        assertThat(DOCS.stream().map(e -> e.getValue().path("kind").asText()).toList())
                .contains("Namespace", "ServiceAccount", "Role", "RoleBinding", "Service", "Deployment");
    }

    @Test
    void theDeploymentsSelectorTheServiceAndTheDiscoveryLabelSelectorAllMatchThePods() {
        JsonNode deployment = one("Deployment");
        Map<String, String> podLabels = strings(deployment.path("spec").path("template").path("metadata")
                .path("labels"));
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(podLabels).containsAllEntriesOf(strings(deployment.path("spec").path("selector")
                .path("matchLabels")));
        assertThat(deployment.path("spec").path("selector").path("matchExpressions").isMissingNode()).isTrue();

        JsonNode service = one("Service");
        assertThat(service.path("spec").path("clusterIP").asText()).as("headless").isEqualTo("None");
        assertThat(service.path("spec").path("publishNotReadyAddresses").asBoolean()).isTrue();
        assertThat(strings(service.path("spec").path("selector"))).isNotEmpty();
        assertThat(podLabels).containsAllEntriesOf(strings(service.path("spec").path("selector")));

        // Pekko's Kubernetes API discovery formats the selector with the service name (its effective name)
        Config c = discovery();
        String selector = c.getString("pekko.discovery.kubernetes-api.pod-label-selector")
                .formatted(c.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name"));
        Map<String, String> wanted = new HashMap<>();
        for (String term : selector.split(",")) {
            String[] kv = term.split("=", 2);
            assertThat(kv).as("an equality term in '%s'", selector).hasSize(2);
            wanted.put(kv[0].strip(), kv[1].strip());
        }
        assertThat(podLabels).as("pods found by '%s'", selector).containsAllEntriesOf(wanted);
        assertThat(c.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"))
                .isEqualTo("kubernetes-api");
        assertThat(c.getInt("pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"))
                .as("bootstrap can find enough pods").isBetween(1, deployment.path("spec").path("replicas").asInt());
    }

    @Test
    void probesAndPortsAreTheOnesTheConfigurationAndTheArgumentsUse() {
        Config c = discovery();
        int management = c.getInt("pekko.management.http.port");
        assertThat(management).isEqualTo(KubernetesDiscovery.MANAGEMENT_PORT);
        String portName = c.getString("pekko.management.cluster.bootstrap.contact-point-discovery.port-name");
        assertThat(port(portName)).as("bootstrap's contact port is the management port").isEqualTo(management);
        assertThat(container().path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/ready");
        assertThat(container().path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/alive");
        assertThat(probePort("readinessProbe")).isEqualTo(management);
        assertThat(probePort("livenessProbe")).isEqualTo(management);

        int remoting = port("remoting");
        assertThat(arg("--port")).isEqualTo(Integer.toString(remoting));
        Map<String, Integer> servicePorts = new HashMap<>();
        for (JsonNode p : one("Service").path("spec").path("ports")) {
            servicePorts.put(p.path("name").asText(), p.path("port").asInt());
        }
        assertThat(servicePorts).containsExactlyInAnyOrderEntriesOf(Map.of("remoting", remoting,
                "management", management));

        JsonNode resources = container().path("resources");
        for (String kind : List.of("requests", "limits")) {
            assertThat(resources.path(kind).path("cpu").asText()).as("%s.cpu", kind).isNotBlank();
            assertThat(resources.path(kind).path("memory").asText()).as("%s.memory", kind).isNotBlank();
        }
    }

    @Test
    void theArgumentsAreAWorkerWithKubernetesDiscoveryTlsFromTheMountedSecretAndThePodsAddress() {
        List<String> args = args();
        assertThat(args.getFirst()).as("the image runs ClusterCli: the subcommand comes first").isEqualTo("worker");
        assertThat(args).contains("--discovery", "--tls", "--member", "--port", "--host");
        assertThat(arg("--discovery")).isEqualTo("kubernetes");
        assertThat(arg("--host")).isEqualTo("$(POD_IP)");

        Map<String, JsonNode> env = new HashMap<>();
        container().path("env").forEach(e -> env.put(e.path("name").asText(), e));
        assertThat(env.get("POD_IP").path("valueFrom").path("fieldRef").path("fieldPath").asText())
                .isEqualTo("status.podIP");
        assertThat(env.get("POD_NAME").path("valueFrom").path("fieldRef").path("fieldPath").asText())
                .isEqualTo("metadata.name");

        // the TLS folder is a read-only mount of a Secret holding the member's key store and the trust store
        String tls = arg("--tls");
        JsonNode mount = null;
        for (JsonNode m : container().path("volumeMounts")) {
            if (tls.equals(m.path("mountPath").asText())) {
                mount = m;
            }
        }
        assertThat(mount).as("a volume mounted at %s", tls).isNotNull();
        assertThat(mount.path("readOnly").asBoolean()).isTrue();
        JsonNode volume = null;
        for (JsonNode v : one("Deployment").path("spec").path("template").path("spec").path("volumes")) {
            if (mount.path("name").asText().equals(v.path("name").asText())) {
                volume = v;
            }
        }
        assertThat(volume).isNotNull();
        String secret = volume.path("secret").path("secretName").asText();
        assertThat(secret).as("a Secret volume").isNotBlank();
        List<String> paths = new ArrayList<>();
        volume.path("secret").path("items").forEach(i -> paths.add(i.path("path").asText()));
        assertThat(paths).as("what Tls.fromDirectory(dir, member, ...) opens, and never the CA's key")
                .containsExactlyInAnyOrder(arg("--member") + ".p12", Certificates.TRUST_STORE)
                .doesNotContain(Certificates.CA_KEY_STORE);
        JsonNode password = env.get("WEFT_CLUSTER_PASSWORD").path("valueFrom").path("secretKeyRef");
        assertThat(password.path("name").asText()).as("the password from the same Secret").isEqualTo(secret);
        assertThat(password.path("key").asText()).isEqualTo("password");
    }

    @Test
    void rbacLetsTheDeploymentsServiceAccountGetWatchAndListPods() {
        JsonNode deployment = one("Deployment");
        String account = deployment.path("spec").path("template").path("spec").path("serviceAccountName").asText();
        String namespace = deployment.path("metadata").path("namespace").asText();
        assertThat(ofKind("ServiceAccount")).extracting(a -> a.path("metadata").path("name").asText())
                .contains(account);

        Map<String, JsonNode> roles = new HashMap<>();
        ofKind("Role").forEach(r -> roles.put(r.path("metadata").path("name").asText(), r));
        boolean granted = false;
        for (JsonNode binding : ofKind("RoleBinding")) {
            boolean toAccount = false;
            for (JsonNode s : binding.path("subjects")) {
                toAccount |= "ServiceAccount".equals(s.path("kind").asText()) && account.equals(s.path("name").asText())
                        && namespace.equals(s.path("namespace").asText());
            }
            JsonNode ref = binding.path("roleRef");
            JsonNode role = roles.get(ref.path("name").asText());
            if (!toAccount || !"Role".equals(ref.path("kind").asText()) || role == null) {
                continue;
            }
            assertThat(ref.path("apiGroup").asText()).isEqualTo("rbac.authorization.k8s.io");
            for (JsonNode rule : role.path("rules")) {
                List<String> groups = new ArrayList<>();
                List<String> resources = new ArrayList<>();
                List<String> verbs = new ArrayList<>();
                rule.path("apiGroups").forEach(g -> groups.add(g.asText()));
                rule.path("resources").forEach(r -> resources.add(r.asText()));
                rule.path("verbs").forEach(v -> verbs.add(v.asText()));
                granted |= groups.contains("") && resources.contains("pods")
                        && verbs.containsAll(List.of("get", "watch", "list"));
            }
        }
        assertThat(granted).as("a RoleBinding gives %s/%s a Role to get, watch and list pods", namespace, account)
                .isTrue();
    }

    @Test
    void theDiscoveryConfigurationRefusesNonsense() {
        assertThatThrownBy(() -> KubernetesDiscovery.pekkoConfig(" ", "app=%s", 7626, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KubernetesDiscovery.pekkoConfig("w", "app=%s", 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1-65535");
        assertThatThrownBy(() -> KubernetesDiscovery.pekkoConfig("w", "app=%s", 7626, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
        Config quoted = ConfigFactory.parseString(KubernetesDiscovery.pekkoConfig("we\"ird", "app=%s,tier=x", 1, 1));
        assertThat(quoted.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name"))
                .isEqualTo("we\"ird");
        assertThat(quoted.getBoolean("pekko.coordinated-shutdown.exit-jvm")).isTrue();
    }

    @Test
    void startingWithoutPekkoManagementOnTheClassPathSaysToBuildWithTheKubernetesProfile() {
        assertThatThrownBy(() -> Class.forName(KubernetesDiscovery.MANAGEMENT_CLASS))
                .as("this test is about the default class path").isInstanceOf(ClassNotFoundException.class);
        // start looks for Pekko Management before it touches the actor system, so none needs starting here (an
        // actor system costs seconds on 2 cores); the message is what a worker started with one would throw
        assertThatThrownBy(() -> KubernetesDiscovery.start(null)).isInstanceOf(ClusterException.class)
                .hasMessageStartingWith("Pekko Management is not on the class path: build the worker image with"
                        + " -Pkubernetes")
                .hasMessageContaining(KubernetesDiscovery.MANAGEMENT_CLASS)
                .hasCauseInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> KubernetesDiscovery.start(null, new ClassLoader(null) { }))
                .as("a loader that finds nothing, not even Pekko").isInstanceOf(ClusterException.class)
                .hasMessageStartingWith("Pekko Management is not on the class path");
    }
}
