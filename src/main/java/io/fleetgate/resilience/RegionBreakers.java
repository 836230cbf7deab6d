package io.fleetgate.resilience;

import io.fleetgate.region.NoConnectionFreeException;
import io.fleetgate.region.Region;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Resilience4j circuit breaker per regional Fleet API host (CONTRACT section 9), which the
 * {@code fleet-api:<region>} calls ask before each call and tell how it went. The breaker judges
 * answers, not only exceptions: Tesla's answers reach the caller as they are, so a 5xx is a
 * result that {@code recordResult} counts as a failure while the answer itself still passes
 * through unchanged. Timeouts and connection failures arrive as exceptions and count too;
 * Tesla's 4xx never do.
 *
 * <p>Each state change is one log line; {@link #untilHalfOpen} gives callers their Retry-After.
 */
public final class RegionBreakers {
    private static final Logger LOG = LoggerFactory.getLogger(RegionBreakers.class);

    private final Map<Region, CircuitBreaker> breakers = new EnumMap<>(Region.class);
    private final Map<String, Instant> halfOpenAt = new ConcurrentHashMap<>();
    private final BreakerSettings settings;
    private final Clock clock;

    public RegionBreakers(BreakerSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.windowSize())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(settings.openWait())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                .recordResult(RegionBreakers::answeredWithServerError)
                .recordException(RegionBreakers::hostFailed)
                // anything else (a bug, a refusal of Fleetgate's own) says nothing about the host
                .ignoreException(failure -> !hostFailed(failure))
                // refusals are answers, not faults: no stack trace to fill in for each one
                .writableStackTraceEnabled(false)
                .clock(clock)
                .build();
        for (Region region : Region.values()) {
            CircuitBreaker breaker = CircuitBreaker.of(region.code(), config);
            breaker.getEventPublisher().onStateTransition(this::logTransition);
            breakers.put(region, breaker);
        }
    }

    public CircuitBreaker breaker(Region region) {
        return breakers.get(region);
    }

    /**
     * How long a caller refused by the named breaker should wait: until the breaker may let
     * probes through, in whole seconds, at least one (while it is half-open, a second).
     */
    public Duration untilHalfOpen(String breakerName) {
        Instant at = halfOpenAt.get(breakerName);
        long millis = at == null ? 0 : Duration.between(clock.instant(), at).toMillis();
        return Duration.ofSeconds(Math.max(1, (millis + 999) / 1000));
    }

    /** The breaker state as a number for a gauge: 0 closed, 1 open, 2 half-open. */
    public static int stateValue(CircuitBreaker.State state) {
        return switch (state) {
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
            case CLOSED, DISABLED, METRICS_ONLY -> 0;
        };
    }

    /** A call that got an answer: a failure of the host when Tesla answered 5xx. */
    static boolean answeredWithServerError(Object result) {
        if (result instanceof Exchange exchange) {
            Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            return status != null && status >= 500;
        }
        return false;
    }

    /**
     * A call that got no answer: refused, reset, timed out. Not when Fleetgate's own connection
     * pool had no connection free in time: that is load on this replica, not the host failing.
     */
    static boolean hostFailed(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NoConnectionFreeException) {
                return false;
            }
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private void logTransition(CircuitBreakerOnStateTransitionEvent event) {
        String name = event.getCircuitBreakerName();
        CircuitBreaker.State from = event.getStateTransition().getFromState();
        CircuitBreaker.State to = event.getStateTransition().getToState();
        String change = "upstream circuit breaker " + name + ": " + from + " -> " + to;
        switch (to) {
            case OPEN, FORCED_OPEN -> {
                halfOpenAt.put(name, clock.instant().plus(settings.openWait()));
                String why = from == CircuitBreaker.State.HALF_OPEN ? "the probe calls failed"
                        : String.format(Locale.ROOT, "%.0f %% of the last calls failed (5xx, timeouts, connection failures)",
                                Region.fromCode(name).map(r -> breakers.get(r).getMetrics().getFailureRate()).orElse(-1f));
                LOG.warn("{}: {}; calls to this region are refused for {} s", change, why, settings.openWait().toSeconds());
            }
            case HALF_OPEN -> LOG.info("{}: letting {} probe calls through", change, settings.halfOpenCalls());
            case CLOSED -> LOG.info("{}: the region answers again", change);
            default -> LOG.info("{}", change);
        }
    }
}
