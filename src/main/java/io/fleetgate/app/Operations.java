package io.fleetgate.app;

import io.fleetgate.account.AccountStore;
import io.fleetgate.account.AdminToken;
import io.fleetgate.account.GatewayTokenCheck;
import io.fleetgate.accountapi.VehicleFirmware;
import io.fleetgate.audit.AuditEvent;
import io.fleetgate.audit.AuditFailures;
import io.fleetgate.audit.AuditOutbox;
import io.fleetgate.audit.AuditPublisher;
import io.fleetgate.command.CommandIntake;
import io.fleetgate.command.StandStillWatch;
import io.fleetgate.command.SignedCommands;
import io.fleetgate.command.VehicleStates;
import io.fleetgate.credits.UsageReports;
import io.fleetgate.ingress.FleetApiCatalog;
import io.fleetgate.limits.AdminAuthLimit;
import io.fleetgate.limits.InMemorySlidingWindowLimiter;
import io.fleetgate.limits.RateLimitGate;
import io.fleetgate.limits.RateLimitVerdict;
import io.fleetgate.limits.RedisSlidingWindowLimiter;
import io.fleetgate.limits.ResilientLimiter;
import io.fleetgate.ops.AdminFleet;
import io.fleetgate.ops.AdminHealth;
import io.fleetgate.ops.AdminVehicles;
import io.fleetgate.ops.AuditObservers;
import io.fleetgate.ops.BackgroundRoutesCheck;
import io.fleetgate.ops.ConsoleFiles;
import io.fleetgate.ops.FleetgateMetrics;
import io.fleetgate.ops.KafkaStateCheck;
import io.fleetgate.ops.OpenApiDocument;
import io.fleetgate.ops.ReadinessCheck;
import io.fleetgate.ops.RequestLog;
import io.fleetgate.region.Region;
import io.fleetgate.resilience.Bulkheads;
import io.fleetgate.resilience.RegionBreakers;
import io.fleetgate.telemetry.LastValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.spi.Registry;

/**
 * What operators see, bound after every stage's beans: readiness checks in Camel's health
 * registry (served on the management port at {@code /observe/health/ready}), Fleetgate's meters
 * in the registry Camel's Prometheus endpoint serves ({@code /observe/metrics}), and the audit
 * observers (metrics, and the JSON request log when {@code fleetgate.log.json=true}).
 */
final class Operations {
    /** The bean name camel-micrometer-prometheus looks up, and binds when it makes its own. */
    static final String METER_REGISTRY = "metricsRegistry";

    private Operations() {}

    static void bind(CamelContext context, Settings settings) {
        Registry registry = context.getRegistry();
        FleetgateMetrics metrics = new FleetgateMetrics(meterRegistry(registry));
        registry.bind("fleetgateMetrics", metrics);
        bindStageMeters(registry, metrics);

        List<Consumer<AuditEvent>> observers = new ArrayList<>();
        observers.add(metrics::observe);
        if (Boolean.parseBoolean(settings.optional("fleetgate.log.json").orElse("false"))) {
            observers.add(new RequestLog()::observe);
        }
        registry.bind("auditObservers", new AuditObservers(observers));
        String version = java.util.Objects.requireNonNullElse(Operations.class.getPackage().getImplementationVersion(), "dev");
        registry.bind("openApiDocument", new OpenApiDocument(context, new FleetApiCatalog(), version));
        try {
            registry.bind("consoleFiles", new ConsoleFiles(settings.required("fleetgate.console.map-tiles-url"),
                    settings.required("fleetgate.console.map-attribution"),
                    Duration.ofSeconds(Math.max(0, settings.longValue("fleetgate.console.idle-sign-out-seconds")))));
        } catch (IllegalArgumentException badTiles) {
            throw new StartupFailure(badTiles.getMessage());
        }
        AdminFleet fleet = new AdminFleet(registry.lookupByNameAndType("accountStore", AccountStore.class),
                registry.lookupByNameAndType("vehicleStates", VehicleStates.class),
                registry.lookupByNameAndType("signedCommands", SignedCommands.class),
                registry.lookupByNameAndType("vehicleFirmware", VehicleFirmware.class),
                registry.lookupByNameAndType("commandIntake", CommandIntake.class),
                java.util.Optional.ofNullable(registry.lookupByNameAndType("lastValues", LastValues.class)));
        registry.bind("adminFleet", fleet);
        registry.bind("adminVehicles", new AdminVehicles(registry.lookupByNameAndType("accountStore", AccountStore.class), fleet,
                registry.lookupByNameAndType("usageReports", UsageReports.class), java.time.Clock.systemUTC()));

        // Camel's health registry takes the HealthCheck beans of the registry (HealthCheckRegistryRepository)
        List<HealthCheck> checks = new ArrayList<>(readinessChecks(registry));
        checks.forEach(check -> registry.bind("fleetgate-readiness-" + check.getId(), check));
        HealthCheck kafka = kafkaCheck(registry);
        registry.bind("fleetgate-state-kafka", kafka);
        checks.add(kafka);
        StartAfterTheApi background = registry.lookupByNameAndType("startAfterTheApi", StartAfterTheApi.class);
        if (background != null) {
            HealthCheck backgroundRoutes = new BackgroundRoutesCheck(background::notStarted);
            registry.bind("fleetgate-state-background-routes", backgroundRoutes);
            checks.add(backgroundRoutes);
        }
        registry.bind("adminHealth", new AdminHealth(() -> List.copyOf(checks), metrics.registry()));
    }

    /**
     * What decides whether this replica gets traffic: it can serve. The accounts are loaded (no
     * token could be checked before), and Redis answers when the limits live there. Not Kafka:
     * without it reads go on, commands refuse themselves with 503 and audit events wait, so an
     * outage must not take every replica out of the Service ({@link #kafkaCheck} shows it).
     */
    static List<HealthCheck> readinessChecks(Registry registry) {
        List<HealthCheck> checks = new ArrayList<>();
        AccountStore accounts = registry.lookupByNameAndType("accountStore", AccountStore.class);
        checks.add(new ReadinessCheck("accounts", accounts::isReady, "accounts are not loaded yet"));
        RedisSlidingWindowLimiter redis = registry.lookupByNameAndType("redisRateLimiter", RedisSlidingWindowLimiter.class);
        if (redis != null) {
            checks.add(new ReadinessCheck("redis", redis::answers, "Redis of the rate limits does not answer"));
        }
        return checks;
    }

    /** Kafka's state, in the full health list only ({@code /observe/health}): DOWN while it does not answer. */
    static HealthCheck kafkaCheck(Registry registry) {
        KafkaHealth kafka = registry.lookupByNameAndType("kafkaHealth", KafkaHealth.class);
        AuditOutbox outbox = registry.lookupByNameAndType("auditOutbox", AuditOutbox.class);
        return new KafkaStateCheck(kafka.bootstrapServers(), kafka::isUp, kafka::away,
                () -> outbox == null ? 0 : outbox.waiting());
    }

    private static MeterRegistry meterRegistry(Registry registry) {
        MeterRegistry existing = registry.lookupByNameAndType(METER_REGISTRY, MeterRegistry.class);
        if (existing != null) {
            return existing;
        }
        PrometheusMeterRegistry created = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.bind(METER_REGISTRY, created);
        return created;
    }

    /** The streaming stage's counts: what fleet-telemetry sent, what became events, what was skipped and why. */
    private static void bindTelemetryMeters(Registry registry, FleetgateMetrics metrics) {
        io.fleetgate.telemetry.TelemetryIngest ingest = registry.lookupByNameAndType("telemetryIngest",
                io.fleetgate.telemetry.TelemetryIngest.class);
        if (ingest == null) {
            return;
        }
        metrics.counter("fleetgate.telemetry.records", "fleet-telemetry records read", ingest,
                io.fleetgate.telemetry.TelemetryIngest::records);
        String skipped = "fleet-telemetry records that gave no event, by why";
        metrics.counter("fleetgate.telemetry.records.skipped", skipped, ingest,
                io.fleetgate.telemetry.TelemetryIngest::unsubscribedRecords, "reason", "unsubscribed_vin");
        metrics.counter("fleetgate.telemetry.records.skipped", skipped, ingest,
                io.fleetgate.telemetry.TelemetryIngest::undecodableRecords, "reason", "undecodable");
        metrics.counter("fleetgate.telemetry.records.skipped", skipped, ingest,
                io.fleetgate.telemetry.TelemetryIngest::unchangedResends, "reason", "unchanged_resend");
        metrics.counter("fleetgate.telemetry.records.skipped", skipped, ingest,
                io.fleetgate.telemetry.TelemetryIngest::replayedRecords, "reason", "already_published");
        metrics.counter("fleetgate.telemetry.fields.unknown", "Signals of fleet-telemetry records these protos do not name (skipped)",
                ingest, io.fleetgate.telemetry.TelemetryIngest::unknownFields);
        metrics.counter("fleetgate.telemetry.events", "Vehicle events made from fleet-telemetry records",
                ingest, io.fleetgate.telemetry.TelemetryIngest::publishedEvents);
        io.fleetgate.telemetry.VehicleStateEvents states = registry.lookupByNameAndType("vehicleStateEvents",
                io.fleetgate.telemetry.VehicleStateEvents.class);
        metrics.counter("fleetgate.telemetry.states.dropped", "Vehicle states learned that found the state queue full (no event)",
                states, io.fleetgate.telemetry.VehicleStateEvents::droppedStates);
        io.fleetgate.telemetry.LastValues lastValues = registry.lookupByNameAndType("lastValues", io.fleetgate.telemetry.LastValues.class);
        metrics.gauge("fleetgate.telemetry.vehicles", "Vehicles with last values on this replica", lastValues,
                io.fleetgate.telemetry.LastValues::vehicles);
        io.fleetgate.telemetry.sse.SseStreams streams = registry.lookupByNameAndType("sseStreams",
                io.fleetgate.telemetry.sse.SseStreams.class);
        if (streams != null) {
            metrics.gauge("fleetgate.sse.streams", "SSE streams open on this replica", streams,
                    io.fleetgate.telemetry.sse.SseStreams::openStreams);
            metrics.counter("fleetgate.sse.streams.cut.off", "SSE streams ended because their client did not read fast enough",
                    streams, io.fleetgate.telemetry.sse.SseStreams::cutOffStreams);
            metrics.counter("fleetgate.sse.signals", "Data signals delivered to SSE clients (metered as credits)",
                    streams, io.fleetgate.telemetry.sse.SseStreams::streamedSignals);
        }
    }

    /** Server-side polling: the polls made, and the vehicles skipped because they were not online (never woken). */
    private static void bindPollingMeters(Registry registry, FleetgateMetrics metrics) {
        io.fleetgate.streamconfig.VehiclePoller poller = registry.lookupByNameAndType("vehiclePoller",
                io.fleetgate.streamconfig.VehiclePoller.class);
        if (poller == null) {
            return;
        }
        metrics.counter("fleetgate.polling.polls", "vehicle_data reads made by server-side polling", poller,
                io.fleetgate.streamconfig.VehiclePoller::polls);
        String skipped = "Polls skipped: the vehicle was not online (it is never woken), or the account's credits were used up";
        metrics.counter("fleetgate.polling.skipped", skipped, poller, io.fleetgate.streamconfig.VehiclePoller::skippedAsleep,
                "state", "asleep");
        metrics.counter("fleetgate.polling.skipped", skipped, poller, io.fleetgate.streamconfig.VehiclePoller::skippedOffline,
                "state", "offline");
        metrics.counter("fleetgate.polling.skipped", skipped, poller, io.fleetgate.streamconfig.VehiclePoller::skippedUnknown,
                "state", "unknown");
        metrics.counter("fleetgate.polling.failed", "Polls that failed (upstream unreachable, breaker open, ...)", poller,
                io.fleetgate.streamconfig.VehiclePoller::failedPolls);
        metrics.counter("fleetgate.polling.skipped", skipped, poller, io.fleetgate.streamconfig.VehiclePoller::refusedForCredits,
                "state", "insufficient_credits");
    }

    /** Meters read from counts the stages keep themselves. */
    private static void bindStageMeters(Registry registry, FleetgateMetrics metrics) {
        CommandIntake intake = registry.lookupByNameAndType("commandIntake", CommandIntake.class);
        metrics.gauge("fleetgate.command.lanes.active", "Vehicles with a command running or queued on this replica",
                intake, CommandIntake::activeLanes);
        metrics.gauge("fleetgate.command.lanes.queued", "Commands waiting in their vehicle's lane on this replica",
                intake, CommandIntake::queuedCommands);
        metrics.gauge("fleetgate.command.held", "Commands taken from the command topic and not finished on this replica"
                + " (it reads ahead at most fleetgate.commands.max-held)", intake, CommandIntake::heldCommands);
        metrics.counter("fleetgate.command.stand.stills", "Times this process stood still long enough that the command group may"
                + " have moved its partitions on (commands waited for the consumer to confirm them)",
                registry.lookupByNameAndType("commandStandStills", StandStillWatch.class), StandStillWatch::standStills);
        RateLimitGate gate = registry.lookupByNameAndType("rateLimitGate", RateLimitGate.class);
        String rateLimitRefusals = "Requests refused with 429 by Fleetgate's rate limits, by the limit that refused";
        metrics.counter("fleetgate.rate.limit.refusals", rateLimitRefusals, gate, g -> g.refused(RateLimitVerdict.Scope.IP),
                "limit", "ip");
        metrics.counter("fleetgate.rate.limit.refusals", rateLimitRefusals, gate, g -> g.refused(RateLimitVerdict.Scope.SITE),
                "limit", "site");
        AdminAuthLimit adminAuthLimit = registry.lookupByNameAndType("adminAuthLimit", AdminAuthLimit.class);
        metrics.counter("fleetgate.rate.limit.refusals", rateLimitRefusals, adminAuthLimit, AdminAuthLimit::refused,
                "limit", "admin_auth");
        // a token or admin-token scan shows here, the 429s it meets above
        String authRefusals = "Requests refused 401 for their credentials, by reason";
        GatewayTokenCheck tokens = registry.lookupByNameAndType("gatewayTokenCheck", GatewayTokenCheck.class);
        metrics.counter("fleetgate.auth.refusals", authRefusals, tokens, GatewayTokenCheck::missingTokens, "reason", "missing_token");
        metrics.counter("fleetgate.auth.refusals", authRefusals, tokens, GatewayTokenCheck::invalidTokens, "reason", "invalid_token");
        AdminToken adminToken = registry.lookupByNameAndType("adminToken", AdminToken.class);
        metrics.counter("fleetgate.auth.refusals", authRefusals, adminToken, AdminToken::failures, "reason", "admin_auth");
        Object limiter = registry.lookupByName("rateLimiter");
        metrics.counter("fleetgate.rate.limiter.failures", "Limiter decisions Redis could not make (the failure policy decided)",
                limiter, l -> l instanceof ResilientLimiter resilient ? resilient.failures() : 0);
        if (limiter instanceof InMemorySlidingWindowLimiter memory) {
            metrics.gauge("fleetgate.rate.limiter.keys", "Keys the in-memory limiter holds: addresses, sites and admin failures"
                    + " seen in about the last window (idle ones are dropped)", memory, InMemorySlidingWindowLimiter::trackedKeys);
        }
        KafkaHealth kafka = registry.lookupByNameAndType("kafkaHealth", KafkaHealth.class);
        metrics.gauge("fleetgate.kafka.up", "1 while Kafka answers this replica's health probe, 0 while it does not",
                kafka, k -> k.isUp() ? 1 : 0);
        AuditOutbox outbox = registry.lookupByNameAndType("auditOutbox", AuditOutbox.class);
        AuditPublisher publisher = registry.lookupByNameAndType("auditPublisher", AuditPublisher.class);
        AuditFailures failures = registry.lookupByNameAndType("auditFailures", AuditFailures.class);
        metrics.counter("fleetgate.audit.events.dropped", "Audit events lost before Kafka",
                outbox, o -> o.droppedEvents().sum(), "reason", "journal_full");
        metrics.counter("fleetgate.audit.events.dropped", "Audit events lost before Kafka",
                failures, f -> f.failedEvents().sum() + publisher.rejectedEvents().sum(), "reason", "failed");
        metrics.gauge("fleetgate.audit.events.buffered", "Audit events waiting for Kafka in memory", outbox, AuditOutbox::buffered);
        metrics.gauge("fleetgate.audit.journal.events", "Audit events waiting for Kafka in the journal",
                outbox, AuditOutbox::journaledWaiting);
        metrics.gauge("fleetgate.audit.journal.bytes", "Size of the audit journal's files on disk", outbox, AuditOutbox::journalBytes);
        metrics.counter("fleetgate.audit.events.journaled", "Audit events written to the journal (no room in memory)",
                outbox, o -> o.journaledEvents().sum());
        metrics.counter("fleetgate.audit.events.published", "Audit events Kafka acknowledged",
                publisher, p -> p.publishedEvents().sum());
        metrics.counter("fleetgate.audit.events.replayed", "Audit events from the journal Kafka acknowledged",
                publisher, p -> p.replayedEvents().sum());
        metrics.counter("fleetgate.audit.events.already.published", "Journal events of an earlier run found on the topic, not sent again",
                publisher, p -> p.foundOnTopicEvents().sum());
        bindTelemetryMeters(registry, metrics);
        bindPollingMeters(registry, metrics);
        // webhooks: fleetgate_webhook_deliveries_total{account,endpoint,outcome}, fleetgate_webhook_last_status{account,endpoint}
        io.fleetgate.telemetry.webhooks.WebhookDelivery webhooks = registry.lookupByNameAndType("webhookDelivery",
                io.fleetgate.telemetry.webhooks.WebhookDelivery.class);
        if (webhooks != null) {
            webhooks.metersTo(metrics.registry());
            metrics.counter("fleetgate.webhook.signals", "Data signals webhook endpoints took with a 2xx (metered as credits)",
                    webhooks, io.fleetgate.telemetry.webhooks.WebhookDelivery::deliveredSignals);
        }
        RegionBreakers breakers = registry.lookupByNameAndType("regionBreakers", RegionBreakers.class);
        for (Region region : Region.values()) {
            metrics.gauge("fleetgate.upstream.breaker.state", "Circuit breaker of each regional Fleet API host: 0 closed, 1 open, 2 half-open",
                    breakers.breaker(region), b -> RegionBreakers.stateValue(b.getState()), "region", region.code());
        }
        // a bulkhead exists once its route has started: its meters are registered then
        Bulkheads bulkheads = registry.lookupByNameAndType("bulkheads", Bulkheads.class);
        bulkheads.forEachBulkhead(name -> {
            metrics.counter("fleetgate.bulkhead.refusals", "Requests refused with 503 because a bulkhead was full",
                    bulkheads, b -> b.refusals(name), "bulkhead", name);
            metrics.gauge("fleetgate.bulkhead.active", "Requests a bulkhead holds right now",
                    bulkheads, b -> b.active(name), "bulkhead", name);
        });
    }
}
