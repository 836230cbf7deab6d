package io.fleetgate.credits;

import io.fleetgate.audit.AuditEvent;
import io.fleetgate.audit.AuditPublisher;
import io.fleetgate.kafka.KafkaClientConfig;
import io.fleetgate.kafka.StartPosition;
import io.fleetgate.kafka.TopicFollower;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every replica's usage totals ({@link UsageTotals}), for the budget check and {@code /api/usage}:
 * the roll-up topic read from its start (one record per account and day, compacted), and the audit
 * topic followed from where the roll-ups' aggregation ({@link UsageRollups}) has committed, so a
 * start reads the roll-ups and a few seconds of events, never the month. This replica's own events
 * are counted as they are emitted ({@link #countOwn}), before they reach the topic.
 */
public final class CreditLedger extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(CreditLedger.class);
    private static final Duration OFFSETS_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Object> clientConfig;
    private final String auditTopic;
    private final String rollupsApplicationId;
    private final Clock clock;
    private final UsageTotals totals;
    private final int retentionMonths;
    private final TopicFollower<byte[]> rollups;
    private final TopicFollower<byte[]> events;
    private volatile Map<TopicPartition, OffsetAndMetadata> rolledUpTo = Map.of();
    private LocalDate prunedOn = LocalDate.MIN;

    /**
     * @param clientConfig bootstrap servers and security settings of every Kafka client ({@code KafkaClientConfig})
     * @param rollupsApplicationId the roll-ups' Streams application: its committed audit offsets say what they hold
     * @param retentionMonths days older than this many months are forgotten
     */
    public CreditLedger(Map<String, Object> clientConfig, String auditTopic, String rollupTopic, String rollupsApplicationId,
                        Clock clock, UsageTotals totals, int retentionMonths) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.auditTopic = auditTopic;
        this.rollupsApplicationId = rollupsApplicationId;
        this.clock = clock;
        this.totals = totals;
        this.retentionMonths = retentionMonths;
        Properties committedOnly = KafkaClientConfig.followerReader(clientConfig, "fleetgate-usage-rollups-reader", ByteArrayDeserializer.class);
        // a roll-up is read once its transaction (with the audit offsets it covers) has committed
        committedOnly.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.rollups = new TopicFollower<byte[]>("the usage roll-ups reader", committedOnly, rollupTopic, StartPosition.beginning(),
                new TopicFollower.Reader<>() {
                    @Override
                    public void read(ConsumerRecord<String, byte[]> record) {
                        DayRollup.fromJson(record.value()).ifPresent(r -> totals.applyRollup(r.accountId(), r.day(), r.rollup()));
                    }

                    @Override
                    public void polled() {
                        pruneOldDays();
                    }
                }).paced(KafkaClientConfig.FOLLOWER_PACE);
        this.events = new TopicFollower<byte[]>("the credit ledger",
                KafkaClientConfig.followerReader(clientConfig, "fleetgate-credit-ledger", ByteArrayDeserializer.class),
                auditTopic, this::seekPastRolledUp, new TopicFollower.Reader<>() {
                    @Override
                    public void read(ConsumerRecord<String, byte[]> record) {
                        // this replica's own events (most of them) are known already: no JSON to read
                        UUID ownId = eventIdHeader(record);
                        if (ownId != null && totals.countOwnPublished(ownId, record.partition(), record.offset())) {
                            return;
                        }
                        AuditRecords.read(record.value()).ifPresentOrElse(e -> totals.countPublished(e, record.partition(), record.offset()),
                                () -> LOG.warn("skipped a record that is not an audit event: {} partition {} offset {}",
                                        auditTopic, record.partition(), record.offset()));
                    }
                }).paced(KafkaClientConfig.FOLLOWER_PACE);
    }

    private static UUID eventIdHeader(ConsumerRecord<String, byte[]> record) {
        org.apache.kafka.common.header.Header header = record.headers().lastHeader(AuditPublisher.EVENT_ID_HEADER);
        if (header == null || header.value() == null) {
            return null;
        }
        try {
            return UUID.fromString(new String(header.value(), java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException notAnId) {
            return null;
        }
    }

    /** Credits the account spent in [{@code from}, {@code to}) (UTC day starts). */
    public long spent(String accountId, Instant from, Instant to) {
        return totals.spent(accountId, from, to);
    }

    /** An event this replica is about to publish: counted now, and once only when it comes back. */
    public void countOwn(AuditEvent event) {
        if (event != null) {
            totals.countOwn(event);
        }
    }

    /** {@link #countOwn} of the event the audit stage attached to the exchange (a bean step). */
    public void countOwnEventOf(Exchange exchange) {
        countOwn(AuditEvent.attachedTo(exchange));
    }

    /** The account's rows of whole UTC days in [{@code from}, {@code to}). */
    void rows(String accountId, LocalDate from, LocalDate to, UsageTotals.RowSink sink) {
        totals.rows(accountId, from, to, sink);
    }

    /** Waits until the roll-ups and the events after them have been read up to where they ended at start; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        return rollups.awaitCaughtUp(timeout)
                && events.awaitCaughtUp(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    public boolean isCaughtUp() {
        return rollups.isCaughtUp() && events.isCaughtUp();
    }

    @Override
    protected void doStart() {
        // the committed offsets first, then the roll-ups to their end: every event before those offsets is in them
        rolledUpTo = committedOffsets();
        rollups.start();
        events.start();
    }

    @Override
    protected void doStop() {
        events.stop();
        rollups.stop();
    }

    /** Where the roll-ups' aggregation has committed on the audit topic; empty when it never has (or Kafka does not say). */
    private Map<TopicPartition, OffsetAndMetadata> committedOffsets() {
        try (Admin admin = Admin.create(clientConfig)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(rollupsApplicationId)
                    .partitionsToOffsetAndMetadata().get(OFFSETS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            offsets.values().removeIf(java.util.Objects::isNull);
            return Map.copyOf(offsets);
        } catch (Exception e) {
            LOG.warn("the usage roll-ups' offsets are unknown ({}): the audit topic is read from its start", e.toString());
            return Map.of();
        }
    }

    /** Each audit partition from the roll-ups' committed offset; one they never read, from its start. */
    private void seekPastRolledUp(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, List<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata committed = rolledUpTo.get(partition);
            if (committed != null) {
                consumer.seek(partition, committed.offset());
            } else {
                consumer.seekToBeginning(List.of(partition));
            }
        }
    }

    private void pruneOldDays() {
        LocalDate today = UsageTotals.day(clock.instant());
        if (!today.equals(prunedOn)) {
            totals.forgetBefore(today.minusMonths(retentionMonths));
            prunedOn = today;
        }
    }
}
