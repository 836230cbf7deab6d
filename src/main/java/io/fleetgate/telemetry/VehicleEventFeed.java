package io.fleetgate.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.kafka.KafkaClientConfig;
import io.fleetgate.kafka.PartitionOwnership;
import io.fleetgate.kafka.StartPosition;
import io.fleetgate.kafka.TopicFollower;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live vehicle events from {@code fleetgate.vehicle-events.v1} for whoever streams them on this
 * replica (SSE, webhooks): one reader of the topic per replica, from its end at start, hands each
 * event to every subscription whose filter takes it. A subscription may resume from given
 * offsets (an SSE {@code Last-Event-ID}): what was written since is read first by a reader of its
 * own, then the live events follow, with no gap and no duplicate per partition.
 *
 * <p>Listeners are called on the feed's thread (or, while a subscription catches up, on its own
 * reader's): they must hand the event on and return, never block.
 */
public final class VehicleEventFeed extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(VehicleEventFeed.class);
    /** The Kafka header that names an event's topic ({@code data}, {@code state}, ...). */
    public static final String EVENT_HEADER = "fleetgate-event";
    /** A resumed subscription's catch-up gives up when it reads nothing for this long. */
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);
    /** A catch-up reads on while more live events than this waited for it, up to so many rounds. */
    private static final int CATCH_UP_AGAIN_ABOVE = 100;
    private static final int MAX_CATCH_UP_ROUNDS = 20;
    /** A subscription's VINs when it takes events of every VIN (its filter may still choose). */
    private static final Set<String> ANY_VIN = null;

    private final Map<String, Object> kafkaClients;
    private final String topic;
    private final ObjectMapper json;
    private final TopicFollower<String> follower;
    private final Object dispatch = new Object();
    /**
     * The subscriptions of given VINs by VIN, and those of any VIN; guarded by {@code dispatch}.
     * An event is offered only to its VIN's (bench/run stream: offering each event to all 510
     * streams, each asking its filter, was 5 % of Fleetgate's CPU at 2,000 records/s).
     */
    private final Map<String, List<FeedSubscription>> byVin = new HashMap<>();
    private final List<FeedSubscription> anyVin = new ArrayList<>();
    /** The offset after the last record handed out, per partition; guarded by {@code dispatch}. */
    private final Map<Integer, Long> dispatched = new HashMap<>();

    public VehicleEventFeed(Map<String, Object> kafkaClients, String topic, ObjectMapper json) {
        this.kafkaClients = kafkaClients;
        this.topic = topic;
        this.json = json;
        // live streams wait on this reader
        Properties reader = KafkaClientConfig.followerReader(kafkaClients, "fleetgate-vehicle-event-feed", StringDeserializer.class);
        this.follower = new TopicFollower<>("the vehicle event feed", reader, topic, StartPosition.end(), this::read);
    }

    /** A live subscription; closing it stops its deliveries. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    protected void doStart() {
        follower.start();
    }

    @Override
    protected void doStop() {
        follower.stop();
        synchronized (dispatch) {
            byVin.clear();
            anyVin.clear();
        }
    }

    /** Waits until the feed reads live (its partitions found and positioned at their ends). */
    public boolean awaitLive(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    /** The events topic's partition of a VIN (Kafka's default partitioner on the VIN key); -1 before the feed has started. */
    public int partitionOf(String vin) {
        int partitions = follower.partitions().size();
        return partitions == 0 ? -1 : PartitionOwnership.partitionOf(vin, partitions);
    }

    /** Events of any VIN from now on that {@code filter} takes. */
    public Subscription subscribe(Predicate<VehicleEvent> filter, Consumer<StreamedEvent> listener) {
        return subscribe(ANY_VIN, filter, Map.of(), listener, CatchUp.UNPACED);
    }

    /**
     * What a resumed subscriber says about its catch-up, which runs on a thread of its own: it may
     * wait there before each event ({@link #pace()}, e.g. until its client has read what it was
     * sent), and it is told when what it missed could not be read ({@link #failed(String)}): the
     * events it gets then have a gap before them.
     */
    public interface CatchUp {
        CatchUp UNPACED = new CatchUp() {};

        /** Called on the catch-up thread, holding no lock, before each event it delivers; may block. */
        default void pace() {}

        default void failed(String why) {}
    }

    /**
     * Events of {@code vins} that {@code filter} takes: on each partition named in {@code from},
     * from that offset on (an event id's offset + 1 resumes after it), first those already
     * written, then the live ones; on the other partitions, from now on. The catch-up is paced and
     * its failure told through {@code catchUp}.
     */
    public Subscription subscribe(Set<String> vins, Predicate<VehicleEvent> filter, Map<Integer, Long> from,
                                  Consumer<StreamedEvent> listener, CatchUp catchUp) {
        FeedSubscription subscription = new FeedSubscription(vins, filter, listener, from, catchUp);
        synchronized (dispatch) {
            add(subscription);
        }
        if (!from.isEmpty()) {
            Thread.ofVirtual().name("fleetgate-event-catch-up").start(() -> catchUp(subscription));
        }
        return () -> remove(subscription);
    }

    /** Under {@code dispatch}. */
    private void add(FeedSubscription subscription) {
        if (subscription.vins == ANY_VIN) {
            anyVin.add(subscription);
            return;
        }
        for (String vin : subscription.vins) {
            byVin.computeIfAbsent(vin, v -> new ArrayList<>()).add(subscription);
        }
    }

    private void remove(FeedSubscription subscription) {
        subscription.closed = true;
        synchronized (dispatch) {
            if (subscription.vins == ANY_VIN) {
                anyVin.remove(subscription);
                return;
            }
            for (String vin : subscription.vins) {
                List<FeedSubscription> ofVin = byVin.get(vin);
                if (ofVin != null && ofVin.remove(subscription) && ofVin.isEmpty()) {
                    byVin.remove(vin);
                }
            }
        }
    }

    /** A live subscription and, for every partition, the first offset it takes. */
    public record Started(Subscription subscription, Map<Integer, Long> from) {}

    /** Whether the feed has found its partitions and where it reads them: a subscription from now can start. */
    public boolean reading() {
        synchronized (dispatch) {
            return !follower.partitions().isEmpty() && !follower.positions().isEmpty();
        }
    }

    /**
     * Events of {@code vins} from now on that {@code filter} takes, and where "now" is on every
     * partition: the subscription takes every event at or after those offsets and none before, so
     * a client that knows them can resume later with no gap (an SSE cursor). Throws when the feed
     * has not found its partitions yet.
     */
    public Started subscribeFromNow(Set<String> vins, Predicate<VehicleEvent> filter, Consumer<StreamedEvent> listener) {
        FeedSubscription subscription = new FeedSubscription(vins, filter, listener, Map.of(), CatchUp.UNPACED);
        Map<Integer, Long> from = new HashMap<>();
        synchronized (dispatch) {
            List<TopicPartition> partitions = follower.partitions();
            Map<TopicPartition, Long> positions = follower.positions();
            if (partitions.isEmpty() || positions.isEmpty()) {
                throw new IllegalStateException("the vehicle event feed is not reading yet");
            }
            // every record up to dispatched (this poll's) or positions (earlier polls) was handed out
            // before this subscription existed; every later one will reach it
            for (TopicPartition tp : partitions) {
                from.put(tp.partition(), Math.max(dispatched.getOrDefault(tp.partition(), 0L),
                        positions.getOrDefault(tp, 0L)));
            }
            add(subscription);
        }
        return new Started(() -> remove(subscription), Map.copyOf(from));
    }

    /** {@code id}'s successor: where to resume after the event a client saw last. */
    public static Map<Integer, Long> after(EventId id) {
        return Map.of(id.partition(), id.offset() + 1);
    }

    /** An event as read from the topic; empty when the record is not one. */
    public Optional<StreamedEvent> parse(ConsumerRecord<String, String> record) {
        try {
            JsonNode body = json.readTree(record.value());
            Header header = record.headers().lastHeader(EVENT_HEADER);
            Optional<EventTopic> topicOf = header == null ? Optional.empty()
                    : EventTopic.ofWire(new String(header.value(), StandardCharsets.UTF_8));
            if (!(body instanceof ObjectNode object) || topicOf.isEmpty()) {
                return Optional.empty();
            }
            VehicleEvent event = new VehicleEvent(object.path("vin").asText(record.key()), topicOf.get(),
                    Instant.parse(object.path("createdAt").asText()), object);
            return Optional.of(new StreamedEvent(new EventId(record.partition(), record.offset()), event));
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private void read(ConsumerRecord<String, String> record) {
        Optional<StreamedEvent> event = parse(record);
        synchronized (dispatch) {
            dispatched.put(record.partition(), record.offset() + 1);
            if (event.isEmpty()) {
                LOG.debug("vehicle events record {}-{} is not an event", record.partition(), record.offset());
                return;
            }
            List<FeedSubscription> ofVin = byVin.get(event.get().event().vin());
            if (ofVin != null) {
                for (FeedSubscription subscription : ofVin) {
                    subscription.offer(event.get());
                }
            }
            for (FeedSubscription subscription : anyVin) {
                subscription.offer(event.get());
            }
        }
    }

    private void catchUp(FeedSubscription subscription) {
        Properties properties = KafkaClientConfig.topicReader(kafkaClients, "fleetgate-vehicle-event-catch-up",
                StringDeserializer.class);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions = new ArrayList<>();
            subscription.from.keySet().forEach(p -> partitions.add(new TopicPartition(topic, p)));
            consumer.assign(partitions);
            for (TopicPartition tp : partitions) {
                long start = subscription.from.get(tp.partition());
                long beginning = consumer.beginningOffsets(List.of(tp)).get(tp);
                if (beginning > start) {
                    subscription.catchUp.failed("events " + tp.partition() + "-" + start + " to " + tp.partition() + "-"
                            + (beginning - 1) + " have left the topic (its retention)");
                }
                consumer.seek(tp, Math.max(start, beginning));
            }
            // to the ends as of now; again while many live events came meanwhile (they wait in memory)
            for (int round = 0; round < MAX_CATCH_UP_ROUNDS && !subscription.closed; round++) {
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                if (!readTo(consumer, partitions, ends, subscription) || subscription.waiting() < CATCH_UP_AGAIN_ABOVE) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("a resumed vehicle event subscription could not read what it missed: {}", e.toString());
            subscription.catchUp.failed("what was missed could not be read (" + e.getClass().getSimpleName() + ")");
        } finally {
            subscription.live();
        }
    }

    /** Reads to {@code ends}, each event through the subscriber's pace; false when it gave up. */
    private boolean readTo(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions,
                           Map<TopicPartition, Long> ends, FeedSubscription subscription) {
        long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
        while (!subscription.closed && partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
            if (System.nanoTime() > deadline) {
                subscription.catchUp.failed("nothing could be read for " + CATCH_UP_TIMEOUT.toSeconds() + " s");
                return false;
            }
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
                if (record.offset() < ends.get(new TopicPartition(topic, record.partition()))) {
                    Optional<StreamedEvent> event = parse(record);
                    if (event.isPresent() && subscription.takes(event.get().event())) {
                        // outside the subscription's lock, so the feed's thread never waits for it
                        subscription.catchUp.pace();
                    }
                    event.ifPresent(subscription::deliverCaughtUp);
                }
            }
        }
        return true;
    }

    /** One subscriber: its filter, the next offset it takes per partition, and what waits while it catches up. */
    private static final class FeedSubscription {
        /** {@link #ANY_VIN} or the VINs it is offered events of. */
        private final Set<String> vins;
        private final Predicate<VehicleEvent> filter;
        private final Consumer<StreamedEvent> listener;
        private final Map<Integer, Long> from;
        private final CatchUp catchUp;
        private final Map<Integer, Long> next = new HashMap<>();
        private final Queue<StreamedEvent> waiting = new ArrayDeque<>();
        private boolean catchingUp;
        private volatile boolean closed;

        FeedSubscription(Set<String> vins, Predicate<VehicleEvent> filter, Consumer<StreamedEvent> listener,
                         Map<Integer, Long> from, CatchUp catchUp) {
            this.vins = vins == ANY_VIN ? ANY_VIN : Set.copyOf(vins);
            this.catchUp = catchUp;
            this.filter = filter;
            this.listener = listener;
            this.from = Map.copyOf(from);
            this.next.putAll(from);
            this.catchingUp = !from.isEmpty();
        }

        synchronized void offer(StreamedEvent event) {
            if (catchingUp) {
                waiting.add(event);
            } else {
                deliver(event);
            }
        }

        /**
         * Its VINs' events its filter takes. Live ones come by VIN already; a catch-up reads whole
         * partitions, which hold other vehicles' events too (with one partition, every vehicle's).
         */
        boolean takes(VehicleEvent event) {
            return (vins == ANY_VIN || vins.contains(event.vin())) && filter.test(event);
        }

        synchronized int waiting() {
            return waiting.size();
        }

        synchronized void deliverCaughtUp(StreamedEvent event) {
            deliver(event);
        }

        synchronized void live() {
            for (StreamedEvent event; (event = waiting.poll()) != null; ) {
                deliver(event);
            }
            catchingUp = false;
        }

        private void deliver(StreamedEvent event) {
            // the filter first: an event not taken needs no place kept, the offsets of those taken only grow
            if (closed || !takes(event.event())) {
                return;
            }
            int partition = event.id().partition();
            Long expected = next.get(partition);
            if (expected != null && event.id().offset() < expected) {
                return;
            }
            next.put(partition, event.id().offset() + 1);
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("a vehicle event listener failed: {}", e.toString());
            }
        }
    }
}
