package io.fleetgate.telemetry.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.account.Account;
import io.fleetgate.account.AccountStore;
import io.fleetgate.account.WebhookEndpoint;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.telemetry.FieldCatalogue;
import io.fleetgate.telemetry.FieldSpec;
import io.fleetgate.telemetry.SignalMeter;
import io.fleetgate.audit.AuditEvent;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs vehicle events to the webhook endpoints that want them (routes/webhooks.camel.yaml hands
 * each event of {@code fleetgate.vehicle-events.v1} to {@link #dispatch}). Each endpoint has a
 * queue per VIN with one delivery in flight, so an endpoint sees a VIN's events in the topic's
 * order; a failed delivery is retried after a Vert.x timer (exponential backoff, no thread waits)
 * until the budget is spent, then dead-lettered. Endpoints never wait on each other: every step
 * runs on one event loop and only DNS look-ups go to a worker. Each endpoint has a circuit
 * breaker; while it is open, attempts are skipped and retried later.
 */
public final class WebhookDelivery extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);
    private static final ObjectMapper JSON = JsonMappers.newMapper();
    public static final String EVENT_ID_HEADER = "X-Fleetgate-Event-Id";
    static final String EVENT_HEADER = "fleetgate-event";

    private final AccountStore accounts;
    private final WebhookAddresses addresses;
    private final WebhookSettings settings;
    private final Clock clock;
    private final String trustStorePem;
    /** Writes a dead letter: key, JSON value. */
    private final BiConsumer<String, String> deadLetters;
    private final CircuitBreakerConfig breakerConfig;
    private final Metering metering;
    /** Data signals delivered (2xx) to any endpoint since start. */
    private final LongAdder signals = new LongAdder();
    private final FieldCatalogue fields = FieldCatalogue.load();
    /** Touched on the delivery context only. */
    private final Map<String, Lane> lanes = new HashMap<>();
    /** Per partition, what is not yet committed (touched on the delivery context only). */
    private final Map<Integer, PartitionState> partitions = new HashMap<>();
    private volatile MeterRegistry meters;
    private Vertx vertx;
    private Context loop;
    private HttpClient http;

    /** @param signals the field values of a {@code data} event as sent (what is metered once delivered); 0 for other kinds */
    record Event(String id, String vin, String topic, byte[] body, int signals) {
        Event(String id, String vin, String topic, byte[] body) {
            this(id, vin, topic, body, "data".equals(topic) ? signalsIn(body) : 0);
        }
    }

    /**
     * How deliveries are metered (Tesla bills streamed signals, CONTRACT 8 and 10): one audit event
     * per endpoint every {@code interval} in which it took signals, and one when it is deleted or
     * Fleetgate stops, as SSE connections do ({@link SignalMeter}).
     */
    public record Metering(Duration interval, long signalsPerCredit, Consumer<AuditEvent> audit) {
        public Metering {
            if (interval.isZero() || interval.isNegative() || signalsPerCredit < 1) {
                throw new IllegalArgumentException("fleetgate.webhooks.metering-interval-ms and "
                        + "fleetgate.audit.credits.signals-per-credit must be positive");
            }
        }
    }

    /** One record of the events topic: its offset is committed once every endpoint it went to is done with it. */
    private static final class Tracked {
        final long offset;
        /** The commit of the record dispatched just before this one on its partition (null for the first). */
        final KafkaManualCommit previous;
        int remaining;

        Tracked(long offset, KafkaManualCommit previous, int remaining) {
            this.offset = offset;
            this.previous = previous;
            this.remaining = remaining;
        }
    }

    /**
     * A partition's bookkeeping: only the records some endpoint still has, and the commit of the
     * last record dispatched, so memory follows what waits, not how far the topic has moved on.
     */
    private static final class PartitionState {
        final TreeMap<Long, Tracked> pending = new TreeMap<>();
        KafkaManualCommit lastDispatched;
        KafkaManualCommit lastCommitted;
    }

    private static final class Pending {
        final Event event;
        final Tracked record;
        final int partition;
        Instant firstAttempt;
        int attempts;
        /** Why the last attempt that was made failed (one the breaker skipped does not count). */
        String lastReason;

        Pending(Event event, Tracked record, int partition) {
            this.event = event;
            this.record = record;
            this.partition = partition;
        }
    }

    private final class Lane {
        final String accountId;
        final String endpointId;
        final CircuitBreaker breaker;
        final EndpointStats stats = new EndpointStats();
        final Map<String, ArrayDeque<Pending>> byVin = new HashMap<>();
        final SignalMeter meter;
        int queued;

        Lane(String accountId, String endpointId) {
            this.accountId = accountId;
            this.endpointId = endpointId;
            this.breaker = CircuitBreaker.of("webhook-" + accountId + "-" + endpointId, breakerConfig);
            // audited as the account's POSTs to its endpoint: the usage report's row "POST webhooks/<endpoint id>"
            String region = accounts.findById(accountId).map(a -> a.region().code()).orElse(null);
            this.meter = new SignalMeter(new SignalMeter.Recipient(accountId, null, null, null, "POST",
                    "webhooks/" + endpointId, null, region, clock.instant()), metering.signalsPerCredit(), clock,
                    metering.audit(), signals);
            register(this);
        }
    }

    public WebhookDelivery(AccountStore accounts, WebhookAddresses addresses, WebhookSettings settings, Clock clock,
                           String trustStorePem, BiConsumer<String, String> deadLetters, Metering metering) {
        this.metering = metering;
        this.accounts = accounts;
        this.addresses = addresses;
        this.settings = settings;
        this.clock = clock;
        this.trustStorePem = trustStorePem == null ? "" : trustStorePem.trim();
        this.deadLetters = deadLetters;
        this.breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10).minimumNumberOfCalls(5).failureRateThreshold(50)
                .waitDurationInOpenState(settings.breakerOpen())
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build();
    }

    @Override
    protected void doStart() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(4));
        loop = vertx.getOrCreateContext();
        HttpClientOptions options = new HttpClientOptions().setSsl(true).setVerifyHost(true)
                .setConnectTimeout((int) settings.requestTimeout().toMillis()).setMaxPoolSize(64)
                .setKeepAliveTimeout(30);
        if (!trustStorePem.isEmpty()) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(trustStorePem));
        }
        http = vertx.createHttpClient(options);
        loop.runOnContext(v -> vertx.setPeriodic(metering.interval().toMillis(), id -> meterLanes(false)));
    }

    @Override
    protected void doStop() throws Exception {
        if (vertx != null) {
            meterAll();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Audits what every endpoint was delivered and not yet metered, as if it ended here (the rest of
     * its credits rounded up), and waits for it (at most 5 s). Called as Fleetgate stops, while the
     * audit route still runs, and again when the service stops for what was delivered since.
     */
    public void meterAll() {
        if (loop == null) {
            return;
        }
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        loop.runOnContext(v -> {
            try {
                meterLanes(true);
            } finally {
                done.complete(null);
            }
        });
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("webhooks: the last deliveries' signals were not all metered: {}", e.toString());
        }
    }

    /**
     * One metering round, on the delivery context: an endpoint that was deleted gets its last audit
     * event and is forgotten; the others one for what they took since the last round.
     */
    private void meterLanes(boolean stopping) {
        for (java.util.Iterator<Lane> it = lanes.values().iterator(); it.hasNext(); ) {
            Lane lane = it.next();
            boolean deleted = accounts.findById(lane.accountId)
                    .map(a -> a.webhooks().stream().noneMatch(w -> w.id().equals(lane.endpointId))).orElse(true);
            if (deleted || stopping) {
                if (lane.meter.hasUnmetered()) {
                    lane.meter.meter(true);
                }
                if (deleted && lane.byVin.isEmpty()) {
                    it.remove();
                }
            } else {
                lane.meter.meter(false);
            }
        }
    }

    /** Data signals delivered to webhook endpoints since start. */
    public long deliveredSignals() {
        return signals.sum();
    }

    /** Meters per endpoint at /observe/metrics, registered as endpoints get their first event. */
    public void metersTo(MeterRegistry registry) {
        this.meters = registry;
        if (loop != null) {
            loop.runOnContext(v -> lanes.values().forEach(this::register));
        }
    }

    /**
     * One record of the events topic: queued for every endpoint that wants it; returns at once. Its
     * offset is committed (through Camel's manual commit, on the consumer's thread) once it and every
     * earlier record of its partition was delivered or dead-lettered by every endpoint it went to.
     */
    public void dispatch(Exchange exchange) {
        Message in = exchange.getMessage();
        String vin = in.getHeader(KafkaConstants.KEY, String.class);
        String topic = in.getHeader(EVENT_HEADER, String.class);
        String body = in.getBody(String.class);
        int partition = in.getHeader(KafkaConstants.PARTITION, -1, Integer.class);
        long offset = in.getHeader(KafkaConstants.OFFSET, -1L, Long.class);
        KafkaManualCommit commit = in.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        record Target(String accountId, String endpointId, Event event) {}
        List<Target> targets = new ArrayList<>();
        if (vin != null && topic != null && body != null) {
            Event event = null;
            Optional<Event> withoutLocation = null;
            Instant now = clock.instant();
            for (Account account : accounts.all()) {
                if (account.webhooks().isEmpty() || account.subscription() == null || !account.subscription().isActive(now)
                        || !account.subscription().vins().contains(vin)) {
                    continue;
                }
                if (event == null) {
                    // made (and its signals counted) only for an event some endpoint may want
                    event = new Event(partition + "-" + offset, vin, topic, body.getBytes(StandardCharsets.UTF_8));
                }
                Optional<Event> visible = Optional.of(event);
                if (!account.scopes().contains(FieldSpec.LOCATION_SCOPE)) {
                    if (withoutLocation == null) {
                        withoutLocation = withoutLocation(event, fields);
                    }
                    visible = withoutLocation;
                }
                for (WebhookEndpoint hook : account.webhooks()) {
                    if (hook.wants(topic, vin) && visible.isPresent()) {
                        targets.add(new Target(account.id(), hook.id(), visible.get()));
                    }
                }
            }
        }
        loop.runOnContext(v -> {
            PartitionState state = partitions.computeIfAbsent(partition, p -> new PartitionState());
            Tracked record = new Tracked(offset, state.lastDispatched, targets.size());
            state.lastDispatched = commit;
            if (!targets.isEmpty()) {
                state.pending.put(offset, record);
            }
            for (Target target : targets) {
                enqueue(target.accountId(), target.endpointId(), new Pending(target.event(), record, partition));
            }
            if (targets.isEmpty()) {
                advance(partition);
            }
        });
    }

    /**
     * The event as an account without {@code vehicle_location} may see it: a {@code data} event's
     * location fields left out (then re-serialised, so the signature covers what is sent), nothing
     * when only they were in it; other events as they are.
     */
    static Optional<Event> withoutLocation(Event event, FieldCatalogue fields) {
        if (!"data".equals(event.topic())) {
            return Optional.of(event);
        }
        try {
            JsonNode node = JSON.readTree(event.body());
            if (!(node.path("data") instanceof ObjectNode data)) {
                return Optional.of(event);
            }
            List<String> hidden = new ArrayList<>();
            data.fieldNames().forEachRemaining(name -> {
                if (fields.field(name).map(FieldSpec::needsLocationScope).orElse(false)) {
                    hidden.add(name);
                }
            });
            if (hidden.isEmpty()) {
                return Optional.of(event);
            }
            data.remove(hidden);
            return data.isEmpty() ? Optional.empty()
                    : Optional.of(new Event(event.id(), event.vin(), event.topic(), JSON.writeValueAsBytes(node), data.size()));
        } catch (java.io.IOException notJson) {
            return Optional.of(event);
        }
    }

    /** The field values of a {@code data} event's body; 0 when it is not one. */
    static int signalsIn(byte[] body) {
        try {
            return SignalMeter.signalsIn(JSON.readTree(body));
        } catch (java.io.IOException notJson) {
            return 0;
        }
    }

    /** A record is done for one endpoint; commits what every endpoint is done with. */
    private void finished(Pending pending) {
        pending.record.remaining--;
        if (pending.record.remaining == 0) {
            PartitionState state = partitions.get(pending.partition);
            if (state != null && state.pending.get(pending.record.offset) == pending.record) {
                state.pending.remove(pending.record.offset);
            }
            advance(pending.partition);
        }
    }

    /** Commits up to just before the partition's first record still waiting (all of it when none waits). */
    private void advance(int partition) {
        PartitionState state = partitions.get(partition);
        if (state == null) {
            return;
        }
        KafkaManualCommit upTo = state.pending.isEmpty() ? state.lastDispatched : state.pending.firstEntry().getValue().previous;
        if (upTo != null && upTo != state.lastCommitted) {
            upTo.commit();
            state.lastCommitted = upTo;
        }
    }

    private void enqueue(String accountId, String endpointId, Pending pending) {
        Event event = pending.event;
        Lane lane = lanes.computeIfAbsent(accountId + "/" + endpointId, k -> new Lane(accountId, endpointId));
        if (lane.queued >= settings.queueLimit()) {
            pending.firstAttempt = clock.instant();
            deadLetter(lane, pending, "queue_full: " + settings.queueLimit() + " events already wait for this endpoint");
            finished(pending);
            return;
        }
        ArrayDeque<Pending> queue = lane.byVin.computeIfAbsent(event.vin(), k -> new ArrayDeque<>());
        queue.add(pending);
        lane.queued++;
        if (queue.size() == 1) {
            attempt(lane, event.vin());
        }
    }

    private void attempt(Lane lane, String vin) {
        ArrayDeque<Pending> queue = lane.byVin.get(vin);
        Pending pending = queue == null ? null : queue.peek();
        if (pending == null) {
            lane.byVin.remove(vin);
            return;
        }
        Optional<WebhookEndpoint> current = accounts.findById(lane.accountId)
                .flatMap(a -> a.webhooks().stream().filter(w -> w.id().equals(lane.endpointId)).findFirst());
        if (current.isEmpty()) {
            // the endpoint was deleted: what waits for it is dropped
            lane.queued -= queue.size();
            lane.byVin.remove(vin);
            queue.forEach(this::finished);
            return;
        }
        WebhookEndpoint hook = current.get();
        if (pending.firstAttempt == null) {
            pending.firstAttempt = clock.instant();
        }
        pending.attempts++;
        if (!lane.breaker.tryAcquirePermission()) {
            skipped(lane, vin, pending);
            return;
        }
        URI url = hook.url();
        vertx.executeBlocking(() -> addresses.resolve(url).get(0), false).onComplete(resolved -> {
            if (resolved.failed()) {
                lane.breaker.releasePermission();
                String reason = resolved.cause() instanceof WebhookAddresses.Refused refused ? refused.getMessage()
                        : "DNS look-up failed: " + resolved.cause().getClass().getSimpleName();
                failed(lane, vin, pending, 0, reason);
            } else {
                send(lane, vin, pending, hook, resolved.result());
            }
        });
    }

    private void send(Lane lane, String vin, Pending pending, WebhookEndpoint hook, InetAddress address) {
        URI url = hook.url();
        int port = url.getPort() == -1 ? 443 : url.getPort();
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        Event event = pending.event;
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setSsl(true)
                .setHost(url.getHost()).setPort(port).setURI(path)
                // connect to the address just checked, not to whatever the name resolves to next
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setTimeout(settings.requestTimeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", "Fleetgate-Webhooks")
                .putHeader(EVENT_ID_HEADER, event.id())
                .putHeader("X-Fleetgate-Event", event.topic())
                .putHeader(WebhookSignature.HEADER, WebhookSignature.of(hook.secret(), event.body()));
        long started = System.nanoTime();
        http.request(request)
                .compose(req -> req.send(Buffer.buffer(event.body())))
                .compose(resp -> resp.body().map(ignored -> resp.statusCode()))
                .onComplete(answer -> {
                    long took = System.nanoTime() - started;
                    if (answer.succeeded() && answer.result() / 100 == 2) {
                        lane.breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                        lane.stats.lastStatus.set(answer.result());
                        lane.stats.delivered.increment();
                        lane.meter.delivered(pending.event.signals());
                        next(lane, vin);
                    } else if (answer.succeeded()) {
                        lane.breaker.onError(took, TimeUnit.NANOSECONDS, new IllegalStateException("HTTP " + answer.result()));
                        failed(lane, vin, pending, answer.result(), "HTTP " + answer.result());
                    } else {
                        lane.breaker.onError(took, TimeUnit.NANOSECONDS, answer.cause());
                        failed(lane, vin, pending, 0, "no answer: " + answer.cause().getClass().getSimpleName());
                    }
                });
    }

    private void failed(Lane lane, String vin, Pending pending, int status, String reason) {
        lane.stats.lastStatus.set(status);
        pending.lastReason = reason;
        retryOrGiveUp(lane, vin, pending, reason);
    }

    /** The endpoint's breaker is open: no request now; the last real failure stays the reason. */
    private void skipped(Lane lane, String vin, Pending pending) {
        retryOrGiveUp(lane, vin, pending, "circuit breaker open after repeated failures"
                + (pending.lastReason == null ? "" : "; last attempt: " + pending.lastReason));
    }

    private void retryOrGiveUp(Lane lane, String vin, Pending pending, String reason) {
        Duration wait = settings.delayBefore(pending.attempts);
        if (clock.instant().plus(wait).isAfter(pending.firstAttempt.plus(settings.budget()))) {
            deadLetter(lane, pending, reason);
            next(lane, vin);
            return;
        }
        lane.stats.retried.increment();
        vertx.setTimer(Math.max(1, wait.toMillis()), id -> attempt(lane, vin));
    }

    private void next(Lane lane, String vin) {
        ArrayDeque<Pending> queue = lane.byVin.get(vin);
        Pending done = queue == null ? null : queue.poll();
        if (done != null) {
            lane.queued--;
            finished(done);
        }
        attempt(lane, vin);
    }

    private void deadLetter(Lane lane, Pending pending, String reason) {
        lane.stats.deadLettered.increment();
        Event event = pending.event;
        ObjectNode letter = JSON.createObjectNode();
        letter.put("account_id", lane.accountId).put("endpoint_id", lane.endpointId).put("event_id", event.id())
                .put("vin", event.vin()).put("topic", event.topic()).put("reason", reason).put("attempts", pending.attempts)
                .put("first_attempt_at", pending.firstAttempt.toString()).put("dead_lettered_at", clock.instant().toString());
        try {
            letter.set("event", JSON.readTree(event.body()));
        } catch (java.io.IOException notJson) {
            letter.put("event", new String(event.body(), StandardCharsets.UTF_8));
        }
        LOG.warn("webhooks: event {} for endpoint {} of account {} dead-lettered after {} attempt(s): {}", event.id(),
                lane.endpointId, lane.accountId, pending.attempts, reason);
        deadLetters.accept(lane.accountId + "/" + lane.endpointId, letter.toString());
    }

    private void register(Lane lane) {
        MeterRegistry registry = meters;
        if (registry == null) {
            return;
        }
        String[] tags = {"account", lane.accountId, "endpoint", lane.endpointId};
        String description = "Webhook deliveries by endpoint and outcome (delivered, retried, dead_lettered)";
        FunctionCounter.builder("fleetgate.webhook.deliveries", lane.stats, EndpointStats::delivered).description(description)
                .tags(tags).tag("outcome", "delivered").register(registry);
        FunctionCounter.builder("fleetgate.webhook.deliveries", lane.stats, EndpointStats::retried).description(description)
                .tags(tags).tag("outcome", "retried").register(registry);
        FunctionCounter.builder("fleetgate.webhook.deliveries", lane.stats, EndpointStats::deadLettered).description(description)
                .tags(tags).tag("outcome", "dead_lettered").register(registry);
        Gauge.builder("fleetgate.webhook.last.status", lane.stats, EndpointStats::lastStatus)
                .description("HTTP status of the endpoint's last delivery attempt (0: no answer, -1: none yet)")
                .tags(tags).register(registry);
    }
}
