package io.fleetgate.streamconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.json.JsonMappers;
import java.io.IOException;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Reading the Fleet API's answer on the exchange, and writing one of Fleetgate's own. */
final class Answers {
    static final ObjectMapper JSON = JsonMappers.newMapper();

    private Answers() {}

    /** The status of the answer on the exchange (200 when none was set). */
    static int status(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return status == null ? 200 : status;
    }

    /** The answer's {@code response}, when it is a 200 with a JSON body; empty otherwise (then it goes back as it came). */
    static Optional<JsonNode> okResponse(Exchange exchange) {
        if (status(exchange) != 200) {
            return Optional.empty();
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            return Optional.empty();
        }
        exchange.getMessage().setBody(body); // read once; a pass-through answer keeps these bytes
        try {
            JsonNode response = JSON.readTree(body).get("response");
            return Optional.ofNullable(response);
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    /** Fleetgate's own answer: status, JSON body, {@code x-region}; nothing of the request or of upstream's answer. */
    static void json(Exchange exchange, int status, JsonNode body, String defaultRegion) {
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setHeader("x-region", region(exchange, defaultRegion));
        out.setBody(body.toString());
    }

    /** An answer passed through as the Fleet API gave it, with Fleetgate's {@code x-region}. */
    static void passThrough(Exchange exchange, String defaultRegion) {
        exchange.getMessage().setHeader("x-region", region(exchange, defaultRegion));
    }

    private static String region(Exchange exchange, String defaultRegion) {
        String region = exchange.getProperty(ExchangeKeys.REGION, String.class);
        return region != null ? region : defaultRegion;
    }
}
