package io.fleetgate.command;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes command records off the command topic (never blocking the consumer) into per-VIN lanes,
 * and runs each through the {@code command-run} route asynchronously. A record's offset is
 * committed once it and every earlier record of its partition have finished.
 */
public final class CommandIntake {
    private static final Logger LOG = LoggerFactory.getLogger(CommandIntake.class);

    private final CommandLedger ledger;
    private final OffsetTracker offsets;
    private final VinLanes<Taken> lanes;
    private final CommandResults results;
    private final Clock clock;
    private final Duration ledgerWait;
    private volatile AsyncProducer runRoute;
    private volatile CamelContext context;

    public CommandIntake(CommandLedger ledger, CommandResults results, Executor laneExecutor, Clock clock, Duration ledgerWait,
            Duration commitInterval) {
        this.ledger = ledger;
        this.offsets = new OffsetTracker(commitInterval);
        this.results = results;
        this.clock = clock;
        this.ledgerWait = ledgerWait;
        this.lanes = new VinLanes<>(laneExecutor, this::run);
    }

    /** The route that runs one command; its consumer starts before this intake's route does. */
    public void connect(CamelContext camelContext, String runRouteUri) throws Exception {
        this.context = camelContext;
        AsyncProducer producer = camelContext.getEndpoint(runRouteUri).createAsyncProducer();
        producer.start();
        this.runRoute = producer;
    }

    /** Called for each record of the command topic. */
    public void accept(Exchange exchange) throws InterruptedException {
        if (!ledger.awaitCaughtUp(ledgerWait)) {
            throw new IllegalStateException("the command ledger has not caught up with the results topic yet");
        }
        Integer partition = exchange.getMessage().getHeader(KafkaConstants.PARTITION, Integer.class);
        Long offset = exchange.getMessage().getHeader(KafkaConstants.OFFSET, Long.class);
        KafkaManualCommit commit = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        String key = exchange.getMessage().getHeader(KafkaConstants.KEY, String.class);
        String json = exchange.getMessage().getBody(String.class);
        offsets.started(partition, offset, commit::commit);

        CommandRequest request;
        try {
            request = CommandJson.readRequest(json);
        } catch (Exception e) {
            LOG.warn("command record at {}-{} is not a command: {}", partition, offset, e.getClass().getSimpleName());
            publishThenFinish(results.malformed(key, partition, offset), partition, offset);
            return;
        }
        String problem = CommandChecks.recordProblem(request);
        if (problem != null) {
            publishThenFinish(results.invalid(request, key, problem, partition, offset), partition, offset);
            return;
        }
        if (request.receivedAt() == null) {
            request = new CommandRequest(request.id(), request.accountId(), request.vin(), request.command(),
                    request.parameters(), request.replyTo(), clock.instant(), request.source() == null ? "kafka" : request.source(),
                    request.clientIp(), request.clientLibrary(), request.tokenName());
        }
        lanes.submit(request.vin(), new Taken(request, partition, offset));
    }

    /** Called as Fleetgate begins to stop: commands in flight finish, queued ones wait for the next owner. */
    public void stopTaking() {
        lanes.close();
        offsets.flush();
    }

    public int activeLanes() {
        return lanes.activeLanes();
    }

    public int queuedCommands() {
        return lanes.queuedItems();
    }

    private CompletionStage<?> run(Taken taken) {
        CommandRequest request = taken.request();
        var earlier = ledger.executed(request.id());
        if (earlier.isPresent()) {
            if (earlier.get().cameFrom(taken.partition(), taken.offset())) {
                // the same record again after a restart: it already has its result
                offsets.finished(taken.partition(), taken.offset());
                return CompletableFuture.completedFuture(null);
            }
            LOG.info("command {} was already executed; publishing its result again", request.id());
            return publishThenFinish(earlier.get().repliedTo(request.replyTo()), taken.partition(), taken.offset());
        }
        Exchange exchange = new DefaultExchange(context);
        CommandExchange.prepare(exchange, request, taken.partition(), taken.offset());
        CompletableFuture<Void> done = new CompletableFuture<>();
        runRoute.process(exchange, doneSync -> {
            CommandResult result = CommandExchange.result(exchange);
            if (exchange.getException() != null || result == null) {
                // not published: leave the offset uncommitted so a restart runs it again
                LOG.error("command {} for {} failed without a published result: {}", request.id(), request.vin(),
                        exchange.getException() == null ? "no result" : exchange.getException().toString());
            } else {
                ledger.record(result);
                offsets.finished(taken.partition(), taken.offset());
            }
            done.complete(null);
        });
        return done;
    }

    private CompletionStage<?> publishThenFinish(CommandResult result, int partition, long offset) {
        return results.publish(result).whenComplete((ok, failure) -> {
            if (failure == null) {
                ledger.record(result);
                offsets.finished(partition, offset);
            } else {
                LOG.error("cannot publish the result of command {}: {}", result.id(), failure.toString());
            }
        });
    }

    record Taken(CommandRequest request, int partition, long offset) {}
}
