package io.fleetgate.command;

import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.GatewayError;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks each attempt of a vehicle command on the attempts topic before it goes to the Fleet API,
 * and its answer when another attempt follows, each acknowledged by Kafka before the lane goes on.
 * The partition's next owner then tells a command that never left (run it) from one that was with
 * Tesla when its replica died (may have run: answered, not sent again). State checks, wake-ups and
 * signing handshakes change nothing in the car and are not marked.
 */
public final class CommandAttempts {
    private static final Logger LOG = LoggerFactory.getLogger(CommandAttempts.class);
    private final CommandRecords records;
    private final String topic;
    private final Clock clock;

    public CommandAttempts(CommandRecords records, String topic, Clock clock) {
        this.records = records;
        this.topic = topic;
        this.clock = clock;
    }

    /** Before an attempt of the command itself: its mark, acknowledged, or 503 and nothing is sent. */
    public void sending(Exchange exchange) {
        if (isCommandOfALane(exchange) && !SignedCommands.isHandshake(exchange)) {
            mark(exchange, CommandAttempt.SENDING, null);
        }
    }

    /** After an answer on which another attempt (or a wake cycle and another attempt) follows. */
    public void answered(Exchange exchange) {
        if (isCommandOfALane(exchange) && !SignedCommands.isHandshake(exchange)) {
            mark(exchange, CommandAttempt.ANSWERED, exchange.getProperty(CommandExchange.LAST_STATUS, Integer.class));
        }
    }

    /**
     * The command stops between its wake polls or in the wait for its next attempt because its
     * partition moved: its next owner learns the wake_up calls Tesla took, the attempts made (a 408
     * before a wake cycle) and when the next attempt is due. Kafka away, the stop goes on unmarked
     * (the next owner wakes the vehicle again).
     */
    public void handedOver(Exchange exchange) {
        try {
            mark(exchange, CommandAttempt.HANDED_OVER, null);
        } catch (GatewayError kafkaAway) {
            LOG.warn("could not mark command {} as handed over; its next owner wakes the vehicle again",
                    exchange.getProperty(ExchangeKeys.COMMAND_ID));
        }
    }

    private void mark(Exchange exchange, String state, Integer status) {
        CommandRequest request = exchange.getProperty(CommandExchange.REQUEST, CommandRequest.class);
        int attempt = CommandExchange.intProperty(exchange, CommandExchange.ATTEMPTS) + (CommandAttempt.SENDING.equals(state) ? 1 : 0);
        // what the command's next owner carries over (CommandExchange.carryOver): after a hand-over,
        // or after a crash in the wait for its next attempt
        boolean carried = !CommandAttempt.SENDING.equals(state);
        CommandAttempt mark = new CommandAttempt(request.id(), request.vin(), attempt, state, status,
                exchange.getProperty(CommandExchange.PARTITION, Integer.class), exchange.getProperty(CommandExchange.OFFSET, Long.class),
                clock.instant(),
                carried ? CommandExchange.intProperty(exchange, CommandExchange.WAKE_UP_CALLS) : null,
                carried ? CommandExchange.intProperty(exchange, CommandExchange.BILLABLE_ATTEMPTS) : null,
                carried ? AttemptLog.of(exchange) : null,
                carried && Boolean.TRUE.equals(exchange.getProperty(CommandExchange.REWOKEN, Boolean.class)) ? Boolean.TRUE : null,
                carried ? exchange.getProperty(CommandExchange.RETRY_DUE_AT, Instant.class) : null);
        try {
            records.sendAcknowledged(topic, request.vin(), CommandJson.write(mark));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            throw unavailable();
        }
    }

    /** Energy-site commands go through the same attempt route, outside any lane: nothing to mark. */
    private static boolean isCommandOfALane(Exchange exchange) {
        return exchange.getProperty(CommandExchange.REQUEST) != null && exchange.getProperty(CommandExchange.PARTITION) != null;
    }

    private static GatewayError unavailable() {
        return new GatewayError(503, "service_unavailable",
                "Fleetgate could not record the command's attempt on Kafka, so it was not sent; try again shortly.");
    }
}
