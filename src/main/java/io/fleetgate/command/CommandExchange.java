package io.fleetgate.command;

import io.fleetgate.ingress.ExchangeKeys;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;

/** The exchange properties of a running command (the routes read them as {@code exchangeProperty.*}). */
public final class CommandExchange {
    public static final String REQUEST = "fleetgateCommand";
    public static final String NAME = "fleetgateCommandName";
    public static final String VIN = "fleetgateVin";
    public static final String PARTITION = "fleetgateCommandPartition";
    public static final String OFFSET = "fleetgateCommandOffset";
    /** {@code online}, {@code asleep}, {@code offline} or {@code unknown}. */
    public static final String VEHICLE_STATE = "fleetgateVehicleState";
    /** The vehicle object of the last state check or wake-up answer, as JSON bytes (a parsed tree is ~3x larger). */
    public static final String VEHICLE_SUMMARY = "fleetgateVehicleSummary";
    /** True when a wake cycle for this vehicle failed after this command arrived: answer 408 at once. */
    public static final String WAKE_FAILED_RECENTLY = "fleetgateWakeFailedRecently";
    /** State checks of the wake cycle since a wake_up got through: at most fleetgate.wake.max-polls. */
    public static final String WAKE_POLLS = "fleetgateWakePolls";
    /** Polls of the wake cycle that sent the wake_up again because none had got through: as many at most. */
    public static final String WAKE_RESENDS = "fleetgateWakeResends";
    /** True once a wake_up reached Tesla (answered below 500) for this command. */
    public static final String WOKE = "fleetgateWoke";
    /** wake_up calls Tesla took (answered below 500): what it bills. */
    public static final String WAKE_UP_CALLS = "fleetgateWakeUpCalls";
    /** Whether the last wake_up call reached Tesla; false: the wake cycle sends it again. */
    public static final String WAKE_UP_DELIVERED = "fleetgateWakeUpDelivered";
    /** Upstream attempts of the command itself (also x-fleetgate-attempts). */
    public static final String ATTEMPTS = "fleetgateAttempts";
    /** Attempts that upstream answered below 500: what Tesla bills. */
    public static final String BILLABLE_ATTEMPTS = "fleetgateBillableAttempts";
    public static final String REWOKEN = "fleetgateRewoken";
    /** {@code retry} or {@code done}, decided after each attempt. */
    public static final String RETRY_DECISION = "fleetgateRetryDecision";
    /** A signed command's wait before its next attempt (routes/retries.camel.yaml's signed loop). */
    public static final String RETRY_DELAY_MS = "fleetgateRetryDelayMs";
    /**
     * When the next attempt is due ({@link CommandRetryWait}); in the {@code handed_over} and
     * {@code answered} marks, so the command's next owner (after a hand-over or a crash) waits for it too.
     */
    public static final String RETRY_DUE_AT = "fleetgateRetryDueAt";
    /** The last upstream answer: status, body bytes, pass-through headers. */
    public static final String LAST_STATUS = "fleetgateLastStatus";
    public static final String LAST_BODY = "fleetgateLastBody";
    public static final String LAST_HEADERS = "fleetgateLastHeaders";
    /** Set when the last call failed in transport (refused, reset, timed out). */
    public static final String TRANSPORT_FAILURE = "fleetgateTransportFailure";
    public static final String RESULT = "fleetgateCommandResult";
    /** The partition assignment the command was taken under (an {@link OffsetTracker.Assignment}). */
    public static final String ASSIGNMENT = "fleetgateCommandAssignment";
    /** True when the command stopped between wake polls because its partition moved to another replica. */
    public static final String HANDED_OVER = "fleetgateCommandHandedOver";
    /** True when the previous owner's wake_up is still under way: the wake cycle polls without sending another. */
    public static final String WAKE_UP_UNDER_WAY = "fleetgateWakeUpUnderWay";

    private CommandExchange() {}

    static void prepare(Exchange exchange, CommandRequest request, int partition, long offset) {
        exchange.setProperty(REQUEST, request);
        exchange.setProperty(NAME, request.command());
        exchange.setProperty(VIN, request.vin());
        exchange.setProperty(PARTITION, partition);
        exchange.setProperty(OFFSET, offset);
        exchange.setProperty(ExchangeKeys.RECEIVED_AT, request.receivedAt());
        exchange.setProperty(ExchangeKeys.CLIENT_IP, request.clientIp());
        exchange.setProperty(ExchangeKeys.CLIENT_LIBRARY, request.clientLibrary());
        exchange.setProperty(ExchangeKeys.COMMAND_ID, request.id());
        exchange.setProperty(ATTEMPTS, 0);
        exchange.setProperty(BILLABLE_ATTEMPTS, 0);
        exchange.setProperty(WAKE_UP_CALLS, 0);
        exchange.setProperty(WOKE, false);
    }

    /**
     * What the partition's previous owner did before the command moved (or before it died while the
     * command waited for its next attempt): the wake_up calls Tesla
     * took and the command's attempts (a 408 before a wake cycle) count, are billed and logged with
     * this run; that wake cycle was the command's one after a 408; an attempt it waited for is not
     * made before it was due; and a wake_up sent within the last wake cycle is still under way.
     */
    static void carryOver(Exchange exchange, CommandAttempt mark, Instant now, Duration wakeCycle) {
        exchange.setProperty(ATTEMPTS, mark.attempt());
        exchange.setProperty(BILLABLE_ATTEMPTS, mark.billableAttempts() == null ? 0 : mark.billableAttempts());
        AttemptLog.carryOver(exchange, mark.attemptLog());
        if (Boolean.TRUE.equals(mark.rewoken())) {
            exchange.setProperty(REWOKEN, true);
        }
        if (mark.retryAt() != null) {
            exchange.setProperty(RETRY_DUE_AT, mark.retryAt());
        }
        int wakeUps = mark.wakeUpCalls() == null ? 0 : mark.wakeUpCalls();
        if (wakeUps > 0) {
            exchange.setProperty(WAKE_UP_CALLS, wakeUps);
            exchange.setProperty(WOKE, true);
            // a hand-over between wake polls: the wake-up is under way (an answered vehicle was awake)
            if (mark.handedOver() && mark.at() != null && mark.at().plus(wakeCycle).isAfter(now)) {
                exchange.setProperty(WAKE_UP_UNDER_WAY, true);
                exchange.setProperty(WAKE_UP_DELIVERED, true);
            }
        }
    }

    static CommandResult result(Exchange exchange) {
        return exchange.getProperty(RESULT, CommandResult.class);
    }

    static int intProperty(Exchange exchange, String name) {
        Integer value = exchange.getProperty(name, Integer.class);
        return value == null ? 0 : value;
    }
}
