package io.fleetgate.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one topic by itself on a thread of its own: all its partitions, each from its
 * {@link StartPosition}, {@link #isCaughtUp() caught up} once it has read up to the end offsets
 * found at start, then following what is written later until it is stopped.
 *
 * @param <V> the type of the record values (keys are strings)
 */
public final class TopicFollower<V> extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration PARTITIONS_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    /**
     * A follower has no group and nothing to commit, so its consumer closes without waiting for the
     * fetch it has out (up to a follower reader's 5 s): stopping Fleetgate's dozen followers one
     * after another had taken about 2 s of its shutdown.
     */
    private static final CloseOptions CLOSE_AT_ONCE = CloseOptions.timeout(Duration.ZERO);
    private static final long JOIN_MILLIS = 5000;

    /** What the follower's owner does with what is read; called on the follower's thread. */
    public interface Reader<V> {
        void read(ConsumerRecord<String, V> record);

        /** Once, when the topic has been read up to the end offsets found at start. */
        default void caughtUp() {}

        /** After every poll, once its records are read and caught-up is decided. */
        default void polled() {}
    }

    private final String owner;
    private final Properties consumerProperties;
    private final String topic;
    private final StartPosition start;
    private final Reader<V> reader;
    /** Whether it reads through a {@link KafkaClientConfig#followerReader}, whose long fetch rules out {@link #readToEnd()}. */
    private final boolean longFetch;
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    /** Waits for the topic to be read to its end as of the request; the follower takes the end offsets. */
    private final Queue<CompletableFuture<Void>> endRequests = new ConcurrentLinkedQueue<>();
    private final List<ReadTarget> readTargets = new ArrayList<>();
    private Duration pace = Duration.ZERO;
    private volatile KafkaConsumer<String, V> consumer;
    private volatile List<TopicPartition> assigned = List.of();
    private volatile long polls;
    private volatile Thread thread;

    /**
     * @param owner what follows the topic, as a failure is logged: "the command ledger"
     * @param consumerProperties the consumer's settings ({@link KafkaClientConfig#topicReader}); its
     *        client id names the thread
     */
    public TopicFollower(String owner, Properties consumerProperties, String topic, StartPosition start, Reader<V> reader) {
        this.owner = owner;
        this.consumerProperties = consumerProperties;
        this.topic = topic;
        this.start = start;
        this.reader = reader;
        Object fetchWait = consumerProperties.get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);
        this.longFetch = fetchWait != null && Integer.parseInt(fetchWait.toString()) >= KafkaClientConfig.FOLLOWER_FETCH_WAIT_MS;
    }

    /**
     * Once caught up, polls at most once per {@code pace} while records keep coming (a record
     * after a quiet spell is still read at once), nobody waiting on {@link #readToEnd()}: for a
     * follower nothing waits on, reading through {@link KafkaClientConfig#followerReader}, so that
     * it neither asks the broker 50 times a second while the topic is idle nor once per batch while
     * it is busy. Set before {@link #start()}.
     */
    public TopicFollower<V> paced(Duration pace) {
        this.pace = pace;
        return this;
    }

    /** Waits until the topic has been read up to where it ended at start; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    /**
     * Completes once the topic has been read up to its end offsets as of this call (taken by the
     * follower at its next poll): whatever was acknowledged before the call has then been read. Not
     * for a follower reading through {@link KafkaClientConfig#followerReader}: the end offsets would
     * wait for its fetch out.
     */
    public CompletableFuture<Void> readToEnd() {
        if (longFetch) {
            throw new IllegalStateException(owner + " reads through a followerReader: its end offsets would wait for its fetch out");
        }
        CompletableFuture<Void> read = new CompletableFuture<>();
        endRequests.add(read);
        Thread t = thread;
        if (t != null) {
            // a paced follower stops waiting between polls
            LockSupport.unpark(t);
        }
        return read;
    }

    /**
     * The next offset to read on each partition, as of the last poll (the start position before the
     * first); empty until the follower has found the partitions.
     */
    public Map<TopicPartition, Long> positions() {
        return Collections.unmodifiableMap(positions);
    }

    /** How many times the follower has polled the topic. */
    public long polls() {
        return polls;
    }

    /** The topic's partitions, once the follower has found them (empty before). */
    public List<TopicPartition> partitions() {
        return assigned;
    }

    @Override
    protected void doStart() {
        consumer = new KafkaConsumer<>(consumerProperties);
        thread = Thread.ofPlatform().daemon().name(consumerProperties.getProperty(ConsumerConfig.CLIENT_ID_CONFIG))
                .start(this::follow);
    }

    @Override
    protected void doStop() throws InterruptedException {
        KafkaConsumer<String, V> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            LockSupport.unpark(thread);
            thread.join(JOIN_MILLIS);
        }
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, PARTITIONS_TIMEOUT).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            assigned = partitions;
            start.seek(consumer, partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            // nothing to read (a topic just made, or a start position at its end): caught up now, where
            // the first poll would wait out its whole timeout for records that are not there (0.2 s
            // of every first start, waiting for the new accounts topic)
            takePositions(partitions, ends);
            while (isRunAllowed()) {
                long polledAt = System.nanoTime();
                ConsumerRecords<String, V> records = consumer.poll(POLL_TIMEOUT);
                polls++;
                for (ConsumerRecord<String, V> record : records) {
                    reader.read(record);
                }
                takePositions(partitions, ends);
                answerReadRequests(partitions);
                reader.polled();
                if (!records.isEmpty()) {
                    awaitPace(polledAt);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("{} stopped following {}: {}", owner, topic, e.toString());
        } finally {
            endRequests.forEach(request -> request.cancel(false));
            readTargets.forEach(target -> target.requests().forEach(request -> request.cancel(false)));
            consumer.close(CLOSE_AT_ONCE);
        }
    }

    /** Records the consumer's positions; the first time they reach the start's end offsets, the follower is caught up. */
    private void takePositions(List<TopicPartition> partitions, Map<TopicPartition, Long> ends) {
        for (TopicPartition tp : partitions) {
            positions.put(tp, consumer.position(tp));
        }
        if (!isCaughtUp() && reached(ends)) {
            // the reader's caught-up work is done before anyone waiting is let go
            reader.caughtUp();
            caughtUp.countDown();
        }
    }

    /** The consumer's next fetch is already out; what it brings and what follows waits for the next poll. */
    private void awaitPace(long polledAt) {
        long until = polledAt + pace.toNanos();
        for (long left; isRunAllowed() && isCaughtUp() && endRequests.isEmpty() && readTargets.isEmpty()
                && (left = until - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(this, left);
        }
    }

    private void answerReadRequests(List<TopicPartition> partitions) {
        if (!endRequests.isEmpty()) {
            List<CompletableFuture<Void>> requests = new ArrayList<>();
            for (CompletableFuture<Void> request; (request = endRequests.poll()) != null; ) {
                requests.add(request);
            }
            readTargets.add(new ReadTarget(consumer.endOffsets(partitions), requests));
        }
        readTargets.removeIf(target -> {
            if (!reached(target.ends())) {
                return false;
            }
            target.requests().forEach(request -> request.complete(null));
            return true;
        });
    }

    private record ReadTarget(Map<TopicPartition, Long> ends, List<CompletableFuture<Void>> requests) {}

    private boolean reached(Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> positions.getOrDefault(end.getKey(), 0L) >= end.getValue());
    }
}
