package dev.weft;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Weft's package graph, enforced (issue 13): {@code event} &lt;- {@code scope} &lt;- {@code lock} &lt;- the rest, no
 * cycles, heavy libraries only in the package that needs them, and the applications ({@code demo}, {@code cli}) never
 * imported by the library. Each rule is also run against a deliberate violation compiled into the test classes
 * ({@code dev.weft.*.violation}), so every rule is seen failing on every build.
 */
class ArchitectureTest {
    static JavaClasses library;

    /** The rules, by name; each applies to Weft's main classes (and, in the second test, to one violation more). */
    static final Map<String, ArchRule> RULES = pairs(
            "no cycles between packages", slices().matching("dev.weft.(*)..").should().beFreeOfCycles(),
            "event is a leaf", classes().that().resideInAPackage("dev.weft.event..").should().onlyDependOnClassesThat()
                    .resideInAnyPackage("dev.weft.event..", "dev.weft.function..", "java..", "jdk.internal..",
                            "org.slf4j.."),
            "scope imports only event", classes().that().resideInAPackage("dev.weft.scope..").should()
                    .onlyDependOnClassesThat().resideInAnyPackage("dev.weft.scope..", "dev.weft.event..",
                            "dev.weft.function..", "java..", "jdk.jfr..", "org.slf4j.."),
            "lock imports only scope and event", classes().that().resideInAPackage("dev.weft.lock..").should()
                    .onlyDependOnClassesThat().resideInAnyPackage("dev.weft.lock..", "dev.weft.scope..",
                            "dev.weft.event..", "dev.weft.function..", "java..", "org.slf4j.."),
            "stm imports only function", classes().that().resideInAPackage("dev.weft.stm..").should()
                    .onlyDependOnClassesThat().resideInAnyPackage("dev.weft.stm..", "dev.weft.function..", "java.."),
            "function is a leaf", classes().that().resideInAPackage("dev.weft.function..").should()
                    .onlyDependOnClassesThat().resideInAnyPackage("dev.weft.function..", "java.lang.."),
            // components build on scopes (and may use events, locks, functions); metrics watch them through
            // ComponentObserver, never the other way round
            "component imports no add-on", noClasses().that().resideInAPackage("dev.weft.component..").should()
                    .dependOnClassesThat().resideInAnyPackage("dev.weft.metrics..", "dev.weft.flow..",
                            "dev.weft.cuda..", "dev.weft.breaker..", "dev.weft.demo..", "dev.weft.cli.."),
            // tubes build on scopes; metrics watch them through TubeObserver
            "tube imports no add-on", noClasses().that().resideInAPackage("dev.weft.tube..").should()
                    .dependOnClassesThat().resideInAnyPackage("dev.weft.metrics..", "dev.weft.flow..",
                            "dev.weft.component..", "dev.weft.cuda..", "dev.weft.demo..", "dev.weft.cli.."),
            "Micrometer only in metrics", noClasses().that().resideOutsideOfPackage("dev.weft.metrics..").should()
                    .dependOnClassesThat().resideInAPackage("io.micrometer.."),
            // flow reads and writes flow files, tube reads tube files; the flow CLI parses and prints JSON values;
            // the cluster writes values on the wire as CBOR
            "Jackson only where flow files are read and written", noClasses().that()
                    .resideOutsideOfPackages("dev.weft.flow..", "dev.weft.tube..", "dev.weft.cli..",
                            "dev.weft.cluster..").should().dependOnClassesThat()
                    .resideInAPackage("com.fasterxml.jackson.."),
            // circuit breakers are an add-on on Resilience4j (optional): in the library only dev.weft.breaker imports
            // it, and the meters binding in metrics (Resilience4j's own TaggedCircuitBreakerMetrics, in its own class
            // so that Metrics never loads Resilience4j); the applications build breakers as any user does
            "Resilience4j only in dev.weft.breaker", noClasses().that().resideOutsideOfPackages("dev.weft.breaker..",
                    "dev.weft.demo..", "dev.weft.cli..")
                    .and().doNotHaveFullyQualifiedName("dev.weft.metrics.BreakerMeters").should()
                    .dependOnClassesThat().resideInAPackage("io.github.resilience4j.."),
            // the core reaches breakers only through generic hooks (Component.status(), Weft.retry's retryIf)
            "the core never imports breaker", noClasses().that().resideOutsideOfPackages("dev.weft.breaker..",
                    "dev.weft.demo..", "dev.weft.cli..").should().dependOnClassesThat()
                    .resideInAPackage("dev.weft.breaker.."),
            // adaptive limits are an add-on over the scope's ConcurrencyLimit hook: the flow, the facade's callers and the
            // applications use it; the core (event, scope, lock) and the component and tube packages never import it
            "the core never imports adapt", noClasses().that().resideInAnyPackage("dev.weft.event..",
                    "dev.weft.scope..", "dev.weft.lock..", "dev.weft.component..", "dev.weft.tube..",
                    "dev.weft.function..").should().dependOnClassesThat().resideInAPackage("dev.weft.adapt.."),
            // Netflix concurrency-limits (optional) in one package, loaded only when its latency law is chosen
            "Netflix concurrency-limits only in dev.weft.adapt", noClasses().that()
                    .resideOutsideOfPackage("dev.weft.adapt..").should().dependOnClassesThat()
                    .resideInAPackage("com.netflix.concurrency.limits.."),
            // Pekko (optional, with Scala) in one add-on package; flows and tubes reach it only through hooks
            // (DataFlow.withImplementation, NodeHost), so nothing else imports the cluster package but the applications
            "Pekko only in cluster", noClasses().that().resideOutsideOfPackages("dev.weft.cluster..").should()
                    .dependOnClassesThat().resideInAnyPackage("org.apache.pekko..", "scala.."),
            "the library never imports cluster", noClasses().that().resideOutsideOfPackages("dev.weft.cluster..",
                    "dev.weft.demo..", "dev.weft.cli..").should().dependOnClassesThat()
                    .resideInAPackage("dev.weft.cluster.."),
            "the JDK's preview StructuredTaskScope only in the scope package's adapter", noClasses().that()
                    .doNotHaveFullyQualifiedName("dev.weft.scope.JdkScope")
                    .and().doNotHaveFullyQualifiedName("dev.weft.scope.JdkScope$1").should().dependOnClassesThat()
                    .haveNameMatching("java\\.util\\.concurrent\\.StructuredTaskScope.*"),
            "the library never imports the applications", noClasses().that()
                    .resideOutsideOfPackages("dev.weft.demo..", "dev.weft.cli..").should().dependOnClassesThat()
                    .resideInAnyPackage("dev.weft.demo..", "dev.weft.cli.."));

    /** Each rule's deliberate violation (test classes under dev.weft.*.violation), by rule name. */
    static final Map<String, String> VIOLATIONS = pairs(
            "no cycles between packages", "dev.weft.event.violation.EventImportsScope",
            "event is a leaf", "dev.weft.event.violation.EventImportsScope",
            "scope imports only event", "dev.weft.scope.violation.ScopeImportsLock",
            "lock imports only scope and event", "dev.weft.lock.violation.LockImportsFlow",
            "function is a leaf", "dev.weft.function.violation.FunctionImportsEvent",
            "stm imports only function", "dev.weft.stm.violation.StmImportsLock",
            "component imports no add-on", "dev.weft.component.violation.ComponentImportsMetrics",
            "tube imports no add-on", "dev.weft.tube.violation.TubeImportsMetrics",
            "Micrometer only in metrics", "dev.weft.lock.violation.LockUsesMicrometer",
            "Jackson only where flow files are read and written", "dev.weft.scope.violation.ScopeUsesJackson",
            "Resilience4j only in dev.weft.breaker", "dev.weft.flow.violation.FlowUsesResilience4j",
            "the core never imports breaker", "dev.weft.scope.violation.ScopeImportsBreaker",
            "the core never imports adapt", "dev.weft.scope.violation.ScopeImportsAdapt",
            "Netflix concurrency-limits only in dev.weft.adapt", "dev.weft.flow.violation.FlowUsesNetflixLimits",
            "the library never imports the applications", "dev.weft.lock.violation.LockImportsDemo",
            "Pekko only in cluster", "dev.weft.flow.violation.FlowUsesPekko",
            "the library never imports cluster", "dev.weft.tube.violation.TubeImportsCluster",
            "the JDK's preview StructuredTaskScope only in the scope package's adapter",
            "dev.weft.scope.violation.ScopeUsesStructuredTaskScope");

    /** A map from alternating keys and values, in order (Map.of stops at ten pairs; more rules are coming). */
    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> pairs(Object... keysAndValues) {
        Map<String, V> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
        }
        return map;
    }

    @BeforeAll
    static void importLibrary() {
        library = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.weft");
        assertThat(library).as("Weft's main classes were found").hasSizeGreaterThan(100);
    }

    @Test
    void theLibraryKeepsEveryRule() {
        for (var rule : RULES.entrySet()) {
            EvaluationResult result = rule.getValue().evaluate(library);
            assertThat(result.hasViolation()).as("%s:%n%s", rule.getKey(), result.getFailureReport()).isFalse();
        }
    }

    @Test
    void everyRuleFailsAgainstItsDeliberateViolation() throws ClassNotFoundException {
        assertThat(VIOLATIONS.keySet()).as("every rule has a violation")
                .containsExactlyInAnyOrderElementsOf(RULES.keySet());
        // Main and test classes together: the violations are test classes; other test classes may break rules too,
        // so each report is checked for its own violation by name.
        JavaClasses withViolations = new ClassFileImporter().importPackages("dev.weft");
        for (var v : VIOLATIONS.entrySet()) {
            assertThat(Class.forName(v.getValue())).isNotNull();
            EvaluationResult result = RULES.get(v.getKey()).evaluate(withViolations);
            assertThat(result.hasViolation()).as("rule '%s' against %s", v.getKey(), v.getValue()).isTrue();
            assertThat(result.getFailureReport().toString()).contains(v.getValue());
        }
    }
}
