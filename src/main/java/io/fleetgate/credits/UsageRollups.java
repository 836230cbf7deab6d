package io.fleetgate.credits;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage roll-ups, a Kafka Streams application shared by all replicas (one group: each audit
 * partition is aggregated by one of them): every audit event with an account is added to its
 * account's UTC day (a one-day window on the request's arrival time), row by row, in an in-memory
 * window store backed by a changelog topic, and each day's new totals go to the compacted roll-up
 * topic when the transaction commits. Exactly once: the events read, the changelog and the
 * roll-ups are committed together, so a replica killed mid-way leaves nothing counted twice or lost.
 * The store keeps days for the retention (a late event is still counted); the topic's records
 * leave it after as long, by its retention.
 */
public final class UsageRollups extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(UsageRollups.class);
    static final String STORE = "usage-day-rollups";
    private static final Duration DAY = Duration.ofDays(1);
    /** The heap for roll-ups kept decoded (DayRollupSerde): the days being counted, thousands of them. */
    static final long REMEMBERED_ROLLUP_BYTES = 8L * 1024 * 1024;
    /** The roll-up topic's uncompacted head stays under an hour of updates: what a start reads beyond one record per day. */
    private static final long SEGMENT_MS = Duration.ofHours(1).toMillis();
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Longer than Streams' 10 s: a transaction left open by a broker outage shorter than this is
     * committed when Kafka returns. Past it the coordinator aborts it on its return, and the thread
     * may meet that abort as a fatal error and be replaced (an ERROR line and a restart from the
     * last commit). A killed replica started again in its folder fences its own transaction at once.
     */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(1);

    private final Map<String, Object> clientConfig;
    private final String auditTopic;
    private final String rollupTopic;
    private final Settings settings;
    private KafkaStreams streams;

    /**
     * @param applicationId the Streams application (its consumer group and internal topics' prefix)
     * @param retention how long a day stays in the store and on the roll-up topic
     * @param commitInterval how often the roll-ups are committed (and a day's record rewritten)
     * @param stateDir the Streams state folder (task locks and checkpoints; the store itself is in memory)
     * @param sessionTimeout how long the group waits for a replica that stopped answering before its
     *                       partitions move to the others (Kafka's own 45 s held a killed replica's
     *                       share of the aggregation that long, a restart in its folder included)
     */
    record Settings(String applicationId, Duration retention, Duration commitInterval, Path stateDir, Duration sessionTimeout) {}

    public UsageRollups(Map<String, Object> clientConfig, String auditTopic, String rollupTopic, Settings settings) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.auditTopic = auditTopic;
        this.rollupTopic = rollupTopic;
        this.settings = settings;
    }

    /** The Streams application id: its committed offsets on the audit topic say what the roll-ups hold. */
    public String applicationId() {
        return settings.applicationId();
    }

    /** The store's and the topic's retention for a number of months (31 days each: never shorter than the months). */
    static Duration retentionOfMonths(int months) {
        return Duration.ofDays(31L * months);
    }

    Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        Serde<DayRollup> rollups = new DayRollupSerde(REMEMBERED_ROLLUP_BYTES);
        Materialized<String, DayRollup, WindowStore<Bytes, byte[]>> store = Materialized
                .<String, DayRollup>as(Stores.inMemoryWindowStore(STORE, settings.retention(), DAY, false))
                .withKeySerde(Serdes.String())
                .withValueSerde(rollups)
                .withCachingEnabled();
        builder.stream(auditTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                // same key (the account id), so no repartition: each account is aggregated in its audit partition's task
                .processValues(CountedEvents::new)
                .groupByKey(Grouped.with(Serdes.String(), null))
                .windowedBy(TimeWindows.ofSizeAndGrace(DAY, settings.retention().minus(DAY)))
                .aggregate(DayRollup::new, (account, counted, day) -> day.plus(counted.event(), counted.partition(), counted.offset()),
                        store)
                .toStream()
                .map((window, day) -> {
                    LocalDate date = LocalDate.ofInstant(Instant.ofEpochMilli(window.window().start()), ZoneOffset.UTC);
                    return KeyValue.pair(DayRollup.topicKey(window.key(), date), day == null ? null : day.toJson(window.key(), date));
                })
                .to(rollupTopic, Produced.with(Serdes.String(), Serdes.ByteArray()));
        return builder.build();
    }

    /** An audit event with where it was read; its record's timestamp becomes the request's arrival (the window's day). */
    record CountedEvent(UsageFields event, int partition, long offset) {}

    private static final class CountedEvents implements FixedKeyProcessor<String, byte[], CountedEvent> {
        private FixedKeyProcessorContext<String, CountedEvent> context;

        @Override
        public void init(FixedKeyProcessorContext<String, CountedEvent> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            UsageFields.read(record.value()).filter(event -> event.accountId() != null).ifPresent(event -> {
                var metadata = context.recordMetadata().orElseThrow();
                context.forward(record.withValue(new CountedEvent(event, metadata.partition(), metadata.offset()))
                        .withTimestamp(event.time().toEpochMilli()));
            });
        }
    }

    Properties streamsProperties() {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
        p.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 16L * 1024 * 1024);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) settings.sessionTimeout().toMillis());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), (int) settings.sessionTimeout().toMillis() / 3);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), (int) TRANSACTION_TIMEOUT.toMillis());
        // what Kafka 5 will do anyway; without it every start warns about it, once for this config
        // and once for the copy the partition assignor makes of the main consumer's
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        return p;
    }

    @Override
    protected void doStart() {
        alignTopicConfig();
        streams = new KafkaStreams(topology(), streamsProperties());
        // a failure the thread cannot get past (the broker gone for long, a fenced producer) starts a new one
        streams.setUncaughtExceptionHandler(e -> {
            LOG.warn("usage roll-ups: the aggregation failed ({}); it starts again from what was committed", e.toString());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
    }

    @Override
    protected void doStop() {
        // leaving the group at once: the partitions' next owner (a restart, another replica) need not
        // wait for this member's session to time out before the aggregation goes on
        if (streams != null && !streams.close(leavingWithin(CLOSE_TIMEOUT))) {
            // what it had not committed is aborted, and done again by the partitions' next owner
            LOG.warn("usage roll-ups: the aggregation did not stop within {} s", CLOSE_TIMEOUT.toSeconds());
        }
    }

    /**
     * Begins to stop without waiting (the stream thread's last commit, the leave, and its consumer's
     * close, which waits out the fetch the broker holds, up to half a second): Fleetgate's other
     * parts stop meanwhile, and {@link #doStop} waits for what is left. Under the service's lock,
     * so a start that has not happened yet still happens, and is stopped by {@link #doStop}.
     */
    void beginStop() {
        lock.lock();
        try {
            if (streams != null && isStarted()) {
                streams.close(leavingWithin(Duration.ZERO));
            }
        } finally {
            lock.unlock();
        }
    }

    /** A close that leaves the group, waiting for the threads up to the timeout. */
    private static CloseOptions leavingWithin(Duration timeout) {
        return CloseOptions.timeout(timeout).withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
    }

    /** Running or catching up (not failed, not stopped). */
    public boolean isRunning() {
        return streams != null && streams.state().isRunningOrRebalancing();
    }

    /**
     * The roll-up topic's retention follows the setting (topics.yaml declares the default), and
     * its head is compacted within about an hour, so a start reads about one record per account and day.
     */
    private void alignTopicConfig() {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, rollupTopic);
        Collection<AlterConfigOp> ops = List.of(
                new AlterConfigOp(new ConfigEntry(TopicConfig.CLEANUP_POLICY_CONFIG, "compact,delete"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(settings.retention().toMillis())),
                        AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry(TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(SEGMENT_MS)), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1"), AlterConfigOp.OpType.SET));
        try (Admin admin = Admin.create(clientConfig)) {
            admin.incrementalAlterConfigs(Map.of(topic, ops)).all().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("usage roll-ups: could not set the retention and compaction of {} ({}); its declared ones stand",
                    rollupTopic, e.toString());
        }
    }
}
