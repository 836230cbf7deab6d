package io.fleetgate.ops;

import io.fleetgate.audit.AuditEvent;
import io.fleetgate.command.CommandExchange;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.vcp.CommandOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.apache.camel.Exchange;

/**
 * Fleetgate's own meters, served by Camel's management server at {@code /observe/metrics} in
 * Prometheus text format (names there: dots become underscores, counters end in {@code _total}):
 * <ul>
 *   <li>{@code fleetgate_requests_total{endpoint_class,status,source}}, {@code fleetgate_credits_charged_total{endpoint_class}}
 *       and {@code fleetgate_wake_ups_total{outcome}}: from each request's audit event;</li>
 *   <li>{@code fleetgate_upstream_latency_seconds{region}}: each call to the Fleet API, a histogram;</li>
 *   <li>{@code fleetgate_retries_total{reason}}: each retry the retry policies decide;</li>
 *   <li>gauges and counters read from the stages' own counts: lanes, limiter, audit buffer,
 *       each region's circuit breaker state, each bulkhead's calls and refusals; among them
 *       {@code fleetgate_rate_limit_refusals_total{limit=ip|site|admin_auth}} and
 *       {@code fleetgate_auth_refusals_total{reason=missing_token|invalid_token|admin_auth}}, where a
 *       token scan shows (requests the per-IP limit refuses reach no route and have no audit event).</li>
 * </ul>
 */
public final class FleetgateMetrics {
    static final String UPSTREAM_STARTED = "fleetgateUpstreamStartedNanos";
    private static final String SIGNED_OUTCOME = "fleetgateSignedOutcome";

    private final MeterRegistry registry;

    public FleetgateMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Counts a finished request (or command) from its audit event. */
    public void observe(AuditEvent event) {
        String endpointClass = event.endpointClass() != null ? event.endpointClass() : "none";
        Counter.builder("fleetgate.requests")
                .description("Requests answered, by endpoint class and the status the caller got")
                .tag("endpoint_class", endpointClass)
                .tag("status", String.valueOf(event.status()))
                .tag("source", event.source().json())
                .register(registry).increment();
        if (event.credits() > 0) {
            Counter.builder("fleetgate.credits.charged")
                    .description("Credits charged upstream, in Tesla's price-list weights")
                    .tag("endpoint_class", endpointClass)
                    .register(registry).increment(event.credits());
        }
        if (event.wokeVehicle()) {
            Counter.builder("fleetgate.wake.ups")
                    .description("Wake-ups sent, by whether the vehicle came online in time")
                    .tag("outcome", event.status() == 408 ? "vehicle_unavailable" : "online")
                    .register(registry).increment();
        }
    }

    /** Before a call to the Fleet API (regions stage). */
    public void upstreamCallStarts(Exchange exchange) {
        exchange.setProperty(UPSTREAM_STARTED, System.nanoTime());
    }

    /** After the Fleet API answered: records the call's latency under the account's region. */
    public void upstreamCallEnded(Exchange exchange) {
        Long started = exchange.getProperty(UPSTREAM_STARTED, Long.class);
        if (started == null) {
            return;
        }
        exchange.removeProperty(UPSTREAM_STARTED);
        String region = exchange.getProperty(ExchangeKeys.REGION, String.class);
        Timer.builder("fleetgate.upstream.latency")
                .description("Time the Fleet API took to answer, by region")
                .tag("region", region != null ? region : "unknown")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry)
                .record(Duration.ofNanos(System.nanoTime() - started));
    }

    /** After a retry policy decided to try again: counts the retry by what the last attempt met. */
    public void countRetry(Exchange exchange) {
        Counter.builder("fleetgate.retries")
                .description("Retries of commands, by what the attempt before met")
                .tag("reason", retryReason(exchange))
                .register(registry).increment();
    }

    static String retryReason(Exchange exchange) {
        Object signed = exchange.getProperty(SIGNED_OUTCOME);
        if (signed instanceof CommandOutcome outcome) {
            return "signed_" + outcome.verdict().name().toLowerCase(Locale.ROOT);
        }
        if (Boolean.TRUE.equals(exchange.getProperty(CommandExchange.TRANSPORT_FAILURE, Boolean.class))) {
            return "transport_failure";
        }
        int status = exchange.getProperty(CommandExchange.LAST_STATUS, 0, Integer.class);
        if (status >= 500) {
            return "upstream_5xx";
        }
        return "upstream_" + status;
    }

    /** A gauge read from a stage's own state on each scrape. */
    public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value, String... tags) {
        Gauge.builder(name, source, value).description(description).tags(tags).register(registry);
    }

    /** A counter a stage keeps itself (a LongAdder, ...), read on each scrape. */
    public <T> void counter(String name, String description, T source, ToDoubleFunction<T> value, String... tags) {
        FunctionCounter.builder(name, source, value).description(description).tags(tags).register(registry);
    }
}
