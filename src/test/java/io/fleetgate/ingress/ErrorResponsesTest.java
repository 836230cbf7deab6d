package io.fleetgate.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class ErrorResponsesTest {

    @Test
    void envelopeIsTheFleetApisOwnShape() throws Exception {
        JsonNode body = new ObjectMapper().readTree(ErrorResponses.envelope("invalid_token", "said \"no\""));
        assertThat(body.has("response")).isTrue();
        assertThat(body.get("response").isNull()).isTrue();
        assertThat(body.get("error").asText()).isEqualTo("invalid_token");
        assertThat(body.get("error_description").asText()).isEqualTo("said \"no\"");
        assertThat(body.size()).isEqualTo(3);
    }

    @Test
    void upstreamTimeoutsAre504AndUnreachableUpstreamsAre502() {
        assertThat(ErrorResponses.toGatewayError(new RuntimeException(new SocketTimeoutException("read timed out"))).status())
                .isEqualTo(504);
        assertThat(ErrorResponses.toGatewayError(new ConnectException("refused")).error()).isEqualTo("upstream_unavailable");
        assertThat(ErrorResponses.toGatewayError(new IllegalStateException("bug")).status()).isEqualTo(500);
    }
}
