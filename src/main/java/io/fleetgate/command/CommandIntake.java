package io.fleetgate.command;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes command records (from {@link CommandConsumer}, never blocking it) into per-VIN lanes, and
 * runs each through the {@code command-run} route asynchronously. A record counts as finished
 * once its result is acknowledged on the results topic; only then may its offset be committed
 * ({@link OffsetTracker}). A result Kafka does not take is offered again until it is, holding the
 * vehicle's lane, so a command never finishes without its result.
 */
public final class CommandIntake {
    private static final Logger LOG = LoggerFactory.getLogger(CommandIntake.class);
    private static final Duration FIRST_PUBLISH_RETRY = Duration.ofMillis(500);
    private static final Duration LAST_PUBLISH_RETRY = Duration.ofSeconds(10);

    private final CommandLedger ledger;
    private final OffsetTracker offsets = new OffsetTracker();
    private final VinLanes<Taken> lanes;
    private final CommandResults results;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Duration wakeCycle;
    /** Commands running now, per partition: a hand-over waits for them. */
    private final Map<Integer, Integer> running = new HashMap<>();
    private volatile boolean stopping;
    private volatile AsyncProducer runRoute;
    private volatile CamelContext context;
    private final CommandRetryWait retryWait;
    private final StandStillWatch standStills;

    /**
     * @param wakeCycle how long a wake cycle polls: a wake_up sent longer ago than that is no longer under way
     * @param standStills after this process stood still, no command starts until the consumer has settled it
     */
    public CommandIntake(CommandLedger ledger, CommandResults results, ScheduledExecutorService scheduler, Clock clock,
                         Duration wakeCycle, StandStillWatch standStills) {
        this.ledger = ledger;
        this.results = results;
        this.scheduler = scheduler;
        this.clock = clock;
        this.wakeCycle = wakeCycle;
        this.standStills = standStills;
        this.lanes = new VinLanes<>(scheduler, this::run);
        this.retryWait = new CommandRetryWait(scheduler, clock, offsets::mayStart);
    }

    /** The wait before a command's next attempt (the route's {@code commandRetryWait}), cut short by a hand-over. */
    public CommandRetryWait retryWait() {
        return retryWait;
    }

    /** The route that runs one command; its consumer starts before records are taken. */
    public void connect(CamelContext camelContext, String runRouteUri) throws Exception {
        this.context = camelContext;
        AsyncProducer producer = camelContext.getEndpoint(runRouteUri).createAsyncProducer();
        producer.start();
        this.runRoute = producer;
    }

    /** One record of the command topic, on the consumer's thread: into its vehicle's lane at once. */
    public void accept(int partition, long offset, String key, String json) {
        OffsetTracker.Assignment assignment = offsets.started(partition, offset);
        CommandRequest request;
        try {
            request = CommandJson.readRequest(json);
        } catch (Exception e) {
            LOG.warn("command record at {}-{} is not a command: {}", partition, offset, e.getClass().getSimpleName());
            lanes.submit(key == null ? "" : key, new Taken(null, results.malformed(key, partition, offset), assignment, offset));
            return;
        }
        String problem = CommandChecks.recordProblem(request);
        if (problem != null) {
            String lane = request.vin() != null ? request.vin() : key == null ? "" : key;
            lanes.submit(lane, new Taken(null, results.invalid(request, key, problem, partition, offset), assignment, offset));
            return;
        }
        if (request.receivedAt() == null) {
            request = new CommandRequest(request.id(), request.accountId(), request.vin(), request.command(),
                    request.parameters(), request.replyTo(), clock.instant(), request.source() == null ? "kafka" : request.source(),
                    request.clientIp(), request.clientLibrary(), request.tokenName());
        }
        lanes.submit(request.vin(), new Taken(request, null, assignment, offset));
    }

    /** The next offsets to commit, per partition (see {@link OffsetTracker#due()}). */
    public Map<Integer, Long> dueCommits() {
        return offsets.due();
    }

    /** Per partition with commands taken and not finished, the first one's offset (see {@link OffsetTracker#firstUnfinished()}). */
    public Map<Integer, Long> firstUnfinished() {
        return offsets.firstUnfinished();
    }

    public Map<Integer, Long> dueCommits(Collection<Integer> partitions) {
        return offsets.due(partitions);
    }

    public void committed(Map<Integer, Long> committedOffsets) {
        offsets.committed(committedOffsets);
    }

    /**
     * The partitions go to another replica: nothing queued of them starts here any more, and this
     * waits (at most {@code timeout}) for their running commands to finish, so their offsets can
     * be committed before the next owner reads on. False when some still ran at the timeout.
     */
    public boolean release(Collection<Integer> partitions, Duration timeout) throws InterruptedException {
        stopStarting(partitions);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (running) {
            while (partitions.stream().anyMatch(p -> running.getOrDefault(p, 0) > 0)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(running, left);
            }
        }
        return true;
    }

    /** The first half of {@link #release}: nothing queued of the partitions starts, and waits for a next attempt end now. */
    public void stopStarting(Collection<Integer> partitions) {
        offsets.release(partitions);
        retryWait.cutShort(partitions);
    }

    /** The partitions left this replica; their records are neither run nor committed here. */
    public void forget(Collection<Integer> partitions) {
        offsets.forget(partitions);
    }

    /** Called as Fleetgate begins to stop: commands in flight finish, queued ones wait for the next owner. */
    public void stopTaking() {
        stopping = true;
        lanes.close();
    }

    /**
     * Between the polls of a wake cycle, and while it waits for its next attempt, nothing of the
     * command is with Tesla: if its partition is being handed to another replica meanwhile, the
     * command is marked to stop there, unanswered and uncommitted, so the hand-over need not wait out
     * the vehicle's wake-up or the backoff. A wake_up command is never stopped: its wake_up went already.
     */
    public void noteHandOver(Exchange exchange) {
        OffsetTracker.Assignment assignment = exchange.getProperty(CommandExchange.ASSIGNMENT, OffsetTracker.Assignment.class);
        if (assignment != null && !CommandRequest.WAKE_UP.equals(exchange.getProperty(CommandExchange.NAME, String.class))
                && !offsets.mayStart(assignment)) {
            exchange.setProperty(CommandExchange.HANDED_OVER, true);
        }
    }

    /** Commands running now on these partitions. */
    public int runningCommands(Collection<Integer> partitions) {
        synchronized (running) {
            return partitions.stream().mapToInt(p -> running.getOrDefault(p, 0)).sum();
        }
    }

    /** Commands running now, over all partitions. */
    public int runningCommands() {
        synchronized (running) {
            return running.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** This replica's commands for the vehicle, running or queued behind it. */
    public int laneDepth(String vin) {
        return lanes.depth(vin);
    }

    public int activeLanes() {
        return lanes.activeLanes();
    }

    /** Commands this replica has taken from the topic and not finished: running or queued. */
    public int heldCommands() {
        return lanes.heldItems();
    }

    public int queuedCommands() {
        return lanes.queuedItems();
    }

    private CompletionStage<?> run(Taken taken) {
        CompletableFuture<Void> settled = standStills.whenSettled();
        if (!settled.isDone()) {
            // this process stood still: whether the partition is still ours is the consumer's to say first
            return settled.thenComposeAsync(ignored -> run(taken), scheduler);
        }
        if (stopping || !offsets.mayStart(taken.assignment())) {
            // handed over or stopping: not committed, so the partition's next owner runs it
            return CompletableFuture.completedFuture(null);
        }
        int partition = taken.assignment().partition();
        started(partition);
        CompletionStage<?> done;
        try {
            done = taken.refusal() != null ? publish(taken.refusal(), taken) : execute(taken);
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        return done.whenComplete((ok, failure) -> ended(partition));
    }

    private CompletionStage<?> execute(Taken taken) {
        CommandRequest request = taken.request();
        var earlier = ledger.executed(request.id());
        if (earlier.isPresent()) {
            if (earlier.get().cameFrom(taken.assignment().partition(), taken.offset())) {
                // the same record again after a crash or hand-over: it already has its result
                offsets.finished(taken.assignment(), taken.offset());
                return CompletableFuture.completedFuture(null);
            }
            LOG.info("command {} was already executed; publishing its result again", request.id());
            return publish(earlier.get().repliedTo(request.replyTo()), taken);
        }
        if (ledger.inDoubt(request.id())) {
            // its replica died while it was with Tesla: it may have run, and is not sent twice
            LOG.warn("command {} for {} was with the Fleet API when its replica stopped; answered as unknown, not sent again",
                    request.id(), request.vin());
            return publish(results.inDoubt(request, taken.assignment().partition(), taken.offset()), taken);
        }
        Exchange exchange = new DefaultExchange(context);
        CommandExchange.prepare(exchange, request, taken.assignment().partition(), taken.offset());
        exchange.setProperty(CommandExchange.ASSIGNMENT, taken.assignment());
        ledger.carriedOver(request.id()).ifPresent(mark -> CommandExchange.carryOver(exchange, mark, clock.instant(), wakeCycle));
        CompletableFuture<Void> done = new CompletableFuture<>();
        runRoute.process(exchange, doneSync -> {
            if (Boolean.TRUE.equals(exchange.getProperty(CommandExchange.HANDED_OVER))) {
                // not finished, so not committed: the partition's next owner runs it
                LOG.info("command {} for {} moved with its partition while its vehicle woke; its next owner runs it",
                        request.id(), request.vin());
                done.complete(null);
                return;
            }
            CommandResult result = CommandExchange.result(exchange);
            if (result == null) {
                // every command gets exactly one result, also when no stage answered its failure
                LOG.error("command {} for {} ended without a result: {}", request.id(), request.vin(),
                        exchange.getException() == null ? "no result" : exchange.getException().toString());
                publish(results.failed(request, exchange.getException(), taken.assignment().partition(), taken.offset()), taken)
                        .whenComplete((ok, failure) -> done.complete(null));
            } else if (exchange.getException() != null) {
                LOG.warn("the result of command {} was not taken by Kafka ({}); offering it again",
                        request.id(), exchange.getException().getClass().getSimpleName());
                publish(result, taken).whenComplete((ok, failure) -> done.complete(null));
            } else {
                finished(result, taken);
                done.complete(null);
            }
        });
        return done;
    }

    /** Publishes a result the run route did not (refusals, repeated ids, or one Kafka did not take). */
    private CompletionStage<?> publish(CommandResult result, Taken taken) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        publish(result, taken, FIRST_PUBLISH_RETRY, done);
        return done;
    }

    private void publish(CommandResult result, Taken taken, Duration nextWait, CompletableFuture<Void> done) {
        results.publish(result).whenComplete((ok, failure) -> {
            if (failure == null) {
                finished(result, taken);
                done.complete(null);
            } else {
                // also after the partition left (a hand-over waits for it, and a re-delivery of the
                // record waits behind it in the lane): the command ran, so its result must stand
                Duration after = nextWait.multipliedBy(2).compareTo(LAST_PUBLISH_RETRY) > 0 ? LAST_PUBLISH_RETRY : nextWait.multipliedBy(2);
                try {
                    scheduler.schedule(() -> publish(result, taken, after, done), nextWait.toMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException shutDown) {
                    LOG.warn("Fleetgate stopped before Kafka took the result of command {}; the next owner runs it again", result.id());
                    done.complete(null);
                }
            }
        });
    }

    private void finished(CommandResult result, Taken taken) {
        ledger.record(result);
        offsets.finished(taken.assignment(), taken.offset());
    }

    private void started(int partition) {
        synchronized (running) {
            running.merge(partition, 1, Integer::sum);
        }
    }

    private void ended(int partition) {
        synchronized (running) {
            running.merge(partition, -1, (a, b) -> a + b == 0 ? null : a + b);
            running.notifyAll();
        }
    }

    /** A record in its lane: a command to run, or a refusal (unreadable, invalid) to publish. */
    record Taken(CommandRequest request, CommandResult refusal, OffsetTracker.Assignment assignment, long offset) {}
}
