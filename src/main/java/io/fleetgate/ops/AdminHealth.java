package io.fleetgate.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.account.AdminAccounts;
import io.fleetgate.json.JsonMappers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.health.HealthCheck;

/**
 * {@code GET /admin/health}: this replica's health checks (readiness and Kafka's state, as the
 * management port's {@code /observe/health} has them) and the current value of each of
 * Fleetgate's own meters, so the console can sample them on the API port it already talks to.
 * Counters and timers are totals since start: a rate is the difference of two samples.
 */
public final class AdminHealth {
    private static final ObjectMapper JSON = JsonMappers.newMapper();

    private final Supplier<List<HealthCheck>> checks;
    private final MeterRegistry meters;

    public AdminHealth(Supplier<List<HealthCheck>> checks, MeterRegistry meters) {
        this.checks = checks;
        this.meters = meters;
    }

    public void report(Exchange exchange) {
        ObjectNode health = JSON.createObjectNode();
        ArrayNode checkList = health.putArray("checks");
        for (HealthCheck check : checks.get()) {
            HealthCheck.Result result = check.call();
            ObjectNode node = checkList.addObject().put("id", check.getId()).put("state", result.getState().name());
            result.getMessage().ifPresentOrElse(message -> node.put("message", message), () -> node.putNull("message"));
        }
        ArrayNode meterList = health.putArray("meters");
        meters.getMeters().stream()
                .filter(meter -> meter.getId().getName().startsWith("fleetgate."))
                .sorted(Comparator.comparing((Meter meter) -> meter.getId().getName()).thenComparing(meter -> meter.getId().getTags().toString()))
                .forEach(meter -> meterList.add(json(meter)));
        AdminAccounts.answer(exchange, 200, health);
    }

    private static ObjectNode json(Meter meter) {
        ObjectNode node = JSON.createObjectNode().put("name", meter.getId().getName());
        ObjectNode tags = node.putObject("tags");
        for (Tag tag : meter.getId().getTags()) {
            tags.put(tag.getKey(), tag.getValue());
        }
        switch (meter) {
            case Counter counter -> node.put("type", "counter").put("value", counter.count());
            case FunctionCounter counter -> node.put("type", "counter").put("value", counter.count());
            case Gauge gauge -> node.put("type", "gauge").put("value", gauge.value());
            case Timer timer -> node.put("type", "timer").put("count", timer.count())
                    .put("total_ms", timer.totalTime(TimeUnit.MILLISECONDS)).put("max_ms", timer.max(TimeUnit.MILLISECONDS));
            default -> node.put("type", "other");
        }
        return node;
    }
}
