package io.fleetgate.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.account.Account;
import io.fleetgate.account.AccountStore;
import io.fleetgate.account.AdminAccounts;
import io.fleetgate.audit.AuditEvent;
import io.fleetgate.credits.UsageReports;
import io.fleetgate.ingress.EndpointClass;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.FleetApiCatalog;
import io.fleetgate.ingress.GatewayError;
import io.fleetgate.ingress.IncomingRequest;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.telemetry.FieldSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * The console's vehicle page ({@code /admin/vehicles/{vin}...}, routes/admin.camel.yaml): the
 * vehicle's account found from its VIN, for the admin token to act as; the vehicle as the fleet
 * list shows it; its recent commands from the audit topic (read as usage reports read it); and
 * the Fleet API command path a console button sends, so it goes through the caller's own route.
 */
public final class AdminVehicles {
    private static final ObjectMapper JSON = JsonMappers.newMapper();
    /** The name a console command carries in its command record and audit event, where a caller's token name would be. */
    public static final String CONSOLE = "console";
    /** How far back the recent commands go: the page shows what happened today, not the vehicle's history. */
    static final Duration RECENT = Duration.ofDays(1);
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;
    private static final int MAX_PAGES = 256;
    private static final String COMMAND_CLASS = EndpointClass.VEHICLE_COMMAND.name().toLowerCase(Locale.ROOT);

    private final AccountStore accounts;
    private final AdminFleet fleet;
    private final UsageReports audit;
    private final Clock clock;
    /**
     * The vehicle pages refreshed lately (the console asks every 5 s): each refresh reads only the
     * audit records since the last, not a day of the account's partition again. The least recently
     * asked go first past {@link #MAX_PAGES}.
     */
    private final Map<String, RecentCommands> pages = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RecentCommands> eldest) {
            return size() > MAX_PAGES;
        }
    };

    public AdminVehicles(AccountStore accounts, AdminFleet fleet, UsageReports audit, Clock clock) {
        this.accounts = accounts;
        this.fleet = fleet;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Makes the account whose subscription has the {@code {vin}} the exchange's (the first by id,
     * should several have it), with its region: 400 for a malformed VIN, 404 when no account has it.
     */
    public void actAsVehicleAccount(Exchange exchange) {
        String vin = exchange.getMessage().getHeader("vin", String.class);
        if (vin == null || !FleetApiCatalog.isVin(vin)) {
            throw FleetApiCatalog.malformedVin();
        }
        Account account = accounts.all().stream().filter(a -> a.subscription().coversVin(vin))
                .min(Comparator.comparing(Account::id))
                .orElseThrow(() -> new GatewayError(404, "not_found", "No account's subscription has vehicle " + vin + "."));
        exchange.setProperty(ExchangeKeys.ACCOUNT, account);
        exchange.setProperty(ExchangeKeys.REGION, account.region().code());
    }

    /** {@code GET /admin/vehicles/{vin}}: the vehicle as the fleet list shows it, and whether its account may see its location. */
    public void get(Exchange exchange) {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        ObjectNode vehicle = fleet.vehicle(account, exchange.getMessage().getHeader("vin", String.class));
        vehicle.put("location_scope", account.hasAnyScope(Set.of(FieldSpec.LOCATION_SCOPE)));
        AdminAccounts.answer(exchange, 200, vehicle);
    }

    /**
     * {@code GET /admin/vehicles/{vin}/commands?limit=}: the vehicle's commands of the last day,
     * newest first (at most {@code limit}, default 20), each as its audit event has it: how it
     * ended, its attempts, whether it woke the vehicle, its credits. Blocks while the topic is read.
     */
    public void commands(Exchange exchange) {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        String vin = exchange.getMessage().getHeader("vin", String.class);
        int limit = limit(IncomingRequest.rawQuery(exchange.getMessage()));
        Instant now = clock.instant();
        Instant from = now.minus(RECENT);
        RecentCommands recent;
        synchronized (pages) {
            recent = pages.computeIfAbsent(account.id() + "/" + vin, key -> new RecentCommands());
        }
        List<AuditEvent> newest;
        synchronized (recent) {
            // events come in topic order, about the order they arrived: keep the last ones. Taken
            // in only once the read got through: a read that failed is made again from the same place
            Deque<AuditEvent> came = new ArrayDeque<>();
            recent.readUpTo = audit.readEventsSince(account.id(), recent.readUpTo, from, now.plusMillis(1), event -> {
                if (vin.equals(event.vin()) && COMMAND_CLASS.equals(event.endpointClass())) {
                    keepLatest(came, event);
                }
            });
            came.descendingIterator().forEachRemaining(event -> keepLatest(recent.events, event));
            recent.events.removeIf(event -> event.time().isBefore(from));
            newest = recent.events.stream().limit(limit).toList();
        }
        ArrayNode list = JSON.createArrayNode();
        newest.stream().sorted(Comparator.comparing(AuditEvent::time).reversed()).forEach(event -> list.add(view(event)));
        AdminAccounts.answer(exchange, 200, list);
    }

    private static void keepLatest(Deque<AuditEvent> latestFirst, AuditEvent event) {
        latestFirst.addFirst(event);
        if (latestFirst.size() > MAX_LIMIT) {
            latestFirst.removeLast();
        }
    }

    /** A vehicle page's commands as its last refresh left them, and where in the audit topic it got to. */
    private static final class RecentCommands {
        /** The vehicle's last {@link #MAX_LIMIT} commands of the window, the latest in topic order first. */
        final Deque<AuditEvent> events = new ArrayDeque<>(MAX_LIMIT + 1);
        UsageReports.ReadUpTo readUpTo;
    }

    /**
     * {@code POST /admin/vehicles/{vin}/command/{command}}: the request becomes the Fleet API command
     * it stands for ({@code POST /api/1/vehicles/{vin}/command/{command}}), named as the console's.
     */
    public void asFleetApiCommand(Exchange exchange) {
        String vin = exchange.getMessage().getHeader("vin", String.class);
        String command = exchange.getMessage().getHeader("command", String.class);
        exchange.setProperty(ExchangeKeys.PATH, "/api/1/vehicles/" + vin + "/command/" + command);
        exchange.setProperty(ExchangeKeys.TOKEN_NAME, CONSOLE);
    }

    private static ObjectNode view(AuditEvent event) {
        ObjectNode node = JSON.createObjectNode();
        node.put("time", event.time().toString());
        node.put("command", event.command());
        node.put("command_id", event.commandId());
        node.put("status", event.status());
        node.put("attempts", event.attempts());
        node.put("woke_vehicle", event.wokeVehicle());
        node.put("credits", event.credits());
        node.put("latency_ms", event.latencyMs());
        node.put("token_name", event.tokenName());
        node.put("source", event.source().json());
        ArrayNode attempts = node.putArray("attempt_log");
        if (event.attemptLog() != null) {
            event.attemptLog().forEach(a -> attempts.addObject().put("attempt", a.attempt()).put("status", a.status())
                    .put("outcome", a.outcome()));
        }
        return node;
    }

    private static int limit(String query) {
        String asked = IncomingRequest.queryParameter(query, "limit").orElse(null);
        if (asked == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(asked.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw GatewayError.invalidRequest("limit= is a whole number from 1 to " + MAX_LIMIT + ".");
    }
}
