package io.fleetgate.command;

import io.fleetgate.kafka.KafkaClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results topic read from its beginning and followed: which command ids were executed
 * (so a duplicate is answered, not run again) and the replies REST callers wait for, whichever
 * replica ran their command. Bounded: the oldest results are forgotten past {@code maxResults}.
 */
public final class CommandLedger extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(CommandLedger.class);

    private final Map<String, Object> clientConfig;
    private final String topic;
    private final int maxResults;
    private final Map<String, CommandResult> results;
    private final Map<String, CompletableFuture<CommandResult>> waiters = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile KafkaConsumer<String, String> consumer;
    private Thread follower;

    public CommandLedger(String bootstrapServers, String topic, int maxResults) {
        this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, maxResults);
    }

    /** @param clientConfig bootstrap servers and security settings of the consumer that reads the results topic */
    public CommandLedger(Map<String, Object> clientConfig, String topic, int maxResults) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = topic;
        this.maxResults = maxResults;
        this.results = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CommandResult> eldest) {
                return size() > CommandLedger.this.maxResults;
            }
        };
    }

    /** The result of an executed command id, if it is still remembered. */
    public Optional<CommandResult> executed(String id) {
        synchronized (results) {
            return Optional.ofNullable(results.get(id));
        }
    }

    /** A future for a command's result, registered before the command is sent. */
    public CompletableFuture<CommandResult> expect(String id) {
        return waiters.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    public void forget(String id) {
        waiters.remove(id);
    }

    /** A result this replica published (or read from the topic). */
    public void record(CommandResult result) {
        if (result.id() == null) {
            return;
        }
        synchronized (results) {
            results.put(result.id(), result);
        }
        CompletableFuture<CommandResult> waiter = waiters.remove(result.id());
        if (waiter != null) {
            waiter.complete(result);
        }
    }

    /** Waits until the topic has been read up to where it ended at start. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStart() {
        consumer = new KafkaConsumer<>(KafkaClientConfig.topicReader(clientConfig, "fleetgate-command-ledger", StringDeserializer.class));
        follower = Thread.ofPlatform().daemon().name("fleetgate-command-ledger").start(this::follow);
    }

    @Override
    protected void doStop() throws InterruptedException {
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (follower != null) {
            follower.join(5000);
        }
        waiters.values().forEach(w -> w.cancel(false));
        waiters.clear();
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (isRunAllowed()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    read(record.value());
                }
                if (caughtUp.getCount() > 0 && reached(ends)) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("the command ledger stopped following {}: {}", topic, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(2));
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

    private void read(String json) {
        try {
            record(CommandJson.readResult(json));
        } catch (Exception e) {
            LOG.warn("skipping an unreadable record on {}", topic);
        }
    }
}
