package io.fleetgate.streamconfig;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.account.Account;
import io.fleetgate.account.AccountStore;
import io.fleetgate.ingress.Classification;
import io.fleetgate.ingress.EndpointClass;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.FleetApiEndpoint;
import io.fleetgate.ingress.VinSource;
import io.fleetgate.polling.PollingOwnership;
import io.fleetgate.polling.PollingSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-side polling ({@code routes/polling.camel.yaml}): on each tick, the vehicles this replica
 * owns that are polled, whose account's active subscription covers them; for each, a state check
 * ({@code GET /api/1/vehicles/{vin}}, which never wakes it) and, only when it is {@code online},
 * a full {@code vehicle_data} read as {@code /api/refresh/{vin}} makes it. A poll is described on
 * the exchange as a request of the account to {@code /api/auto/{vin}} (client library
 * {@code fleetgate-polling}), so its audit event charges each call Tesla billed as a data request.
 */
public final class VehiclePoller {
    private static final Logger LOG = LoggerFactory.getLogger(VehiclePoller.class);
    public static final String TEMPLATE = "/api/auto/{vin}";
    /** Whether the state check found the vehicle online. */
    static final String ONLINE = "fleetgatePollOnline";

    /** One vehicle to poll now, for this account. */
    public record PollTarget(String vin, String accountId) {}

    private final PollingSettings settings;
    private final PollingOwnership ownership;
    private final AccountStore accounts;
    private final Clock clock;
    private final LongAdder polls = new LongAdder();
    private final LongAdder skippedAsleep = new LongAdder();
    private final LongAdder skippedOffline = new LongAdder();
    private final LongAdder skippedUnknown = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder refusedForCredits = new LongAdder();

    public VehiclePoller(PollingSettings settings, PollingOwnership ownership, AccountStore accounts, Clock clock) {
        this.settings = settings;
        this.ownership = ownership;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** The polled vehicles this replica owns, each for the account that turned polling on, while it still subscribes to it. */
    public List<PollTarget> due() {
        Instant now = clock.instant();
        return settings.polled().stream()
                .filter(s -> ownership.owns(s.vin()))
                .flatMap(s -> accounts.findById(s.accountId())
                        .filter(a -> a.subscription() != null && a.subscription().isActive(now) && a.subscription().coversVin(s.vin()))
                        .map(a -> new PollTarget(s.vin(), a.id())).stream())
                .toList();
    }

    /** Body: a {@link PollTarget}; the exchange becomes the account's request to {@code /api/auto/{vin}}. */
    public void begin(Exchange exchange) {
        PollTarget target = exchange.getMessage().getBody(PollTarget.class);
        Account account = accounts.findById(target.accountId())
                .orElseThrow(() -> new IllegalStateException("account " + target.accountId() + " is gone"));
        exchange.setProperty(ExchangeKeys.RECEIVED_AT, clock.instant());
        exchange.setProperty(ExchangeKeys.ACCOUNT, account);
        exchange.setProperty(ExchangeKeys.REGION, account.region().code());
        exchange.setProperty(ExchangeKeys.METHOD, "GET");
        exchange.setProperty(ExchangeKeys.PATH, "/api/auto/" + target.vin());
        exchange.setProperty(ExchangeKeys.CLIENT_LIBRARY, "fleetgate-polling");
        exchange.setProperty(ExchangeKeys.GATEWAY_ENDPOINT, TEMPLATE);
        FleetApiEndpoint row = new FleetApiEndpoint("GET", TEMPLATE, EndpointClass.GATEWAY, VehicleEndpoints.VEHICLE_DATA, VinSource.PATH);
        exchange.setProperty(ExchangeKeys.CLASSIFICATION, new Classification(row, target.vin(), null, null));
        exchange.setProperty(ExchangeKeys.ENDPOINT_CLASS, EndpointClass.GATEWAY.name());
        exchange.getMessage().setBody(null);
    }

    /** {@code GET /api/1/vehicles/{vin}}: the vehicle's state, never waking it. */
    public void prepareStateCheck(Exchange exchange) {
        UpstreamCalls.prepare(exchange, "GET", UpstreamCalls.vehiclePath(exchange), null, null);
    }

    /** After the state check: online or not ({@link #ONLINE}); a vehicle not online is skipped and counted. */
    public void checkState(Exchange exchange) {
        Optional<JsonNode> response = Answers.okResponse(exchange);
        String state = response.map(r -> r.path("state").asText("")).orElse("");
        boolean online = "online".equals(state);
        exchange.setProperty(ONLINE, online);
        if (!online) {
            switch (state) {
                case "asleep" -> skippedAsleep.increment();
                case "offline" -> skippedOffline.increment();
                default -> skippedUnknown.increment();
            }
            LOG.debug("poll of {} skipped: {}", VehicleEndpoints.vin(exchange), state.isEmpty() ? "state unknown" : state);
        }
    }

    public void polled(Exchange exchange) {
        polls.increment();
    }

    /**
     * A poll that failed (upstream unreachable, breaker open, ...) or was refused (the account's
     * credits are used up): counted and logged, never thrown further.
     */
    public void failed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (e instanceof io.fleetgate.ingress.GatewayError refused && refused.status() == 402) {
            refusedForCredits.increment();
            LOG.debug("poll skipped: {}", refused.getMessage());
            return;
        }
        failed.increment();
        LOG.warn("poll of a vehicle failed: {}", e == null ? "unknown" : e.getClass().getSimpleName());
    }

    /** Polls not made: the account had used its credit budget. */
    public long refusedForCredits() {
        return refusedForCredits.sum();
    }

    public long polls() {
        return polls.sum();
    }

    public long skippedAsleep() {
        return skippedAsleep.sum();
    }

    public long skippedOffline() {
        return skippedOffline.sum();
    }

    public long skippedUnknown() {
        return skippedUnknown.sum();
    }

    public long failedPolls() {
        return failed.sum();
    }
}
