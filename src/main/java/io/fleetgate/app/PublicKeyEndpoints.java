package io.fleetgate.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.ingress.GatewayError;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.vcp.Faults;
import io.fleetgate.vcp.crypto.EcKeyPair;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * What Tesla and vehicle owners need of the fleet key (CONTRACT section 6): the public key as
 * PEM at Tesla's well-known path, and {@code GET /api/key} with the pairing link.
 */
public final class PublicKeyEndpoints {
    private static final ObjectMapper JSON = JsonMappers.newMapper();

    private final Optional<EcKeyPair> key;
    private final String domain;

    public PublicKeyEndpoints(Optional<EcKeyPair> key, String domain) {
        this.key = key;
        this.domain = domain;
    }

    public void publicKeyPem(Exchange exchange) {
        Message out = answer(exchange, "application/x-pem-file");
        out.setBody(key().publicKeyPem());
    }

    public void keyInfo(Exchange exchange) {
        ObjectNode response = JSON.createObjectNode();
        response.put("url", Faults.pairingLink(domain));
        response.put("public_key", key().publicKeyHex());
        ObjectNode body = JSON.createObjectNode();
        body.set("response", response);
        answer(exchange, "application/json").setBody(body.toString());
    }

    private EcKeyPair key() {
        return key.orElseThrow(() -> new GatewayError(404, "not_found",
                "No fleet key is configured (fleetgate.vcp.private-key-file)."));
    }

    private static Message answer(Exchange exchange, String contentType) {
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        out.setHeader(Exchange.CONTENT_TYPE, contentType);
        return out;
    }
}
