package io.fleetgate.credits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The shipped usage settings are issue 21's numbers: roll-ups kept 13 months, apart from the audit topic's 35 days. */
class UsageDefaultsTest {

    @Test
    void rollupsAreKeptThirteenMonthsByDefaultWhateverTheAuditTopicKeeps() throws Exception {
        Properties p = shippedSettings();
        assertThat(p.getProperty("fleetgate.usage.retention-months").trim()).isEqualTo("13");
        assertThat(p.getProperty("fleetgate.topics.usage-rollups").trim()).isEqualTo("fleetgate.usage-rollups.v1");

        // 13 months, however long those months are: a year of usage and the month before stays reportable
        Duration retention = UsageRollups.retentionOfMonths(13);
        LocalDate longestStart = LocalDate.parse("2027-07-31");
        assertThat(retention.toDays()).isGreaterThanOrEqualTo(longestStart.minusMonths(13).until(longestStart,
                java.time.temporal.ChronoUnit.DAYS));

        JsonNode topics = new ObjectMapper(new YAMLFactory()).readTree(Path.of("kafka/topics.yaml").toFile()).get("topics");
        JsonNode rollups = null;
        JsonNode audit = null;
        for (JsonNode topic : topics) {
            if (topic.get("name").asText().equals("fleetgate.usage-rollups.v1")) {
                rollups = topic;
            } else if (topic.get("name").asText().equals("fleetgate.audit.v1")) {
                audit = topic;
            }
        }
        assertThat(rollups).as("the roll-up topic is declared").isNotNull();
        assertThat(rollups.get("retention-ms").asLong()).isEqualTo(retention.toMillis());
        assertThat(rollups.get("cleanup-policy").asText()).isEqualTo("compact,delete");
        assertThat(audit.get("retention-ms").asLong()).as("the audit topic keeps its 35 days").isEqualTo(Duration.ofDays(35).toMillis());
    }

    @Test
    void theAggregationsTransactionsOutlastAShortBrokerOutage() {
        UsageRollups rollups = new UsageRollups(java.util.Map.of("bootstrap.servers", "127.0.0.1:9"), "audit", "rollups",
                new UsageRollups.Settings("app", UsageRollups.retentionOfMonths(13), Duration.ofSeconds(1), Path.of("streams"),
                        Duration.ofSeconds(10)));
        Properties streams = rollups.streamsProperties();
        // AuditOutageTest stops the broker for 20 s: Streams' own 10 s would have the coordinator abort
        // the open transaction on its return, which the stream thread can meet as a fatal error
        assertThat(streams.get("producer.transaction.timeout.ms")).isEqualTo(60_000);
        assertThat(streams.get("processing.guarantee")).isEqualTo("exactly_once_v2");
    }

    @Test
    void aStoppedReplicasShareOfTheAggregationMovesAfterTenSeconds() throws Exception {
        Properties p = shippedSettings();
        assertThat(p.getProperty("fleetgate.usage.session-timeout-ms").trim()).isEqualTo("10000");
        UsageRollups rollups = new UsageRollups(java.util.Map.of("bootstrap.servers", "127.0.0.1:9"), "audit", "rollups",
                new UsageRollups.Settings("app", UsageRollups.retentionOfMonths(13), Duration.ofSeconds(1), Path.of("streams"),
                        Duration.ofMillis(Long.parseLong(p.getProperty("fleetgate.usage.session-timeout-ms").trim()))));
        Properties streams = rollups.streamsProperties();
        // Kafka's own 45 s, not set here, held a killed replica's partitions (UsageRollupsCrashTest sets 6 s)
        assertThat(streams.get("consumer.session.timeout.ms")).isEqualTo(10_000);
        assertThat(streams.get("consumer.heartbeat.interval.ms")).isEqualTo(3_333);
    }

    private static Properties shippedSettings() throws java.io.IOException {
        Properties p = new Properties();
        try (InputStream in = UsageDefaultsTest.class.getClassLoader().getResourceAsStream("application.properties")) {
            p.load(in);
        }
        return p;
    }
}
