package io.fleetgate.app;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The topic declarations of {@code kafka/topics.yaml} (packaged in the jar), and their creation when missing. */
public final class KafkaTopics {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

    /** Where the jar keeps the declarations of the repository's kafka/topics.yaml. */
    static final String PACKAGED = "classpath:kafka/topics.yaml";
    private static final String CLASSPATH = "classpath:";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final List<Topic> topics;

    KafkaTopics(List<Topic> topics) {
        this.topics = List.copyOf(topics);
    }

    public static KafkaTopics load(Path file) {
        try {
            return new KafkaTopics(YAML.readValue(file.toFile(), Declarations.class).topics());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read topic declarations from " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The declarations at {@code location}: {@code classpath:kafka/topics.yaml} (those packaged in
     * the jar), or a file path (optionally {@code file:}), as {@code fleetgate.kafka.topics-file} says.
     */
    public static KafkaTopics load(String location) {
        String where = location.trim();
        try {
            if (where.startsWith(CLASSPATH)) {
                String resource = where.substring(CLASSPATH.length()).replaceFirst("^/", "");
                try (InputStream in = KafkaTopics.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new java.io.FileNotFoundException("no " + resource + " in the jar");
                    }
                    return new KafkaTopics(YAML.readValue(in, Declarations.class).topics());
                }
            }
            Path file = Path.of(where.replaceFirst("^file:", "")).toAbsolutePath().normalize();
            return new KafkaTopics(YAML.readValue(file.toFile(), Declarations.class).topics());
        } catch (IOException e) {
            throw new StartupFailure("cannot read the topic declarations at " + where + " (fleetgate.kafka.topics-file): "
                    + e.getMessage() + "; mount the file there, or leave the setting at " + PACKAGED + " for the packaged ones", e);
        }
    }

    public List<Topic> topics() {
        return topics;
    }

    /** Creates the declared topics the cluster lacks; replication is capped at the cluster's size. */
    void createMissing(Map<String, Object> clientConfig) {
        Object bootstrapServers = clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        Map<String, Object> config = new java.util.HashMap<>(clientConfig);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000);
        try (Admin admin = Admin.create(config)) {
            int brokers = admin.describeCluster().nodes().get(15, TimeUnit.SECONDS).size();
            Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic topic : topics) {
                if (!existing.contains(topic.name())) {
                    short replication = (short) Math.max(1, Math.min(topic.replication(), brokers));
                    missing.add(new NewTopic(topic.name(), topic.partitions(), replication).configs(Map.of(
                            "retention.ms", String.valueOf(topic.retentionMs()),
                            "cleanup.policy", topic.cleanupPolicy())));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            LOG.info("created Kafka topics {}", missing.stream().map(NewTopic::name).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating Kafka topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create Fleetgate's Kafka topics at " + bootstrapServers + ": " + e, e);
        }
    }

    record Declarations(List<Topic> topics) {}

    /** One declared topic, as in kafka/topics.yaml. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Topic(
            String name,
            String key,
            String carries,
            int partitions,
            int replication,
            @JsonProperty("retention-ms") long retentionMs,
            @JsonProperty("cleanup-policy") String cleanupPolicy) {}
}
