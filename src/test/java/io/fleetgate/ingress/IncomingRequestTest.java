package io.fleetgate.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IncomingRequestTest {

    @Test
    void removesEveryTokenParameterAndKeepsTheRestByteForByte() {
        assertThat(IncomingRequest.withoutToken("endpoints=charge_state%3Bclimate_state&token=abc"))
                .isEqualTo("endpoints=charge_state%3Bclimate_state");
        assertThat(IncomingRequest.withoutToken("token=abc&a=1&token=def&b=%20x")).isEqualTo("a=1&b=%20x");
        assertThat(IncomingRequest.withoutToken("to%6Ben=abc&a=1")).isEqualTo("a=1");
        assertThat(IncomingRequest.withoutToken("token=abc")).isNull();
        assertThat(IncomingRequest.withoutToken(null)).isNull();
    }

    @Test
    void readsAQueryParameterDecoded() {
        assertThat(IncomingRequest.queryParameter("a=1&vin=5YJ3E1EA7KF000001", "vin")).contains("5YJ3E1EA7KF000001");
        assertThat(IncomingRequest.queryParameter("token=a%2Bb", "token")).contains("a+b");
        assertThat(IncomingRequest.queryParameter("a=1", "vin")).isEmpty();
    }
}
