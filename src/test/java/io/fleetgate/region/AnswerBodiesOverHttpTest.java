package io.fleetgate.region;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.resilience.BreakerSettings;
import io.fleetgate.resilience.RegionBreakers;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncProducer;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The answer's body reaches the exchange byte for byte however the host sends it: in chunks without
 * a length, larger than the size read ahead, empty; and a body cut short is a failed call, not a
 * short answer. The host is a real HTTP server on loopback, as only it can send these.
 */
class AnswerBodiesOverHttpTest {
    private static final byte[] LARGE = new byte[AnswerBytes.MOST_SIZED_AHEAD + AnswerBytes.MOST_SIZED_AHEAD / 2];
    private static Vertx vertx;
    private static HttpServer host;
    private static DefaultCamelContext context;
    private static AsyncProducer call;

    @BeforeAll
    static void start() throws Exception {
        for (int i = 0; i < LARGE.length; i++) {
            LARGE[i] = (byte) (i * 31 + 7);
        }
        vertx = Vertx.vertx();
        host = vertx.createHttpServer().requestHandler(request -> {
            var answer = request.response();
            switch (request.path()) {
                case "/chunked" -> {
                    answer.setChunked(true);
                    answer.write("{\"response\":");
                    vertx.setTimer(20, t -> {
                        answer.write("[\"part one\",");
                        vertx.setTimer(20, u -> answer.end("\"part two\"]}"));
                    });
                }
                case "/large" -> answer.end(Buffer.buffer(LARGE));
                case "/empty" -> answer.setStatusCode(204).end();
                case "/cut" -> {
                    answer.putHeader("Content-Length", "1000");
                    answer.write("{\"respon");
                    vertx.setTimer(20, t -> request.connection().close());
                }
                default -> answer.setStatusCode(404).end();
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String url = "http://127.0.0.1:" + host.actualPort();
        context = new DefaultCamelContext();
        context.addComponent("fleet-api", new FleetApiComponent(new RegionalBaseUrls(url, url, url),
                new RegionBreakers(new BreakerSettings(50, 10, 10, Duration.ofSeconds(30), 2), Clock.systemUTC()),
                new UpstreamClientSettings(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5), 4)));
        context.start();
        call = context.getEndpoint("fleet-api:na").createAsyncProducer();
        call.start();
    }

    @AfterAll
    static void stop() throws Exception {
        call.stop();
        context.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aChunkedAnswerWithoutALengthArrivesWhole() throws Exception {
        Exchange exchange = get("/chunked");

        assertThat(exchange.getException()).isNull();
        assertThat(new String(exchange.getMessage().getBody(byte[].class), StandardCharsets.UTF_8))
                .isEqualTo("{\"response\":[\"part one\",\"part two\"]}");
    }

    @Test
    void anAnswerLargerThanWhatIsSizedAheadArrivesWhole() throws Exception {
        Exchange exchange = get("/large");

        assertThat(exchange.getException()).isNull();
        assertThat(Arrays.equals(exchange.getMessage().getBody(byte[].class), LARGE)).isTrue();
    }

    @Test
    void anEmptyAnswerIsAnEmptyBody() throws Exception {
        Exchange exchange = get("/empty");

        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(204);
        assertThat(exchange.getMessage().getBody(byte[].class)).isEmpty();
    }

    @Test
    void aBodyCutShortIsAFailedCallNotAShortAnswer() throws Exception {
        Exchange exchange = get("/cut");

        assertThat(exchange.getException()).isInstanceOf(IOException.class);
        assertThat(exchange.getMessage().getBody()).isNull();
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isNull();
    }

    private static Exchange get(String path) throws Exception {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, path);
        CompletableFuture<Void> done = new CompletableFuture<>();
        vertx.runOnContext(ignored -> call.process(exchange, doneSync -> done.complete(null)));
        done.get(10, TimeUnit.SECONDS);
        return exchange;
    }
}
