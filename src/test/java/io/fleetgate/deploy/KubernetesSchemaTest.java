package io.fleetgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rendered manifests validate against the Kubernetes API's JSON schemas (npm kubernetes-models,
 * and prometheus-operator's for the ServiceMonitor), offline: types, required fields, enums.
 * Strimzi's KafkaTopic has no schema there; StrimziTopicsTest checks it. The validator runs on
 * Node from src/test/k8s-schema; its packages are installed once (npm ci; .ci/run does it too).
 */
class KubernetesSchemaTest {
    private static final Path VALIDATOR = Path.of("src/test/k8s-schema");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> valueSets() {
        return Stream.of(
                Arguments.of("default values", RenderedChart.defaults()),
                Arguments.of("production values", RenderedChart.production()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void renderedManifestsMatchTheKubernetesSchemas(String values, RenderedChart chart) throws Exception {
        List<JsonNode> results = validate(chart.objects());

        assertThat(results).hasSize(chart.objects().size());
        for (JsonNode result : results) {
            String what = result.path("kind").asText() + " " + result.path("name").asText();
            if (result.path("kind").asText().equals("KafkaTopic")) {
                continue;
            }
            assertThat(result.path("schema").asBoolean()).as("a schema for %s", what).isTrue();
            assertThat(result.path("error").isNull()).as("%s: %s", what, result.path("error").asText()).isTrue();
        }
        assertThat(results).extracting(r -> r.path("kind").asText())
                .contains("Deployment", "Service", "ConfigMap", "ServiceAccount", "HorizontalPodAutoscaler", "PodDisruptionBudget");
    }

    /** The validator does reject what the API server would: without this the test above proves nothing. */
    @Test
    void aBrokenDeploymentIsRejected() throws Exception {
        ObjectNode deployment = RenderedChart.defaults().deployment().deepCopy();
        ((ObjectNode) deployment.path("spec")).remove("selector");
        ((ObjectNode) deployment.path("spec")).put("replicas", "two");
        ((ObjectNode) deployment.path("spec").path("template").path("spec").path("containers").get(0)
                .path("readinessProbe").path("httpGet")).remove("port");

        JsonNode result = validate(List.of(deployment)).getFirst();

        assertThat(result.path("error").asText())
                .contains("must have required property selector", "replicas must be integer", "must have required property port");
    }

    static List<JsonNode> validate(List<JsonNode> manifests) throws IOException, InterruptedException {
        installValidator();
        Path input = Files.createTempFile("fleetgate-manifests", ".json");
        try {
            JSON.writeValue(input.toFile(), manifests);
            String output = run(List.of("node", "validate.mjs", input.toAbsolutePath().toString()));
            List<JsonNode> results = new ArrayList<>();
            for (String line : output.split("\n")) {
                if (!line.isBlank()) {
                    results.add(JSON.readTree(line));
                }
            }
            return results;
        } finally {
            Files.deleteIfExists(input);
        }
    }

    private static synchronized void installValidator() throws IOException, InterruptedException {
        if (!Files.isDirectory(VALIDATOR.resolve("node_modules/kubernetes-models"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"));
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(VALIDATOR.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("%s finished", command).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s: %s", command, text).isZero();
        return text;
    }
}
