package io.fleetgate.app;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The topic declarations of {@code kafka/topics.yaml} (packaged in the jar), and their creation when missing. */
public final class KafkaTopics {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

    /** Where the jar keeps the declarations of the repository's kafka/topics.yaml. */
    static final String PACKAGED = "classpath:kafka/topics.yaml";
    private static final long LED_POLL_MS = 20;
    private static final String CLASSPATH = "classpath:";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final List<Topic> topics;
    private final List<Topic> fleetTelemetryTopics;

    KafkaTopics(List<Topic> topics) {
        this(topics, List.of());
    }

    KafkaTopics(List<Topic> topics, List<Topic> fleetTelemetryTopics) {
        this.topics = List.copyOf(topics);
        this.fleetTelemetryTopics = fleetTelemetryTopics == null ? List.of() : List.copyOf(fleetTelemetryTopics);
    }

    private KafkaTopics(Declarations declarations) {
        this(declarations.topics(), declarations.fleetTelemetryTopics());
    }

    public static KafkaTopics load(Path file) {
        try {
            return new KafkaTopics(YAML.readValue(file.toFile(), Declarations.class));
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
                    return new KafkaTopics(YAML.readValue(in, Declarations.class));
                }
            }
            Path file = Path.of(where.replaceFirst("^file:", "")).toAbsolutePath().normalize();
            return new KafkaTopics(YAML.readValue(file.toFile(), Declarations.class));
        } catch (IOException e) {
            throw new StartupFailure("cannot read the topic declarations at " + where + " (fleetgate.kafka.topics-file): "
                    + e.getMessage() + "; mount the file there, or leave the setting at " + PACKAGED + " for the packaged ones", e);
        }
    }

    /** Fleetgate's own topics (the Helm chart's KafkaTopics). */
    public List<Topic> topics() {
        return topics;
    }

    /** fleet-telemetry's topics under the namespace ({@code {namespace}} in their names replaced by it). */
    public List<Topic> fleetTelemetryTopics(String namespace) {
        return fleetTelemetryTopics.stream().map(t -> new Topic(t.name().replace("{namespace}", namespace), t.key(),
                t.carries(), t.partitions(), t.replication(), t.retentionMs(), t.cleanupPolicy())).toList();
    }

    /**
     * Creates the declared topics the cluster lacks, and the {@code more} ones (fleet-telemetry's,
     * when Fleetgate is to create them); replication is capped at the cluster's size. The cluster has
     * {@code readyTimeout} to answer and take them, else start-up fails. The {@code first} topics
     * (those a start reads to their end before it serves) are made first, and are ready to be read
     * when the others are asked for: a broker that makes a hundred partitions at once would keep
     * their first read waiting for all of them. {@code maxPartitions} caps each topic's partitions
     * (0: as declared).
     */
    void createMissing(Map<String, Object> clientConfig, Duration readyTimeout, List<Topic> more, Set<String> first,
            int maxPartitions) {
        Object bootstrapServers = clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        int timeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, readyTimeout.toMillis()));
        Map<String, Object> config = new java.util.HashMap<>(clientConfig);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 10000));
        Admin admin;
        try {
            admin = Admin.create(config);
        } catch (KafkaException e) {
            throw new StartupFailure("cannot reach Kafka at " + bootstrapServers + ": " + e.getMessage()
                    + "; check fleetgate.kafka.bootstrap-servers", e);
        }
        try {
            int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(remainingMs(deadline)))
                    .nodes().get(remainingMs(deadline), TimeUnit.MILLISECONDS).size();
            Set<String> existing = admin.listTopics(new ListTopicsOptions().timeoutMs(remainingMs(deadline)))
                    .names().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            List<Topic> wanted = new ArrayList<>(topics);
            wanted.addAll(more);
            for (Topic topic : wanted) {
                if (!existing.contains(topic.name())) {
                    short replication = (short) Math.max(1, Math.min(topic.replication(), brokers));
                    int partitions = maxPartitions > 0 ? Math.min(topic.partitions(), maxPartitions) : topic.partitions();
                    missing.add(new NewTopic(topic.name(), partitions, replication).configs(Map.of(
                            "retention.ms", String.valueOf(topic.retentionMs()),
                            "cleanup.policy", topic.cleanupPolicy())));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            Map<Boolean, List<NewTopic>> byFirst = missing.stream().collect(Collectors.partitioningBy(t -> first.contains(t.name())));
            if (!byFirst.get(true).isEmpty()) {
                create(admin, byFirst.get(true), deadline);
                Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                byFirst.get(true).forEach(t -> IntStream.range(0, t.numPartitions())
                        .forEach(p -> ends.put(new TopicPartition(t.name(), p), OffsetSpec.latest())));
                awaitLed(admin, ends, deadline);
            }
            if (!byFirst.get(false).isEmpty()) {
                create(admin, byFirst.get(false), deadline);
            }
            LOG.info("created Kafka topics {}", missing.stream().map(NewTopic::name).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupFailure("interrupted while creating Kafka topics", e);
        } catch (TimeoutException e) {
            throw notAnswering(bootstrapServers, readyTimeout, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw notAnswering(bootstrapServers, readyTimeout, e);
            }
            throw new StartupFailure("Kafka at " + bootstrapServers + " refused Fleetgate's topic check or creation: "
                    + e.getCause().getMessage() + "; check the camel.component.kafka.* security settings and the"
                    + " client's permissions (describe cluster, list and create topics)", e);
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    /** Until the partitions' end offsets are answered, i.e. they are led: then a reader finds them at once. */
    private static void awaitLed(Admin admin, Map<TopicPartition, OffsetSpec> ends, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (true) {
            try {
                admin.listOffsets(ends, new ListOffsetsOptions().timeoutMs(remainingMs(deadline)))
                        .all().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                // a topic just made is unknown to the broker's metadata for a moment
                if (!(e.getCause() instanceof RetriableException) || remainingMs(deadline) <= LED_POLL_MS) {
                    throw e;
                }
                Thread.sleep(LED_POLL_MS);
            }
        }
    }

    private static void create(Admin admin, List<NewTopic> topics, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            admin.createTopics(topics, new CreateTopicsOptions().timeoutMs(remainingMs(deadline)))
                    .all().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private static StartupFailure notAnswering(Object bootstrapServers, Duration readyTimeout, Exception e) {
        return new StartupFailure("Kafka at " + bootstrapServers + " did not answer within " + readyTimeout.toMillis()
                + " ms (fleetgate.kafka.ready-timeout-ms): check fleetgate.kafka.bootstrap-servers and that the cluster"
                + " is up and reachable from here", e);
    }

    private static int remainingMs(long deadline) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (deadline - System.nanoTime()) / 1_000_000));
    }

    record Declarations(List<Topic> topics,
                        @JsonProperty("fleet-telemetry-topics") List<Topic> fleetTelemetryTopics) {}

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
