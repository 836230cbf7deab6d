package io.fleetgate.ingress;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.json.JsonMappers;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever stopped a request into the Fleet API error envelope
 * {@code {"response":null,"error":...,"error_description":...}}: Fleetgate's own refusals as
 * they are, upstream timeouts as 504, unreachable upstreams as 502, and anything else as a 500
 * that tells the caller nothing internal.
 */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    private static final ObjectMapper JSON = JsonMappers.newMapper();

    private final String defaultRegion;

    public ErrorResponses(String defaultRegion) {
        this.defaultRegion = defaultRegion;
    }

    public void write(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        GatewayError error = toGatewayError(caught);
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
        return node.toString();
    }

    public static GatewayError toGatewayError(Throwable caught) {
        if (caught instanceof GatewayError gatewayError) {
            return gatewayError;
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
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
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
