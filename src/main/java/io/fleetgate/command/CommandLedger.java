package io.fleetgate.command;

import io.fleetgate.kafka.KafkaClientConfig;
import io.fleetgate.kafka.StartPosition;
import io.fleetgate.kafka.TopicFollower;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results topic read from its beginning and followed: which command ids were executed
 * (so a duplicate is answered, not run again) and the replies REST callers wait for, whichever
 * replica ran their command; and the attempts topic: which commands were with the Fleet API when
 * their replica died ({@link CommandAttempt}). Bounded: the oldest are forgotten past {@code maxResults}.
 */
public final class CommandLedger extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(CommandLedger.class);

    private final String topic;
    private final int maxResults;
    /**
     * Per executed command id, its result: the JSON read from the topic (one string, about a third
     * of the parsed result's memory: 100,000 are kept), or this replica's own result until the
     * topic's copy is read. Parsed again only when the id comes again.
     */
    private final Map<String, Object> results;
    private final Map<String, CompletableFuture<CommandResult>> waiters = new ConcurrentHashMap<>();
    /** The last mark of each command with no result yet. */
    private final Map<String, CommandAttempt> attempts;
    private final TopicFollower<String> follower;
    private final TopicFollower<String> attemptsFollower;

    /** @param clientConfig bootstrap servers and security settings of the consumers that read the topics */
    public CommandLedger(Map<String, Object> clientConfig, String topic, String attemptsTopic, int maxResults) {
        this.topic = topic;
        this.maxResults = maxResults;
        this.results = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                return size() > CommandLedger.this.maxResults;
            }
        };
        this.attempts = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CommandAttempt> eldest) {
                return size() > CommandLedger.this.maxResults;
            }
        };
        this.follower = new TopicFollower<>("the command ledger",
                // a REST command waits for its result on this reader; not a followerReader, as
                // readToEnd's end offsets would wait behind its long fetch
                KafkaClientConfig.promptReader(clientConfig, "fleetgate-command-ledger", StringDeserializer.class),
                topic, StartPosition.beginning(), this::read);
        this.attemptsFollower = new TopicFollower<>("the command ledger",
                KafkaClientConfig.promptReader(clientConfig, "fleetgate-command-attempts-ledger", StringDeserializer.class),
                attemptsTopic, StartPosition.beginning(), this::readAttempt).paced(KafkaClientConfig.FOLLOWER_PACE);
    }

    /**
     * Whether the command (with no result) was last seen going to the Fleet API: its replica died
     * before the answer, so it may have run.
     */
    public boolean inDoubt(String id) {
        synchronized (attempts) {
            CommandAttempt last = attempts.get(id);
            return last != null && last.inFlight();
        }
    }

    /**
     * The command's last mark when its next owner carries it over: it moved to this replica (between
     * wake polls, or waiting for its next attempt), or its replica died while it waited for its next
     * attempt (an answer came and another attempt follows).
     */
    public Optional<CommandAttempt> carriedOver(String id) {
        synchronized (attempts) {
            return Optional.ofNullable(attempts.get(id)).filter(CommandAttempt::carriesOver);
        }
    }

    /** The result of an executed command id, if it is still remembered. */
    public Optional<CommandResult> executed(String id) {
        Object kept;
        synchronized (results) {
            kept = results.get(id);
        }
        if (kept instanceof String json) {
            try {
                return Optional.of(CommandJson.readResult(json));
            } catch (Exception e) {
                // it was read once when it came: not expected
                throw new IllegalStateException("a remembered result could not be read again", e);
            }
        }
        return Optional.ofNullable((CommandResult) kept);
    }

    /** Whether the id's result is kept as the topic's JSON, not as a parsed result (for tests). */
    boolean keptAsRecord(String id) {
        synchronized (results) {
            return results.get(id) instanceof String;
        }
    }

    /** A future for a command's result, registered before the command is sent. */
    public CompletableFuture<CommandResult> expect(String id) {
        return waiters.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    public void forget(String id) {
        waiters.remove(id);
    }

    /**
     * A result this replica published. The topic's copy is often read before the lane gets Kafka's
     * acknowledgement: then that copy stays, as the parsed result takes about three times its memory.
     */
    public void record(CommandResult result) {
        remember(result, result);
    }

    /**
     * Keeps {@code kept} as the id's result and hands the result to its waiter: the topic's JSON
     * always, this replica's parsed result only while the id has nothing yet.
     */
    private void remember(CommandResult result, Object kept) {
        if (result.id() == null) {
            return;
        }
        synchronized (results) {
            if (kept instanceof String) {
                results.put(result.id(), kept);
            } else {
                results.putIfAbsent(result.id(), kept);
            }
        }
        synchronized (attempts) {
            attempts.remove(result.id());
        }
        CompletableFuture<CommandResult> waiter = waiters.remove(result.id());
        if (waiter != null) {
            waiter.complete(result);
        }
    }


    /** Completes once every result and attempt mark acknowledged before this call has been read. */
    public CompletableFuture<Void> readAllSoFar() {
        return CompletableFuture.allOf(follower.readToEnd(), attemptsFollower.readToEnd());
    }

    @Override
    protected void doStart() {
        follower.start();
        attemptsFollower.start();
    }

    @Override
    protected void doStop() {
        follower.stop();
        attemptsFollower.stop();
        waiters.values().forEach(w -> w.cancel(false));
        waiters.clear();
    }

    private void readAttempt(ConsumerRecord<String, String> record) {
        try {
            CommandAttempt mark = CommandJson.MAPPER.readValue(record.value(), CommandAttempt.class);
            boolean answered;
            synchronized (results) {
                answered = results.containsKey(mark.id());
            }
            if (mark.id() != null && !answered) {
                synchronized (attempts) {
                    attempts.put(mark.id(), mark);
                }
            }
        } catch (Exception e) {
            LOG.warn("skipping an unreadable record on the command attempts topic");
        }
    }

    private void read(ConsumerRecord<String, String> record) {
        try {
            remember(CommandJson.readResult(record.value()), record.value());
        } catch (Exception e) {
            LOG.warn("skipping an unreadable record on {}", topic);
        }
    }
}
