package io.fleetgate.ops;

import io.fleetgate.audit.AuditEvent;
import io.fleetgate.command.CommandExchange;
import io.fleetgate.region.Region;
import io.fleetgate.region.UpstreamLatency;
import io.fleetgate.vcp.CommandOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.apache.camel.Exchange;

/**
 * Fleetgate's own meters, served by Camel's management server at {@code /observe/metrics} in
 * Prometheus text format (names there: dots become underscores, counters end in {@code _total}):
 * <ul>
 *   <li>{@code fleetgate_requests_total{endpoint_class,status,source}}, {@code fleetgate_credits_charged_total{endpoint_class}}
 *       and {@code fleetgate_wake_ups_total{outcome}}: from each request's audit event;</li>
 *   <li>{@code fleetgate_upstream_latency_seconds{region}}: each answered call to the Fleet API, a histogram;</li>
 *   <li>{@code fleetgate_retries_total{reason}}: each retry the retry policies decide;</li>
 *   <li>gauges and counters read from the stages' own counts: lanes, limiter, audit buffer,
 *       each region's circuit breaker state, each bulkhead's calls and refusals; among them
 *       {@code fleetgate_rate_limit_refusals_total{limit=ip|site|admin_auth}} and
 *       {@code fleetgate_auth_refusals_total{reason=missing_token|invalid_token|admin_auth}}, where a
 *       token scan shows (requests the per-IP limit refuses reach no route and have no audit event).</li>
 * </ul>
 */
public final class FleetgateMetrics implements UpstreamLatency {
    private static final String SIGNED_OUTCOME = "fleetgateSignedOutcome";

    private final MeterRegistry registry;
    /** Found once each: a meter looked up by name and tags on every request cost a map key's allocation and hash. */
    private final Map<Region, Timer> upstreamLatency = new ConcurrentHashMap<>();
    private final Map<RequestKey, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Counter> creditsCharged = new ConcurrentHashMap<>();
    private final Map<String, Counter> wakeUps = new ConcurrentHashMap<>();

    private record RequestKey(String endpointClass, int status, String source) {}

    public FleetgateMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Counts a finished request (or command) from its audit event. */
    public void observe(AuditEvent event) {
        String endpointClass = event.endpointClass() != null ? event.endpointClass() : "none";
        requests.computeIfAbsent(new RequestKey(endpointClass, event.status(), event.source().json()), key -> Counter.builder("fleetgate.requests")
                .description("Requests answered, by endpoint class and the status the caller got")
                .tag("endpoint_class", key.endpointClass())
                .tag("status", String.valueOf(key.status()))
                .tag("source", key.source())
                .register(registry)).increment();
        if (event.credits() > 0) {
            creditsCharged.computeIfAbsent(endpointClass, key -> Counter.builder("fleetgate.credits.charged")
                    .description("Credits charged upstream, in Tesla's price-list weights")
                    .tag("endpoint_class", key)
                    .register(registry)).increment(event.credits());
        }
        if (event.wokeVehicle()) {
            wakeUps.computeIfAbsent(event.status() == 408 ? "vehicle_unavailable" : "online", key -> Counter.builder("fleetgate.wake.ups")
                    .description("Wake-ups sent, by whether the vehicle came online in time")
                    .tag("outcome", key)
                    .register(registry)).increment();
        }
    }

    /** After a region's host answered: the call's time under its region (told by {@code fleet-api:}). */
    @Override
    public void answered(Region region, Duration took) {
        upstreamLatency.computeIfAbsent(region, r -> Timer.builder("fleetgate.upstream.latency")
                .description("Time the Fleet API took to answer, by region")
                .tag("region", r.code())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry)).record(took);
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
