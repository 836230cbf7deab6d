package io.fleetgate.telemetry.sse;

import io.fleetgate.account.Account;
import io.fleetgate.telemetry.EventTopic;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * An SSE request that passed every check, as the route hands it to {@link SseStreams}.
 *
 * @param pathTemplate  {@code /sse} or {@code /sse/{vin}}, as audited
 * @param vin           the one vehicle of {@code /sse/{vin}}; null for {@code /sse}
 * @param vins          the vehicles streamed: that one, or every vehicle of the subscription
 * @param topics        the vehicle event topics asked for (Teslemetry names Fleetgate has no events for select nothing)
 * @param cache         send the last values first ({@code isCache: true})
 * @param resume        the {@code Last-Event-ID} to resume after, when one came
 * @param location      whether location fields may be sent ({@code vehicle_location} scope)
 * @param tokenHash     the SHA-256 of the gateway token presented, to see it revoked while the stream is open; null for an operator's
 * @param operator      the console's stream (the admin token, as the vehicle's account sees it): no credits, no slot of the account's
 */
public record SseRequest(Account account, String tokenHash, String tokenName, String clientIp, String clientLibrary, String region,
                         Instant receivedAt, String pathTemplate, String vin, Set<String> vins, Set<EventTopic> topics,
                         boolean cache, Optional<SseCursor> resume, boolean location, boolean operator) {

    /** The exchange property the route keeps the checked request in. */
    public static final String EXCHANGE_PROPERTY = "fleetgateSseRequest";

    public SseRequest {
        vins = Set.copyOf(vins);
        topics = Set.copyOf(topics);
    }
}
