package io.fleetgate.telemetry.sse;

import io.fleetgate.account.AccountStore;
import io.fleetgate.telemetry.FieldCatalogue;
import io.fleetgate.telemetry.LastValues;
import io.fleetgate.telemetry.VehicleEventFeed;
import java.time.Clock;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/**
 * Binds the beans of {@code routes/stream.camel.yaml} (settings {@code fleetgate.stream.*}):
 * {@code sseRequests} (the checks) and {@code sseStreams} (the streams). Needs the streaming
 * beans {@code vehicleEventFeed} and {@code lastValues} bound first.
 */
public final class StreamConfiguration {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StreamConfiguration.class);
    private StreamConfiguration() {}

    public static void bind(CamelContext context, SseSettings sse, AccountStore accounts, Clock clock) throws Exception {
        ProducerTemplate auditEvents = context.createProducerTemplate();
        SseRequests checks = new SseRequests(clock);
        SseStreams streams = new SseStreams(
                context.getRegistry().lookupByNameAndType("vehicleEventFeed", VehicleEventFeed.class),
                context.getRegistry().lookupByNameAndType("lastValues", LastValues.class),
                FieldCatalogue.load(), sse, checks, accounts, clock,
                // the audit stage's own route, as any stage that builds its events itself
                event -> {
                    try {
                        auditEvents.sendBody("direct:audit-event", event);
                    } catch (RuntimeException e) {
                        // a stream ending while Fleetgate stops: its last signals are not audited, and it is said
                        LOG.warn("the audit event of an SSE stream of account {} ({} signals, {} credits) was not recorded: {}",
                                event.accountId(), event.streamedSignals(), event.credits(), e.toString());
                    }
                });
        context.addService(streams, true, true);
        context.getRegistry().bind("sseRequests", checks);
        context.getRegistry().bind("sseStreams", streams);
    }
}
