package io.fleetgate.command;

import io.fleetgate.kafka.KafkaClientConfig;
import io.fleetgate.kafka.StartPosition;
import io.fleetgate.kafka.TopicFollower;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

    private final String topic;
    private final int maxResults;
    private final Map<String, CommandResult> results;
    private final Map<String, CompletableFuture<CommandResult>> waiters = new ConcurrentHashMap<>();
    private final TopicFollower<String> follower;

    public CommandLedger(String bootstrapServers, String topic, int maxResults) {
        this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, maxResults);
    }

    /** @param clientConfig bootstrap servers and security settings of the consumer that reads the results topic */
    public CommandLedger(Map<String, Object> clientConfig, String topic, int maxResults) {
        this.topic = topic;
        this.maxResults = maxResults;
        this.results = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CommandResult> eldest) {
                return size() > CommandLedger.this.maxResults;
            }
        };
        this.follower = new TopicFollower<>("the command ledger",
                KafkaClientConfig.topicReader(clientConfig, "fleetgate-command-ledger", StringDeserializer.class),
                topic, StartPosition.beginning(), this::read);
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
        return follower.awaitCaughtUp(timeout);
    }

    /** Completes once every result acknowledged before this call has been read. */
    public CompletableFuture<Void> readAllSoFar() {
        return follower.readToEnd();
    }

    @Override
    protected void doStart() {
        follower.start();
    }

    @Override
    protected void doStop() {
        follower.stop();
        waiters.values().forEach(w -> w.cancel(false));
        waiters.clear();
    }

    private void read(ConsumerRecord<String, String> record) {
        try {
            record(CommandJson.readResult(record.value()));
        } catch (Exception e) {
            LOG.warn("skipping an unreadable record on {}", topic);
        }
    }
}
