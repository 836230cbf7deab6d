package io.fleetgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a Kubernetes schema check would catch in the rendered manifests, checked structurally.
 * No Kubernetes JSON schemas are available offline from Maven Central (kubernetes-model-core
 * ships none, and kubeconform/kubeval are not installable here), and kubectl cannot validate
 * without a cluster, so these tests read the manifests with Jackson and check the fields and
 * cross-references that matter: each with the default values and with production-like ones.
 */
class ManifestStructureTest {

    // RFC 1123 subdomain (object names) and label values
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    /** Names of settings that carry a secret; a *_FILE or *_LOCATION names a mounted file instead. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?!.*_(FILE|LOCATION)$).*(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|JAAS|PRIVATE_KEY|ENCRYPTION_KEY|API_KEY).*");
    /** A URL with credentials in it (user:password@). */
    private static final Pattern URL_WITH_CREDENTIALS = Pattern.compile("[a-z][a-z0-9+.-]*://[^/\\s@]*:[^/\\s@]+@");

    private static final Map<String, RenderedChart> RENDERED = Map.of(
            "default values", RenderedChart.defaults(),
            "production values", RenderedChart.production());

    static Stream<Arguments> valueSets() {
        return RENDERED.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void everyObjectHasApiVersionKindAndAValidName(String values, RenderedChart chart) {
        assertThat(chart.objects()).isNotEmpty().allSatisfy(object -> {
            assertThat(object.path("apiVersion").asText()).as("apiVersion of %s", object).isNotBlank();
            assertThat(object.path("kind").asText()).as("kind of %s", object).isNotBlank();
            String name = object.path("metadata").path("name").asText();
            assertThat(name).as("metadata.name of a %s", object.path("kind").asText()).matches(DNS_SUBDOMAIN).hasSizeLessThanOrEqualTo(253);
            object.path("metadata").path("labels").properties().forEach(label -> assertThat(label.getValue().asText())
                    .as("label %s of %s", label.getKey(), name).matches(LABEL_VALUE).hasSizeLessThanOrEqualTo(63));
            assertThat(object.path("metadata").path("labels").path("app.kubernetes.io/name").asText()).isEqualTo("fleetgate");
            assertThat(object.path("metadata").path("labels").path("app.kubernetes.io/instance").asText()).isEqualTo(RenderedChart.RELEASE);
        });
        // names in the Service, ConfigMaps, ... stay DNS labels (63), as Services require
        assertThat(chart.only("Service").path("metadata").path("name").asText()).hasSizeLessThanOrEqualTo(63);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void deploymentSelectorMatchesThePodTemplateLabels(String values, RenderedChart chart) {
        JsonNode spec = chart.deployment().path("spec");
        Map<String, String> selector = RenderedChart.labels(spec.path("selector").path("matchLabels"));
        Map<String, String> podLabels = RenderedChart.labels(spec.path("template").path("metadata").path("labels"));

        assertThat(selector).isNotEmpty();
        assertThat(podLabels).containsAllEntriesOf(selector);
        assertThat(chart.container().path("image").asText()).contains(":");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void probesCallTheManagementHealthEndpoints(String values, RenderedChart chart) {
        JsonNode container = chart.container();
        Set<String> management = new HashSet<>();
        for (JsonNode port : container.path("ports")) {
            if ("management".equals(port.path("name").asText())) {
                management.add("management");
                management.add(port.path("containerPort").asText());
                assertThat(port.path("containerPort").asInt()).isEqualTo(9876);
            }
        }
        assertThat(management).as("a container port named management").isNotEmpty();

        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/observe/health/ready");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/observe/health/live");
        assertThat(container.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/observe/health/live");
        for (String probe : new String[] {"readinessProbe", "livenessProbe", "startupProbe"}) {
            assertThat(container.path(probe).path("httpGet").path("port").asText()).as(probe).isIn(management);
        }
        // and the app is told to serve them there
        assertThat(chart.camelProperties())
                .containsEntry("camel.management.port", "9876")
                .containsEntry("camel.management.enabled", "true")
                .containsEntry("camel.management.health-check-enabled", "true");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void theAuditJournalIsOnAVolumeOfItsOwnBelowItsSize(String values, RenderedChart chart) {
        String dir = chart.settingsEnvironment().get("FLEETGATE_AUDIT_JOURNAL_DIR");
        JsonNode mount = null;
        for (JsonNode m : chart.container().path("volumeMounts")) {
            if (m.path("mountPath").asText().equals(dir)) {
                mount = m;
            }
        }
        assertThat(mount).as("a volume mounted at the journal's folder %s (the root filesystem is read-only)", dir).isNotNull();
        assertThat(mount.path("readOnly").asBoolean(false)).isFalse();
        JsonNode volume = chart.volume(mount.path("name").asText());
        assertThat(volume.path("emptyDir").path("sizeLimit").asText()).as("default: an emptyDir").isEqualTo("512Mi");
        assertThat(Long.parseLong(chart.settingsEnvironment().get("FLEETGATE_AUDIT_JOURNAL_MAX_BYTES")))
                .as("the journal's bound stays below the volume's size").isLessThan(512L * 1024 * 1024);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void noSecretIsInlined(String values, RenderedChart chart) {
        // the chart only references Secrets; were one ever rendered, it must carry no data
        assertThat(chart.ofKind("Secret")).allSatisfy(secret -> {
            assertThat(secret.has("data")).isFalse();
            assertThat(secret.has("stringData")).isFalse();
        });
        for (JsonNode configMap : chart.ofKind("ConfigMap")) {
            configMap.path("data").properties().forEach(entry -> {
                assertThat(entry.getKey()).as("ConfigMap key").doesNotMatch(SECRET_NAME);
                assertThat(entry.getValue().asText()).as("ConfigMap %s", entry.getKey())
                        .doesNotContainPattern(URL_WITH_CREDENTIALS)
                        .doesNotContainIgnoringCase("jaas-config")
                        .doesNotContainIgnoringCase("password");
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void everySecretEnvironmentVariableComesFromASecretKeyRef(String values, RenderedChart chart) {
        for (JsonNode env : chart.container().path("env")) {
            String name = env.path("name").asText();
            if (env.has("value")) {
                assertThat(env.path("value").asText()).as(name).doesNotContainPattern(URL_WITH_CREDENTIALS);
            }
            if (SECRET_NAME.matcher(name).matches() || name.endsWith("REDIS_URL")) {
                assertThat(env.has("value")).as("%s has an inline value", name).isFalse();
                JsonNode ref = env.path("valueFrom").path("secretKeyRef");
                assertThat(ref.path("name").asText()).as("%s secretKeyRef.name", name).isNotBlank();
                assertThat(ref.path("key").asText()).as("%s secretKeyRef.key", name).isNotBlank();
            }
        }
        for (String name : chart.settingsEnvironment().keySet()) {
            assertThat(name).as("secret-looking variable from a ConfigMap").doesNotMatch(SECRET_NAME);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void everyContainerHasResources(String values, RenderedChart chart) {
        assertThat(chart.podSpec().path("containers")).allSatisfy(container -> {
            JsonNode resources = container.path("resources");
            assertThat(resources.path("requests").path("cpu").asText()).isNotBlank();
            assertThat(resources.path("requests").path("memory").asText()).isNotBlank();
            assertThat(resources.path("limits").path("memory").asText()).isNotBlank();
            assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        });
        assertThat(chart.podSpec().path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void autoscalerTargetsTheDeployment(String values, RenderedChart chart) {
        JsonNode deployment = chart.deployment();
        assertThat(chart.ofKind("HorizontalPodAutoscaler")).allSatisfy(hpa -> {
            JsonNode target = hpa.path("spec").path("scaleTargetRef");
            assertThat(target.path("apiVersion").asText()).isEqualTo(deployment.path("apiVersion").asText());
            assertThat(target.path("kind").asText()).isEqualTo("Deployment");
            assertThat(target.path("name").asText()).isEqualTo(deployment.path("metadata").path("name").asText());
            assertThat(hpa.path("spec").path("minReplicas").asInt())
                    .isPositive().isLessThanOrEqualTo(hpa.path("spec").path("maxReplicas").asInt());
            assertThat(deployment.path("spec").has("replicas")).as("replicas left to the autoscaler").isFalse();
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void disruptionBudgetSelectsTheDeploymentsPods(String values, RenderedChart chart) {
        JsonNode spec = chart.deployment().path("spec");
        Map<String, String> podLabels = RenderedChart.labels(spec.path("template").path("metadata").path("labels"));
        assertThat(chart.ofKind("PodDisruptionBudget")).hasSize(1).allSatisfy(pdb -> {
            Map<String, String> selector = RenderedChart.labels(pdb.path("spec").path("selector").path("matchLabels"));
            assertThat(selector).isNotEmpty().isEqualTo(RenderedChart.labels(spec.path("selector").path("matchLabels")));
            assertThat(podLabels).containsAllEntriesOf(selector);
            assertThat(pdb.path("spec").has("minAvailable") ^ pdb.path("spec").has("maxUnavailable"))
                    .as("exactly one of minAvailable and maxUnavailable").isTrue();
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void serviceIngressAndMonitorReachNamedPorts(String values, RenderedChart chart) {
        Set<String> containerPorts = new HashSet<>();
        chart.container().path("ports").forEach(p -> containerPorts.add(p.path("name").asText()));
        Map<String, String> podLabels = RenderedChart.labels(chart.deployment().path("spec").path("template").path("metadata").path("labels"));

        JsonNode service = chart.only("Service");
        assertThat(podLabels).containsAllEntriesOf(RenderedChart.labels(service.path("spec").path("selector")));
        Set<String> servicePorts = new HashSet<>();
        for (JsonNode port : service.path("spec").path("ports")) {
            assertThat(port.path("targetPort").asText()).isIn(containerPorts);
            servicePorts.add(port.path("name").asText());
        }
        String serviceName = service.path("metadata").path("name").asText();

        for (JsonNode ingress : chart.ofKind("Ingress")) {
            for (JsonNode rule : ingress.path("spec").path("rules")) {
                for (JsonNode path : rule.path("http").path("paths")) {
                    JsonNode backend = path.path("backend").path("service");
                    assertThat(backend.path("name").asText()).isEqualTo(serviceName);
                    assertThat(backend.path("port").path("name").asText()).as("the Ingress exposes only the API").isEqualTo("http");
                    assertThat(path.path("pathType").asText()).isIn("Prefix", "Exact", "ImplementationSpecific");
                }
            }
        }
        for (JsonNode monitor : chart.ofKind("ServiceMonitor")) {
            assertThat(RenderedChart.labels(service.path("metadata").path("labels")))
                    .containsAllEntriesOf(RenderedChart.labels(monitor.path("spec").path("selector").path("matchLabels")));
            monitor.path("spec").path("endpoints").forEach(e -> assertThat(e.path("port").asText()).isIn(servicePorts));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void mountsAndReferencesPointAtWhatExists(String values, RenderedChart chart) {
        Set<String> volumes = new HashSet<>();
        chart.podSpec().path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
        chart.container().path("volumeMounts").forEach(m -> assertThat(m.path("name").asText()).isIn(volumes));

        Set<String> configMaps = new HashSet<>();
        chart.ofKind("ConfigMap").forEach(c -> configMaps.add(c.path("metadata").path("name").asText()));
        chart.podSpec().path("volumes").forEach(v -> {
            if (v.has("configMap")) {
                assertThat(v.path("configMap").path("name").asText()).isIn(configMaps);
            }
        });
        chart.container().path("envFrom").forEach(e -> assertThat(e.path("configMapRef").path("name").asText()).isIn(configMaps));

        // each directory Camel reads cloud properties from is mounted
        Set<String> mountPaths = new HashSet<>();
        chart.container().path("volumeMounts").forEach(m -> mountPaths.add(m.path("mountPath").asText()));
        for (String location : chart.env("CAMEL_MAIN_CLOUD_PROPERTIES_LOCATION").path("value").asText().split(",")) {
            assertThat(location).isIn(mountPaths);
        }
        assertThat(chart.podSpec().path("serviceAccountName").asText())
                .isEqualTo(chart.only("ServiceAccount").path("metadata").path("name").asText());
        // the settings' checksum rolls the pods when a setting changes
        assertThat(chart.deployment().path("spec").path("template").path("metadata").path("annotations")
                .path("checksum/config").asText()).hasSize(64);
    }
}
