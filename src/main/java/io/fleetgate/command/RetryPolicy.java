package io.fleetgate.command;

import io.fleetgate.ingress.ExchangeKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * CONTRACT section 5, first table: after each attempt of a proxied command, whether and when to
 * try again. 424, 5xx and transport failures back off exponentially from the initial delay; a 429
 * waits its Retry-After, or is answered at once when that passes the budget; anything else is
 * final. At most {@code maxRetries} retries, all within {@code budget} of the command's arrival.
 */
public final class RetryPolicy {
    public static final String RETRY = "retry";
    public static final String DONE = "done";

    private final Clock clock;
    private final int maxRetries;
    private final Duration budget;
    private final Duration initialBackoff;

    public RetryPolicy(Clock clock, int maxRetries, Duration budget, Duration initialBackoff) {
        this.clock = clock;
        this.maxRetries = maxRetries;
        this.budget = budget;
        this.initialBackoff = initialBackoff;
    }

    /** Counts the attempt just made and sets the decision and delay properties. */
    public void decide(Exchange exchange) {
        int attempts = CommandExchange.intProperty(exchange, CommandExchange.ATTEMPTS) + 1;
        exchange.setProperty(CommandExchange.ATTEMPTS, attempts);
        int status = CommandExchange.intProperty(exchange, CommandExchange.LAST_STATUS);
        boolean transportFailure = Boolean.TRUE.equals(exchange.getProperty(CommandExchange.TRANSPORT_FAILURE, Boolean.class));
        if (!transportFailure && status < 500) {
            exchange.setProperty(CommandExchange.BILLABLE_ATTEMPTS,
                    CommandExchange.intProperty(exchange, CommandExchange.BILLABLE_ATTEMPTS) + 1);
        }
        @SuppressWarnings("unchecked")
        Map<String, String> headers = exchange.getProperty(CommandExchange.LAST_HEADERS, Map.class);
        Instant arrival = exchange.getProperty(ExchangeKeys.RECEIVED_AT, Instant.class);
        Duration delay = nextDelay(status, transportFailure, headers == null ? null : headers.get("Retry-After"),
                attempts, arrival == null ? clock.instant() : arrival);
        exchange.setProperty(CommandExchange.RETRY_DECISION, delay == null ? DONE : RETRY);
        if (delay != null) {
            exchange.setProperty(CommandExchange.RETRY_DUE_AT, clock.instant().plus(delay));
        }
        AttemptLog.record(exchange, attempts, null, delay == null ? null : delay.toMillis());
    }

    /** The wait before the next attempt, or null when the answer is final. */
    Duration nextDelay(int status, boolean transportFailure, String retryAfter, int attemptsSoFar, Instant arrival) {
        if (attemptsSoFar > maxRetries) {
            return null;
        }
        Duration delay;
        if (status == 429) {
            delay = retryAfter(retryAfter);
            if (delay == null) {
                delay = backoff(attemptsSoFar);
            }
        } else if (transportFailure || status == 424 || status >= 500) {
            delay = backoff(attemptsSoFar);
        } else {
            return null;
        }
        Instant next = clock.instant().plus(delay);
        return next.isAfter(arrival.plus(budget)) ? null : delay;
    }

    private Duration backoff(int attemptsSoFar) {
        return initialBackoff.multipliedBy(1L << Math.min(attemptsSoFar - 1, 20));
    }

    /** Retry-After as whole seconds or as an HTTP date. */
    private Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(text)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration until = Duration.between(clock.instant(), at);
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
