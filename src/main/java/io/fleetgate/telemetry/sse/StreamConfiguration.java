package io.fleetgate.telemetry.sse;

import io.fleetgate.account.AccountStore;
import io.fleetgate.telemetry.FieldCatalogue;
import io.fleetgate.telemetry.LastValues;
import io.fleetgate.telemetry.SignalMeter;
import io.fleetgate.telemetry.VehicleEventFeed;
import java.time.Clock;
import org.apache.camel.CamelContext;

/**
 * Binds the beans of {@code routes/stream.camel.yaml} (settings {@code fleetgate.stream.*}):
 * {@code sseRequests} (the checks) and {@code sseStreams} (the streams). Needs the streaming
 * beans {@code vehicleEventFeed} and {@code lastValues} bound first.
 */
public final class StreamConfiguration {
    private StreamConfiguration() {}

    public static void bind(CamelContext context, SseSettings sse, AccountStore accounts, Clock clock) throws Exception {
        SseRequests checks = new SseRequests(clock);
        SseStreams streams = new SseStreams(
                context.getRegistry().lookupByNameAndType("vehicleEventFeed", VehicleEventFeed.class),
                context.getRegistry().lookupByNameAndType("lastValues", LastValues.class),
                FieldCatalogue.load(), sse, checks, accounts, clock,
                SignalMeter.auditing(context, "an SSE stream"));
        context.addService(streams, true, true);
        context.getRegistry().bind("sseRequests", checks);
        context.getRegistry().bind("sseStreams", streams);
    }
}
