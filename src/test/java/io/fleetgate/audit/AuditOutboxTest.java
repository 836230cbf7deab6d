package io.fleetgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuditOutboxTest {
    private final DefaultCamelContext context = new DefaultCamelContext();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    private final List<String> warnings = new ArrayList<>();
    private final AuditOutbox outbox = new AuditOutbox(context, 2, clock, warnings::add);

    @AfterEach
    void stop() throws Exception {
        context.close();
    }

    @Test
    void buffersEventsUpToItsCapacityForTheDrain() throws Exception {
        AuditEvent first = event("alice");
        AuditEvent second = event(null);

        assertThat(outbox.offer(first)).isTrue();
        assertThat(outbox.offer(second)).isTrue();

        assertThat(outbox.buffered()).isEqualTo(2);
        assertThat(outbox.queue().take().getMessage().getBody()).isSameAs(first);
        Exchange next = outbox.queue().take();
        assertThat(next.getMessage().getBody()).isSameAs(second);
        assertThat(next.getPattern()).isEqualTo(ExchangePattern.InOnly);
        assertThat(outbox.droppedEvents().sum()).isZero();
    }

    @Test
    void whenTheDrainIsStuckNewEventsAreDroppedAndCountedWithoutWaiting() throws Exception {
        // a drain that takes one event and then hangs, as a publisher would in a Kafka outage
        CountDownLatch kafkaBack = new CountDownLatch(1);
        CountDownLatch took = new CountDownLatch(1);
        Thread drain = Thread.ofVirtual().start(() -> {
            try {
                outbox.queue().take();
                took.countDown();
                kafkaBack.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        outbox.offer(event("alice"));
        assertThat(took.await(5, TimeUnit.SECONDS)).isTrue();

        long started = System.nanoTime();
        List<Boolean> accepted = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            accepted.add(outbox.offer(event("alice")));
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(accepted.subList(0, 2)).containsOnly(true);
        assertThat(accepted.subList(2, 1000)).containsOnly(false);
        assertThat(outbox.droppedEvents().sum()).isEqualTo(998);
        assertThat(elapsed).as("offering never waits for the drain").isLessThan(Duration.ofSeconds(1));
        kafkaBack.countDown();
        drain.join();
    }

    @Test
    void warnsAtMostOncePer30SecondsWithTheCountAndIdsOnly() {
        outbox.offer(event("alice"));
        outbox.offer(event("alice"));
        AuditEvent firstDropped = event("alice");
        outbox.offer(firstDropped);
        for (int i = 0; i < 50; i++) {
            outbox.offer(event("alice"));
        }
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("1 dropped", firstDropped.eventId().toString(), "alice")
                .doesNotContain("5YJ3E1EA7KF100001", "127.0.0.1", "tesla_fleet_api", "/api/1/");

        clock.advance(Duration.ofSeconds(29));
        outbox.offer(event("alice"));
        assertThat(warnings).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        outbox.offer(event("bernd"));
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(1)).contains("53 dropped", "bernd");
    }

    @Test
    void aMissingEventIsNotCountedAsDropped() {
        assertThat(outbox.offer(null)).isFalse();
        assertThat(outbox.droppedEvents().sum()).isZero();
        assertThat(outbox.buffered()).isZero();
    }

    static AuditEvent event(String accountId) {
        return AuditEvent.builder(UUID.randomUUID(), Instant.parse("2026-11-26T12:00:00Z"), AuditEvent.Source.REST)
                .accountId(accountId).clientIp("127.0.0.1").clientLibrary("python tesla_fleet_api 1.0").method("GET")
                .pathTemplate("/api/1/vehicles/{vin}/vehicle_data").vin("5YJ3E1EA7KF100001").status(200).attempts(1)
                .credits(2).build();
    }
}
