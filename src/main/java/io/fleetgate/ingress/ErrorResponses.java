package io.fleetgate.ingress;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.json.JsonMappers;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever stopped a request into the Fleet API error envelope
 * {@code {"response":null,"error":...,"error_description":...}}: Fleetgate's own refusals as
 * they are, a region whose circuit breaker is open and a full bulkhead as 503 with
 * {@code Retry-After}, upstream timeouts as 504, unreachable upstreams as 502, and anything
 * else as a 500 that tells the caller nothing internal.
 */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    private static final ObjectMapper JSON = JsonMappers.newMapper();

    /** Retry-After when nothing better is known: the least a refused caller should wait. */
    private static final Duration AT_LEAST = Duration.ofSeconds(1);

    private final String defaultRegion;
    private final Function<String, Duration> breakerWait;
    private final Duration bulkheadWait;

    public ErrorResponses(String defaultRegion) {
        this(defaultRegion, breaker -> AT_LEAST, AT_LEAST);
    }

    /**
     * @param breakerWait  how long a caller refused by the named circuit breaker should wait
     * @param bulkheadWait how long a caller refused by a full bulkhead should wait
     */
    public ErrorResponses(String defaultRegion, Function<String, Duration> breakerWait, Duration bulkheadWait) {
        this.defaultRegion = defaultRegion;
        this.breakerWait = breakerWait;
        this.bulkheadWait = bulkheadWait;
    }

    public void write(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        GatewayError error = gatewayError(caught);
        Message out = exchange.getMessage();
        // nothing of the request (its Authorization header, its token parameter) goes back out
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, error.status());
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setHeader("x-region", region(exchange));
        error.headers().forEach(out::setHeader);
        out.setBody(envelope(error.error(), error.description()));
    }

    public static String envelope(String error, String description) {
        ObjectNode node = JSON.createObjectNode();
        node.putNull("response");
        node.put("error", error);
        node.put("error_description", description);
        return JsonMappers.write(node);
    }

    /** The answer for what stopped a request, with this gateway's waits in Retry-After. */
    public GatewayError gatewayError(Throwable caught) {
        return toGatewayError(caught, breakerWait, bulkheadWait);
    }

    /** The answer for what stopped a request; a refusal for load says to wait a second. */
    public static GatewayError toGatewayError(Throwable caught) {
        return toGatewayError(caught, breaker -> AT_LEAST, AT_LEAST);
    }

    private static GatewayError toGatewayError(Throwable caught, Function<String, Duration> breakerWait, Duration bulkheadWait) {
        if (caught instanceof GatewayError gatewayError) {
            return gatewayError;
        }
        CallNotPermittedException open = cause(caught, CallNotPermittedException.class);
        if (open != null) {
            // the region's breaker is open (or half-open with its probes taken): nothing was sent
            String region = open.getCausingCircuitBreakerName();
            long seconds = Math.max(1, breakerWait.apply(region).toSeconds());
            return new GatewayError(503, "upstream_unavailable", "The Fleet API region " + region
                    + " is failing; Fleetgate sends it nothing for the next " + seconds + " s.", retryAfter(seconds));
        }
        if (cause(caught, BulkheadFullException.class) != null) {
            // beyond the replica's bound on waiting requests: refused at once, nothing forwarded or queued
            long seconds = Math.max(1, bulkheadWait.toSeconds());
            return new GatewayError(503, "service_unavailable",
                    "Fleetgate has as many requests of this kind waiting as it takes; try again shortly.", retryAfter(seconds));
        }
        if (hasCause(caught, org.apache.kafka.common.errors.RecordTooLargeException.class)) {
            // no outage: this command will never fit, so a 503 would only invite the same request again
            return new GatewayError(413, "invalid_request",
                    "The command is too large to queue: a command record, its body included, holds at most 1 MiB.");
        }
        if (hasCause(caught, org.apache.kafka.common.KafkaException.class)) {
            LOG.warn("a command could not be queued on Kafka: {}", caught.toString());
            return new GatewayError(503, "service_unavailable", "Fleetgate cannot queue commands right now; try again shortly.");
        }
        Throwable cause = rootTransportCause(caught);
        if (cause instanceof SocketTimeoutException || cause instanceof InterruptedIOException) {
            return new GatewayError(504, "upstream_timeout", "The Fleet API did not answer in time.");
        }
        if (cause instanceof ConnectException || cause instanceof UnknownHostException || cause instanceof IOException) {
            return new GatewayError(502, "upstream_unavailable", "The Fleet API could not be reached.");
        }
        LOG.error("request failed inside Fleetgate: {}", caught == null ? "unknown" : caught.toString());
        return new GatewayError(500, "internal_error", "Fleetgate could not complete the request.");
    }

    private static boolean hasCause(Throwable caught, Class<? extends Throwable> type) {
        return cause(caught, type) != null;
    }

    private static <T extends Throwable> T cause(Throwable caught, Class<T> type) {
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static Map<String, String> retryAfter(long seconds) {
        return Map.of("Retry-After", Long.toString(seconds));
    }

    private static Throwable rootTransportCause(Throwable caught) {
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return t;
            }
        }
        return caught;
    }

    private String region(Exchange exchange) {
        String region = exchange.getProperty(ExchangeKeys.REGION, String.class);
        return region != null ? region : defaultRegion;
    }
}
