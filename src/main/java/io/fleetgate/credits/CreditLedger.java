package io.fleetgate.credits;

import io.fleetgate.audit.AuditEvent;
import io.fleetgate.audit.AuditPublisher;
import io.fleetgate.kafka.KafkaClientConfig;
import io.fleetgate.kafka.StartPosition;
import io.fleetgate.kafka.TopicFollower;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every replica's running credit totals, materialised from the audit topic: read from the start
 * of the current UTC month (the longest budget period) and followed, so totals survive a restart
 * and every replica sees every other's spending a moment after it happened. This run's own
 * events are counted at once ({@link #countOwn}), before they reach the topic, and skipped when
 * they come back: their records carry this run's name ({@link AuditPublisher#ORIGIN_HEADER}),
 * however long they waited for Kafka. Everything else on the topic is counted: other replicas'
 * events, and those an earlier run of this replica journaled and a later one published.
 */
public final class CreditLedger extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(CreditLedger.class);
    /** Read a little before the month starts: an event's record may be stamped after it arrived. */
    private static final Duration READ_BACK_MARGIN = Duration.ofHours(1);

    private final String topic;
    private final Clock clock;
    private final CreditTotals totals;
    private final byte[] origin;
    private final TopicFollower<byte[]> follower;
    private Instant prunedBefore = Instant.MIN;

    /**
     * @param clientConfig bootstrap servers and security settings of every Kafka client ({@code KafkaClientConfig})
     * @param origin this run's name, as the audit publisher puts it on each record
     */
    public CreditLedger(Map<String, Object> clientConfig, String topic, Clock clock, CreditTotals totals, String origin) {
        this.topic = topic;
        this.clock = clock;
        this.totals = totals;
        this.origin = origin.getBytes(StandardCharsets.UTF_8);
        this.follower = new TopicFollower<>("the credit ledger",
                KafkaClientConfig.topicReader(clientConfig, "fleetgate-credit-ledger", ByteArrayDeserializer.class),
                topic, StartPosition.from(() -> monthStart(clock.instant()).minus(READ_BACK_MARGIN)),
                new TopicFollower.Reader<>() {
                    @Override
                    public void read(ConsumerRecord<String, byte[]> record) {
                        count(record);
                    }

                    @Override
                    public void polled() {
                        pruneFinishedMonths();
                    }
                });
    }

    /** Credits the account spent in [{@code from}, {@code to}) (UTC day starts). */
    public long spent(String accountId, Instant from, Instant to) {
        return totals.spent(accountId, from, to);
    }

    /** An event this replica is about to publish: counted now, skipped when it comes back. */
    public void countOwn(AuditEvent event) {
        if (event != null) {
            totals.count(event);
        }
    }

    /** {@link #countOwn} of the event the audit stage attached to the exchange (a bean step). */
    public void countOwnEventOf(Exchange exchange) {
        countOwn(AuditEvent.attachedTo(exchange));
    }

    /** Waits until the topic has been read up to where it ended at start; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    public boolean isCaughtUp() {
        return follower.isCaughtUp();
    }

    static Instant monthStart(Instant instant) {
        LocalDate day = instant.atOffset(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1);
        return day.atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    @Override
    protected void doStart() {
        follower.start();
    }

    @Override
    protected void doStop() {
        follower.stop();
    }

    /** A record of the audit topic: counted, unless this run counted it as it emitted it. */
    void count(ConsumerRecord<String, byte[]> record) {
        Header counted = record.headers().lastHeader(AuditPublisher.ORIGIN_HEADER);
        if (counted != null && Arrays.equals(counted.value(), origin)) {
            return;
        }
        AuditRecords.read(record.value()).ifPresentOrElse(totals::count,
                () -> LOG.warn("skipped a record that is not an audit event: {} partition {} offset {}",
                        topic, record.partition(), record.offset()));
    }

    private void pruneFinishedMonths() {
        Instant current = monthStart(clock.instant());
        if (current.isAfter(prunedBefore)) {
            totals.forgetBefore(current);
            prunedBefore = current;
        }
    }
}
