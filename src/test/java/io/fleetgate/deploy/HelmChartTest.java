package io.fleetgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart in {@code helm/fleetgate} lints and renders offline (helm-java embeds Helm), and
 * renders what each values set asks for. Structural checks on every rendered object are in
 * {@link ManifestStructureTest}, the KafkaTopics in {@link StrimziTopicsTest}.
 */
class HelmChartTest {

    @Test
    void chartPassesHelmLint() {
        LintResult lint = new Helm(RenderedChart.CHART).lint().strict().call();

        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
    }

    @Test
    void defaultValuesRenderAnAutoscaledGatewayWithoutOptionalExtras() {
        RenderedChart chart = RenderedChart.defaults();

        assertThat(chart.ofKind("Deployment")).hasSize(1);
        assertThat(chart.ofKind("Service")).hasSize(1);
        assertThat(chart.ofKind("ServiceAccount")).hasSize(1);
        assertThat(chart.ofKind("ConfigMap")).hasSize(2);
        assertThat(chart.ofKind("HorizontalPodAutoscaler")).hasSize(1);
        assertThat(chart.ofKind("PodDisruptionBudget")).hasSize(1);
        assertThat(chart.ofKind("KafkaTopic")).hasSize(io.fleetgate.app.KafkaTopics.load(StrimziTopics.DECLARATIONS).topics().size());
        assertThat(chart.ofKind("ServiceMonitor")).isEmpty();
        assertThat(chart.ofKind("Ingress")).isEmpty();
        assertThat(chart.ofKind("Secret")).isEmpty();

        assertThat(chart.settingsEnvironment())
                .containsEntry("FLEETGATE_KAFKA_BOOTSTRAP_SERVERS", "fleetgate-kafka-bootstrap:9092")
                .containsEntry("FLEETGATE_LIMITS_BACKEND", "memory")
                .containsEntry("FLEETGATE_LIMITS_IP_PER_WINDOW", "60")
                .containsEntry("FLEETGATE_LIMITS_SITE_PER_WINDOW", "30")
                .containsEntry("FLEETGATE_REGIONS_NA_BASE_URL", "https://fleet-api.prd.na.vn.cloud.tesla.com")
                .containsEntry("FLEETGATE_REGIONS_EU_BASE_URL", "https://fleet-api.prd.eu.vn.cloud.tesla.com")
                .containsEntry("FLEETGATE_REGIONS_CN_BASE_URL", "https://fleet-api.prd.cn.vn.cloud.tesla.cn");
        assertThat(chart.camelProperties())
                .containsEntry("camel.server.port", "8080")
                .containsEntry("camel.management.port", "9876")
                .containsEntry("camel.component.kafka.security-protocol", "PLAINTEXT");
        // nothing secret is configured, so nothing secret is mounted
        assertThat(chart.volume("camel-secrets").isMissingNode()).isTrue();
        assertThat(chart.env("CAMEL_MAIN_CLOUD_PROPERTIES_LOCATION").path("value").asText()).isEqualTo("/etc/fleetgate/camel");
    }

    @Test
    void productionValuesRenderThreeReplicasOnSaslKafkaWithRedisMonitoringAndIngress() {
        RenderedChart chart = RenderedChart.production();

        JsonNode hpa = chart.only("HorizontalPodAutoscaler");
        assertThat(hpa.path("spec").path("minReplicas").asInt()).isEqualTo(3);
        // the autoscaler owns the replica count, so an upgrade does not reset it
        assertThat(chart.deployment().path("spec").has("replicas")).isFalse();
        assertThat(chart.only("PodDisruptionBudget").path("spec").path("minAvailable").asInt()).isEqualTo(2);

        assertThat(chart.settingsEnvironment())
                .containsEntry("FLEETGATE_KAFKA_BOOTSTRAP_SERVERS", "prod-kafka-bootstrap.kafka.svc:9093")
                .containsEntry("FLEETGATE_LIMITS_BACKEND", "redis")
                .containsEntry("FLEETGATE_VCP_DOMAIN", "fleet.example.com")
                .containsEntry("FLEETGATE_ACCOUNTS_FILE", "/etc/fleetgate/accounts/accounts.yaml")
                .containsEntry("FLEETGATE_VCP_PRIVATE_KEY_FILE", "/etc/fleetgate/fleet-key/private-key.pem")
                .containsEntry("FLEETGATE_INGRESS_TRUSTED_PROXIES", "10.42.0.0/16")
                .doesNotContainKey("FLEETGATE_LIMITS_REDIS_URL");
        assertThat(chart.env("FLEETGATE_LIMITS_REDIS_URL").path("valueFrom").path("secretKeyRef").path("name").asText())
                .isEqualTo("fleetgate-redis");

        assertThat(chart.camelProperties())
                .containsEntry("camel.component.kafka.security-protocol", "SASL_SSL")
                .containsEntry("camel.component.kafka.sasl-mechanism", "SCRAM-SHA-512")
                .containsEntry("camel.component.kafka.ssl-truststore-location", "/etc/fleetgate/kafka-truststore/ca.crt")
                .containsEntry("camel.component.kafka.ssl-truststore-type", "PEM");
        // the JAAS configuration is a file named after its option, projected from the KafkaUser's Secret
        JsonNode jaas = chart.volume("camel-secrets").path("projected").path("sources").get(0).path("secret");
        assertThat(jaas.path("name").asText()).isEqualTo("fleetgate-kafka-user");
        assertThat(jaas.path("items").get(0).path("key").asText()).isEqualTo("sasl.jaas.config");
        assertThat(jaas.path("items").get(0).path("path").asText()).isEqualTo("camel.component.kafka.sasl-jaas-config");
        assertThat(chart.env("CAMEL_MAIN_CLOUD_PROPERTIES_LOCATION").path("value").asText())
                .isEqualTo("/etc/fleetgate/camel,/etc/fleetgate/camel-secrets");

        JsonNode monitor = chart.only("ServiceMonitor");
        assertThat(monitor.path("spec").path("endpoints").get(0).path("port").asText()).isEqualTo("management");
        assertThat(monitor.path("spec").path("endpoints").get(0).path("path").asText()).isEqualTo("/observe/metrics");
        JsonNode ingress = chart.only("Ingress");
        assertThat(ingress.path("spec").path("rules").get(0).path("host").asText()).isEqualTo("fleet.example.com");
        assertThat(ingress.path("spec").path("tls").get(0).path("secretName").asText()).isEqualTo("fleetgate-tls");
        assertThat(chart.ofKind("KafkaTopic")).allSatisfy(topic ->
                assertThat(topic.path("metadata").path("namespace").asText()).isEqualTo("kafka"));
    }

    @Test
    void withoutAutoscalingTheDeploymentHoldsReplicaCount() {
        RenderedChart chart = RenderedChart.render(RenderedChart.PRODUCTION_VALUES, Map.of("autoscaling.enabled", false));

        assertThat(chart.ofKind("HorizontalPodAutoscaler")).isEmpty();
        assertThat(chart.deployment().path("spec").path("replicas").asInt()).isEqualTo(3);
    }

    @Test
    void refusesToRenderWithoutAKafkaCluster() {
        assertThatThrownBy(() -> RenderedChart.render(null, Map.of("kafka.bootstrapServers", "")))
                .hasMessageContaining("kafka.bootstrapServers is required");
    }

    @Test
    void refusesAnUnknownLimiterBackend() {
        assertThatThrownBy(() -> RenderedChart.render(null, Map.of("limits.backend", "memcached")))
                .hasMessageContaining("limits.backend must be memory or redis");
    }

    @Test
    void notesTellHowToReachTheGatewayAndWarnAboutMissingSettings() {
        // a client-only dry-run install renders NOTES.txt without a cluster
        String notes = new Helm(RenderedChart.CHART).install().withName(RenderedChart.RELEASE)
                .withNamespace(RenderedChart.NAMESPACE).withKubeVersion(RenderedChart.KUBE_VERSION)
                .clientOnly().dryRun().call().getOutput();

        assertThat(notes)
                .contains("kubectl --namespace fleetgate port-forward svc/fleetgate 8080:8080")
                .contains("http://fleetgate.fleetgate.svc:8080")
                .contains("/observe/health/ready")
                .contains("WARNING: tokenEncryption.existingSecret is empty")
                .contains("WARNING: limits.backend is memory with more than one replica");
    }
}
