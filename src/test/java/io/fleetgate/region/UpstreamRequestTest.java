package io.fleetgate.region;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

class UpstreamRequestTest {
    @Test
    void keepsOnlyTheStatusAndTheAnswerHeadersACallerMaySee() {
        List<String> answered = List.of(Exchange.HTTP_RESPONSE_CODE, "content-type", "Retry-After", "RateLimit-Remaining",
                "ratelimit-reset", "Alt-Svc", "Set-Cookie", "Authorization", "X-RateLimited-By", Exchange.HTTP_PATH);

        assertThat(answered.stream().filter(UpstreamRequest::isAnswerHeader)).containsExactlyInAnyOrder(
                Exchange.HTTP_RESPONSE_CODE, "content-type", "Retry-After", "RateLimit-Remaining", "ratelimit-reset", "Alt-Svc");
    }
}
