package io.fleetgate.command;

import io.fleetgate.kafka.GroupExit;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command topic's consumer, in the group that shares the topic's partitions among replicas.
 * It commits nothing on its own: only the offsets the {@link CommandIntake} says have finished
 * (their results acknowledged), at most once per commit interval, from its own thread.
 *
 * <p>Camel's kafka consumer does not fit here: after each record its route returns it records
 * that offset, and commits it once the poll's records are handed on (with manual commits too),
 * which committed commands still queued behind a wake-up and lost them on a crash.
 *
 * <p>Partitions that arrive are paused until the command ledger has read the results topic up to
 * its end as of then, so a command the previous owner finished is answered, not run again.
 * Partitions that leave are handed over: their queued commands do not start, running ones waiting
 * for their vehicle to wake stop at their next poll (the next owner runs them), the others finish
 * (up to the hand-over timeout) and are committed before the next owner reads on.
 *
 * <p>It reads ahead at most {@code maxHeld} commands (running or queued in their lanes): a backlog
 * on the topic (commands sent while no replica ran, or to vehicles that take long to wake) stays
 * on Kafka instead of filling the heap. At the limit the rest of the poll is sought back and every
 * partition is paused, until half of what is held has finished.
 */
public final class CommandConsumer extends ServiceSupport implements ConsumerRebalanceListener {
    private static final Logger LOG = LoggerFactory.getLogger(CommandConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
    /** A confirmation after a stand-still that Kafka does not answer in time is tried again after the next poll. */
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(2);

    private final Properties properties;
    private final String topic;
    private final CommandIntake intake;
    private final CommandLedger ledger;
    private final Duration commitInterval;
    private final Duration handoverTimeout;
    private final int maxHeld;
    private final StandStillWatch standStills;
    /** Every assigned partition paused because {@code maxHeld} commands are held. */
    private boolean holdingBack;
    /** Assigned partitions paused until the ledger has read the results published before they came. */
    private final Map<TopicPartition, CompletableFuture<Void>> waitingForLedger = new HashMap<>();
    /** Stand-stills noticed before the current poll began: a rebalance in that poll answered after them. */
    private long standStillsBeforePoll;
    private KafkaConsumer<String, String> consumer;
    private Thread thread;
    private volatile boolean closing;

    /**
     * @param properties the consumer's settings: client config, group id, String deserializers,
     *        no auto-commit (see FleetgateConfiguration)
     */
    public CommandConsumer(Properties properties, String topic, CommandIntake intake, CommandLedger ledger,
                           Duration commitInterval, Duration handoverTimeout, int maxHeld, StandStillWatch standStills) {
        this.properties = properties;
        this.topic = topic;
        this.intake = intake;
        this.ledger = ledger;
        this.commitInterval = commitInterval;
        this.handoverTimeout = handoverTimeout;
        this.maxHeld = Math.max(1, maxHeld);
        this.standStills = standStills;
    }

    @Override
    protected void doStart() {
        closing = false;
        consumer = new KafkaConsumer<>(properties);
        thread = Thread.ofPlatform().name("fleetgate-command-consumer").start(this::consume);
    }

    @Override
    protected void doStop() throws InterruptedException {
        closing = true;
        if (thread != null) {
            thread.join(handoverTimeout.plusSeconds(10).toMillis());
        }
    }

    private void consume() {
        long nextCommit = 0;
        try {
            consumer.subscribe(List.of(topic), this);
            while (!closing) {
                standStillsBeforePoll = standStills.standStills();
                take(consumer.poll(POLL_TIMEOUT));
                if (standStills.inDoubt()) {
                    confirmOwnership();
                }
                resumeOnceHalfFinished();
                resumeWhereLedgerCaughtUp();
                if (System.nanoTime() - nextCommit >= 0) {
                    commitAsync(intake.dueCommits());
                    nextCommit = System.nanoTime() + commitInterval.toNanos();
                }
            }
        } catch (RuntimeException e) {
            LOG.error("the command consumer stopped: {}", e.toString());
        } finally {
            try {
                // leaving the group hands every partition over (onPartitionsRevoked): what finished is committed
                GroupExit.leaveAndClose(consumer);
            } catch (RuntimeException e) {
                LOG.warn("closing the command consumer: {}", e.toString());
            }
            // nothing is this replica's any more: commands waiting on a stand-still go on to stop
            standStills.settle(standStills.standStills());
        }
    }

    /**
     * After this process stood still: a commit of each partition's first unfinished offset (which
     * moves nothing) succeeds only while this member still holds its partitions in the group's
     * generation. A refused one (another replica has them) makes the next poll report them lost,
     * and the confirmation after that has nothing left to confirm.
     */
    private void confirmOwnership() {
        long seen = standStills.standStills();
        Map<Integer, Long> held = intake.firstUnfinished();
        if (held.isEmpty()) {
            standStills.settle(seen);
            return;
        }
        try {
            consumer.commitSync(offsets(held), CONFIRM_TIMEOUT);
            intake.committed(held);
            LOG.info("command partitions {} are still this replica's after it stood still; their commands go on",
                    held.keySet().stream().sorted().toList());
            standStills.settle(seen);
        } catch (RuntimeException e) {
            LOG.info("command partitions {} not confirmed after this replica stood still ({}); asking again after the next poll",
                    held.keySet().stream().sorted().toList(), e.getClass().getSimpleName());
        }
    }

    /** Into the lanes, up to {@code maxHeld}: the rest of each partition's records are read again later. */
    private void take(ConsumerRecords<String, String> records) {
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, String> record : records.records(partition)) {
                if (intake.heldCommands() >= maxHeld) {
                    consumer.seek(partition, record.offset());
                    holdBack();
                    break;
                }
                intake.accept(record.partition(), record.offset(), record.key(), record.value());
            }
        }
    }

    private void holdBack() {
        if (!holdingBack) {
            holdingBack = true;
            consumer.pause(consumer.assignment());
            LOG.warn("{} commands are held on this replica (fleetgate.commands.max-held): the command topic is read on"
                    + " once half of them have finished", intake.heldCommands());
        }
    }

    private void resumeOnceHalfFinished() {
        if (holdingBack && intake.heldCommands() <= maxHeld / 2) {
            holdingBack = false;
            List<TopicPartition> resumed = consumer.assignment().stream().filter(p -> !waitingForLedger.containsKey(p)).toList();
            consumer.resume(resumed);
            LOG.info("reading the command topic on: {} commands held", intake.heldCommands());
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        if (holdingBack) {
            consumer.pause(partitions);
        }
        CompletableFuture<Void> ledgerRead = ledger.readAllSoFar();
        boolean wait = !ledgerRead.isDone();
        if (wait) {
            partitions.forEach(partition -> waitingForLedger.put(partition, ledgerRead));
            consumer.pause(partitions);
        }
        LOG.info("running the commands of partitions {}{}", partitionNumbers(partitions),
                wait ? " once the command ledger has read the results so far" : "");
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        List<Integer> numbers = partitionNumbers(partitions);
        intake.stopStarting(numbers);
        // the group rebalanced with this member after the stand-stills seen before this poll (or it
        // leaves): what it keeps is still its own, and commands waiting on what it releases go on to
        // stop at their hand-over check, rather than hold the hand-over that waits for them
        standStills.settle(standStillsBeforePoll);
        try {
            handOver(numbers);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        partitions.forEach(waitingForLedger::remove);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        // another replica owns them already: nothing of them is committed or started here any more
        LOG.warn("lost command partitions {} (this replica missed the group's session timeout); "
                + "commands running on them may run again on their new owner", partitionNumbers(partitions));
        intake.forget(partitionNumbers(partitions));
        partitions.forEach(waitingForLedger::remove);
    }

    private void handOver(List<Integer> partitions) throws InterruptedException {
        if (partitions.isEmpty()) {
            return;
        }
        long began = System.nanoTime();
        int running = intake.runningCommands(partitions);
        if (!intake.release(partitions, handoverTimeout)) {
            LOG.warn("commands of partitions {} still ran after {} s; the next owner runs those again",
                    partitions, handoverTimeout.toSeconds());
        }
        Map<Integer, Long> due = intake.dueCommits(partitions);
        if (!due.isEmpty()) {
            try {
                consumer.commitSync(offsets(due), COMMIT_TIMEOUT);
                intake.committed(due);
            } catch (RuntimeException e) {
                LOG.warn("could not commit the finished commands of partitions {}: {}; the next owner skips "
                        + "them by their results", partitions, e.toString());
            }
        }
        intake.forget(partitions);
        // the wait holds this consumer's poll: the partitions it keeps are not read meanwhile either
        LOG.info("handed over command partitions {} in {} ms, {} commands running when it began", partitions,
                Duration.ofNanos(System.nanoTime() - began).toMillis(), running);
    }

    private void resumeWhereLedgerCaughtUp() {
        if (waitingForLedger.isEmpty()) {
            return;
        }
        List<TopicPartition> ready = waitingForLedger.entrySet().stream()
                .filter(waiting -> waiting.getValue().isDone()).map(Map.Entry::getKey).toList();
        if (!ready.isEmpty()) {
            ready.forEach(waitingForLedger::remove);
            if (!holdingBack) {
                consumer.resume(ready); // else they resume with the others
            }
        }
    }

    private void commitAsync(Map<Integer, Long> due) {
        if (due.isEmpty()) {
            return;
        }
        consumer.commitAsync(offsets(due), (committed, failure) -> {
            if (failure == null) {
                intake.committed(due);
            } else if (!(failure instanceof RebalanceInProgressException)) {
                // the next interval commits the same or a later offset
                LOG.debug("committing command offsets failed: {}", failure.toString());
            }
        });
    }

    private Map<TopicPartition, OffsetAndMetadata> offsets(Map<Integer, Long> due) {
        return due.entrySet().stream().collect(Collectors.toMap(
                entry -> new TopicPartition(topic, entry.getKey()), entry -> new OffsetAndMetadata(entry.getValue())));
    }

    private static List<Integer> partitionNumbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).sorted().toList();
    }
}
