package io.fleetgate.telemetry.sse;

import io.fleetgate.account.AccountStore;
import io.fleetgate.audit.AuditEvent;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.GatewayError;
import io.fleetgate.telemetry.FieldCatalogue;
import io.fleetgate.telemetry.FieldSpec;
import io.fleetgate.telemetry.LastValues;
import io.fleetgate.telemetry.SignalMeter;
import io.fleetgate.telemetry.StreamedEvent;
import io.fleetgate.telemetry.VehicleEvent;
import io.fleetgate.telemetry.VehicleEventFeed;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The streaming work behind {@code routes/stream.camel.yaml}: a checked {@link SseRequest}
 * becomes an open {@code text/event-stream} on the request's own event loop (no thread per
 * connection): subscribed to the live events first, then the last values, then the live events
 * as they come. Each event is one {@code data: {json}} line with an {@code id:}, the stream's
 * {@link SseCursor}.
 */
public final class SseStreams extends ServiceSupport {
    /** Right after a start, how long a stream waits for the event feed to find its partitions before 503. */
    private static final long FEED_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    private static final long FEED_POLL_MS = 50;

    /** The operators' streams share slots of their own: no account id has parentheses. */
    private static final String OPERATOR_SLOTS = "(operator)";

    private static final String STREAMING = ExchangeKeys.STREAMING;
    private static final String ROUTING_CONTEXT = ExchangeKeys.ROUTING_CONTEXT;

    private final VehicleEventFeed feed;
    private final LastValues lastValues;
    private final SseSettings settings;
    private final Predicate<String> locationField;
    private final Clock clock;
    private final SseRequests checks;
    private final AccountStore accounts;
    private final Consumer<AuditEvent> audit;
    private final Map<String, Integer> openPerAccount = new ConcurrentHashMap<>();
    private final Set<SseConnection> open = ConcurrentHashMap.newKeySet();
    private final LongAdder cutOffs = new LongAdder();
    private final LongAdder signals = new LongAdder();

    public SseStreams(VehicleEventFeed feed, LastValues lastValues, FieldCatalogue catalogue, SseSettings settings,
                      SseRequests checks, AccountStore accounts, Clock clock, Consumer<AuditEvent> audit) {
        this.checks = checks;
        this.accounts = accounts;
        this.feed = feed;
        this.lastValues = lastValues;
        this.settings = settings;
        this.locationField = field -> catalogue.field(field).map(FieldSpec::needsLocationScope)
                .orElse(field.endsWith("Location"));
        this.clock = clock;
        this.audit = audit;
    }

    /**
     * Takes one of the account's stream slots on this replica; 429 {@code rate_limited} when all
     * are taken (the caller's own streams fill them, so it is the caller who can free one). An
     * operator's stream takes one of the operators' slots, as many as an account has.
     */
    public void reserve(Exchange exchange) {
        SseRequest request = exchange.getProperty(SseRequest.EXCHANGE_PROPERTY, SseRequest.class);
        String account = slots(request);
        boolean[] taken = {false};
        openPerAccount.compute(account, (id, count) -> {
            int now = count == null ? 0 : count;
            if (now >= settings.connectionsPerAccount()) {
                return count;
            }
            taken[0] = true;
            return now + 1;
        });
        if (!taken[0]) {
            throw new GatewayError(429, "rate_limited", (request.operator() ? "Operators have " : "This account has ")
                    + settings.connectionsPerAccount()
                    + " streams open, as many as it may; close one first.",
                    Map.of("Retry-After", Long.toString(Math.max(1, settings.keepAlive().toSeconds()))));
        }
    }

    /** Streams open on this replica (for metrics). */
    public int openStreams() {
        return open.size();
    }

    /** Streams ended because their client did not read fast enough, since start. */
    public long cutOffStreams() {
        return cutOffs.sum();
    }

    /** Data signals delivered to SSE clients since start. */
    public long streamedSignals() {
        return signals.sum();
    }

    /** Streams currently open for an account on this replica. */
    public int openStreams(String accountId) {
        return openPerAccount.getOrDefault(accountId, 0);
    }

    /**
     * Opens the stream; from here on the answer is the stream. On the request's event loop, or,
     * when the route left it (the credit check's wait right after a start), handed back to it.
     */
    public void open(Exchange exchange) {
        SseRequest request = exchange.getProperty(SseRequest.EXCHANGE_PROPERTY, SseRequest.class);
        RoutingContext routing = exchange.getProperty(ROUTING_CONTEXT, RoutingContext.class);
        Context context = exchange.getProperty(ExchangeKeys.REQUEST_CONTEXT, Context.class);
        if (routing == null || context == null) {
            release(slots(request));
            throw new IllegalStateException("an SSE route must be served by the event-loop HTTP consumer");
        }
        if (Vertx.currentContext() == context && feed.reading()) {
            start(request, routing.response(), context);
        } else {
            // the HTTP consumer answers on this context too, after this, and leaves the answer to the
            // stream; right after a start the feed may still be finding its partitions: wait for it
            context.runOnContext(ignored -> startOnceReading(request, routing, context, System.nanoTime() + FEED_WAIT_NANOS));
        }
        exchange.setProperty(STREAMING, true);
    }

    /** Starts the stream once the feed reads (checked on a timer, no thread waits), or refuses it with 503. */
    private void startOnceReading(SseRequest request, RoutingContext routing, Context context, long deadline) {
        if (!feed.reading() && System.nanoTime() < deadline) {
            context.owner().setTimer(FEED_POLL_MS, id -> startOnceReading(request, routing, context, deadline));
            return;
        }
        try {
            start(request, routing.response(), context);
        } catch (GatewayError refused) {
            routing.response().setStatusCode(refused.status()).putHeader("Content-Type", "application/json")
                    .putHeader("Retry-After", "1")
                    .end(JsonNodeFactory.instance.objectNode().putNull("response").put("error", refused.error())
                            .put("error_description", refused.description()).toString());
        }
    }

    private void start(SseRequest request, HttpServerResponse response, Context context) {
        // what an operator watches is not the account's traffic: counted, never audited or charged
        SignalMeter meter = new SignalMeter(new SignalMeter.Recipient(request.account().id(), request.tokenName(),
                request.clientIp(), request.clientLibrary(), "GET", request.pathTemplate(), request.vin(), request.region(),
                request.receivedAt()), settings.signalsPerCredit(), clock, request.operator() ? event -> { } : audit, signals);
        SseConnection[] self = new SseConnection[1];
        SseConnection connection = new SseConnection(request, response, context, settings, locationField, meter, cutOffs,
                () -> checks.stillAllowed(request, accounts.findById(request.account().id())), () -> {
            open.remove(self[0]);
            release(slots(request));
        });
        self[0] = connection;
        Predicate<VehicleEvent> filter = event -> request.vins().contains(event.vin()) && request.topics().contains(event.topic());
        SseCursor start;
        VehicleEventFeed.Subscription live;
        List<StreamedEvent> cached = new ArrayList<>();
        Set<Integer> partitions = new TreeSet<>();
        try {
            for (String vin : request.vins()) {
                int partition = feed.partitionOf(vin);
                if (partition < 0) {
                    throw new IllegalStateException("the vehicle event feed has not found its partitions yet");
                }
                partitions.add(partition);
            }
            if (request.resume().isPresent()) {
                // the client has the values already: what it missed follows, not the last values
                start = request.resume().get();
                live = feed.subscribe(request.vins(), filter, start.resumeFrom(partitions), connection::offer, connection);
            } else {
                VehicleEventFeed.Started started = feed.subscribeFromNow(request.vins(), filter, connection::offer);
                start = SseCursor.before(started.from(), partitions);
                live = started.subscription();
                if (request.cache()) {
                    // taken after subscribing, so nothing falls between; a value set at or after the live start comes live
                    for (String vin : new TreeSet<>(request.vins())) {
                        for (StreamedEvent value : lastValues.snapshot(vin)) {
                            if (request.topics().contains(value.event().topic())
                                    && value.id().offset() < started.from().getOrDefault(value.id().partition(), Long.MAX_VALUE)) {
                                cached.add(value);
                            }
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            release(slots(request));
            throw new GatewayError(503, "service_unavailable", "Streaming is not ready yet; try again shortly.",
                    Map.of("Retry-After", "1"));
        }
        writeHead(response, request);
        open.add(connection);
        connection.begin(start, live);
        cached.forEach(connection::sendCached);
    }

    private static void writeHead(HttpServerResponse response, SseRequest request) {
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        if (request.region() != null) {
            response.putHeader("x-region", request.region());
        }
        // the headers go out at once, so a client knows the stream is open before the first event
        response.write(": connected\n\n");
    }

    private static String slots(SseRequest request) {
        return request.operator() ? OPERATOR_SLOTS : request.account().id();
    }

    private void release(String accountId) {
        openPerAccount.computeIfPresent(accountId, (id, count) -> count <= 1 ? null : count - 1);
    }

    @Override
    protected void doStart() {
        // nothing to start: streams open with their requests
    }

    @Override
    protected void doStop() {
        open.forEach(SseConnection::end);
    }
}
