package io.fleetgate.deploy;

import io.fleetgate.app.KafkaTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Helm chart's {@code files/kafka-topics.yaml}, generated from {@code kafka/topics.yaml}: the
 * KafkaTopic specs (partitions, replicas, {@code retention.ms}, {@code cleanup.policy}) that the
 * chart's {@code templates/kafkatopics.yaml} renders. Helm cannot read files outside the chart,
 * so the chart carries this generated copy and {@link StrimziTopicsTest} fails when it drifts.
 */
final class StrimziTopics {
    static final Path DECLARATIONS = Path.of("kafka/topics.yaml");
    static final Path CHART_FILE = Path.of("helm/fleetgate/files/kafka-topics.yaml");
    /** Set to true to have {@link StrimziTopicsTest} rewrite {@link #CHART_FILE}. */
    static final String WRITE_PROPERTY = "fleetgate.deploy.write-topics";

    // Kafka's legal topic characters; they need no quoting in YAML
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private StrimziTopics() {}

    /** The chart file's text for these declarations. */
    static String chartFile(List<KafkaTopics.Topic> topics) {
        StringBuilder out = new StringBuilder("""
                # Generated from kafka/topics.yaml by io.fleetgate.deploy.StrimziTopics: do not edit.
                # After changing kafka/topics.yaml, regenerate it with
                #   mvn -B test -Dtest=StrimziTopicsTest -D%s=true
                # (StrimziTopicsTest fails while the two differ.) templates/kafkatopics.yaml renders
                # one Strimzi KafkaTopic per entry.
                topics:
                """.formatted(WRITE_PROPERTY));
        for (KafkaTopics.Topic topic : topics) {
            if (!TOPIC_NAME.matcher(topic.name()).matches()) {
                throw new IllegalArgumentException("not a Kafka topic name: " + topic.name());
            }
            out.append("  # key: ").append(oneLine(topic.key())).append("; ").append(oneLine(topic.carries())).append('\n')
                    .append("  - name: ").append(topic.name()).append('\n')
                    .append("    partitions: ").append(topic.partitions()).append('\n')
                    .append("    replicas: ").append(topic.replication()).append('\n')
                    .append("    config:\n")
                    // strings: Helm reads YAML numbers as floats and would print 2.592e+09
                    .append("      retention.ms: \"").append(topic.retentionMs()).append("\"\n")
                    .append("      cleanup.policy: ").append(topic.cleanupPolicy()).append('\n');
        }
        return out.toString();
    }

    static String chartFileFromDeclarations() {
        return chartFile(KafkaTopics.load(DECLARATIONS).topics());
    }

    static void writeChartFile() throws IOException {
        Files.writeString(CHART_FILE, chartFileFromDeclarations(), StandardCharsets.UTF_8);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").trim();
    }
}
