package io.fleetgate.credits;

import io.fleetgate.audit.AuditEvent;
import io.fleetgate.kafka.KafkaClientConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every replica's running credit totals, materialised from the audit topic: read from the start
 * of the current UTC month (the longest budget period) and followed, so totals survive a restart
 * and every replica sees every other's spending a moment after it happened. This replica's own
 * events are counted at once ({@link #countOwn}), before they reach the topic.
 */
public final class CreditLedger extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(CreditLedger.class);
    /** Read a little before the month starts: an event's record may be stamped after it arrived. */
    private static final Duration READ_BACK_MARGIN = Duration.ofHours(1);

    /** Bootstrap servers and security settings of every Kafka client ({@code KafkaClientConfig}). */
    private final Map<String, Object> clientConfig;
    private final String topic;
    private final Clock clock;
    private final CreditTotals totals;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread follower;
    private Instant prunedBefore = Instant.MIN;

    public CreditLedger(Map<String, Object> clientConfig, String topic, Clock clock, CreditTotals totals) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = topic;
        this.clock = clock;
        this.totals = totals;
    }

    /** Credits the account spent in [{@code from}, {@code to}) (UTC day starts). */
    public long spent(String accountId, Instant from, Instant to) {
        return totals.spent(accountId, from, to);
    }

    /** An event this replica is about to publish: counted now, skipped when it comes back. */
    public void countOwn(AuditEvent event) {
        if (event != null) {
            totals.countOwn(event);
        }
    }

    /** {@link #countOwn} of the event the audit stage attached to the exchange (a bean step). */
    public void countOwnEventOf(Exchange exchange) {
        countOwn(AuditEvent.attachedTo(exchange));
    }

    /** Waits until the topic has been read up to where it ended at start; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    static Instant monthStart(Instant instant) {
        LocalDate day = instant.atOffset(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1);
        return day.atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    @Override
    protected void doStart() {
        consumer = new KafkaConsumer<>(KafkaClientConfig.topicReader(clientConfig, "fleetgate-credit-ledger", ByteArrayDeserializer.class));
        follower = Thread.ofPlatform().daemon().name("fleetgate-credit-ledger").start(this::follow);
    }

    @Override
    protected void doStop() throws InterruptedException {
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (follower != null) {
            follower.join(5000);
        }
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            seekToMonthStart(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (isRunAllowed()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    AuditRecords.read(record.value()).ifPresentOrElse(totals::countFromTopic,
                            () -> LOG.warn("skipped a record that is not an audit event: {} partition {} offset {}",
                                    topic, record.partition(), record.offset()));
                }
                if (caughtUp.getCount() > 0 && reached(ends)) {
                    caughtUp.countDown();
                }
                pruneFinishedMonths();
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("the credit ledger stopped following {}: {}", topic, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void seekToMonthStart(List<TopicPartition> partitions) {
        long from = monthStart(clock.instant()).minus(READ_BACK_MARGIN).toEpochMilli();
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, from));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query);
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp found = offsets.get(tp);
            if (found != null) {
                consumer.seek(tp, found.offset());
            } else {
                consumer.seekToEnd(List.of(tp));
            }
        }
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void pruneFinishedMonths() {
        Instant current = monthStart(clock.instant());
        if (current.isAfter(prunedBefore)) {
            totals.forgetBefore(current);
            prunedBefore = current;
        }
    }
}
