package io.fleetgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.app.KafkaTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kafka/topics.yaml is the one declaration of Fleetgate's topics: the chart's Strimzi KafkaTopics
 * come from it through the generated files/kafka-topics.yaml, and these tests fail when either
 * drifts. Run with -Dfleetgate.deploy.write-topics=true to regenerate the chart's file.
 */
class StrimziTopicsTest {

    @Test
    void chartTopicsFileIsGeneratedFromKafkaTopicsYaml() throws Exception {
        if (Boolean.getBoolean(StrimziTopics.WRITE_PROPERTY)) {
            StrimziTopics.writeChartFile();
        }

        assertThat(Files.readString(StrimziTopics.CHART_FILE, StandardCharsets.UTF_8))
                .as("%s is out of date with %s; regenerate it: mvn -B test -Dtest=StrimziTopicsTest -D%s=true",
                        StrimziTopics.CHART_FILE, StrimziTopics.DECLARATIONS, StrimziTopics.WRITE_PROPERTY)
                .isEqualTo(StrimziTopics.chartFileFromDeclarations());
    }

    @Test
    void renderedKafkaTopicsAreTheDeclaredTopics() {
        List<KafkaTopics.Topic> declared = KafkaTopics.load(StrimziTopics.DECLARATIONS).topics();
        List<JsonNode> rendered = RenderedChart.defaults().ofKind("KafkaTopic");

        assertThat(rendered).extracting(t -> t.path("spec").path("topicName").asText())
                .containsExactlyElementsOf(declared.stream().map(KafkaTopics.Topic::name).toList());
        for (KafkaTopics.Topic topic : declared) {
            JsonNode resource = rendered.stream()
                    .filter(t -> topic.name().equals(t.path("spec").path("topicName").asText())).findFirst().orElseThrow();
            JsonNode spec = resource.path("spec");
            assertThat(resource.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
            assertThat(resource.path("metadata").path("name").asText()).isEqualTo(topic.name());
            assertThat(spec.path("partitions").isInt()).isTrue();
            assertThat(spec.path("partitions").asInt()).as(topic.name()).isEqualTo(topic.partitions());
            assertThat(spec.path("replicas").asInt()).as(topic.name()).isEqualTo(topic.replication());
            assertThat(spec.path("config").path("retention.ms").asText()).as(topic.name()).isEqualTo(String.valueOf(topic.retentionMs()));
            assertThat(spec.path("config").path("cleanup.policy").asText()).as(topic.name()).isEqualTo(topic.cleanupPolicy());
            assertThat(spec.path("config").size()).isEqualTo(2);
        }
    }

    @Test
    void kafkaTopicsBelongToTheStrimziClusterNamedInValues() {
        List<JsonNode> byDefault = RenderedChart.defaults().ofKind("KafkaTopic");
        List<JsonNode> other = RenderedChart.render(null, Map.of("kafka.topics.strimziCluster", "events")).ofKind("KafkaTopic");

        assertThat(byDefault).isNotEmpty().allSatisfy(t ->
                assertThat(t.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo("fleetgate"));
        assertThat(other).isNotEmpty().allSatisfy(t ->
                assertThat(t.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo("events"));
    }

    @Test
    void kafkaTopicsOutliveHelmUninstall() {
        // the Topic Operator deletes a topic, records and all, when its KafkaTopic is deleted
        assertThat(RenderedChart.defaults().ofKind("KafkaTopic")).allSatisfy(t ->
                assertThat(t.path("metadata").path("annotations").path("helm.sh/resource-policy").asText()).isEqualTo("keep"));
    }

    @Test
    void kafkaTopicsCanBeLeftToTheApp() {
        assertThat(RenderedChart.render(null, Map.of("kafka.topics.create", false)).ofKind("KafkaTopic")).isEmpty();
    }
}
