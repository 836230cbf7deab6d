package io.fleetgate.app;

import io.fleetgate.account.AccountStore;
import io.fleetgate.account.GatewayTokenCheck;
import io.fleetgate.ingress.AnswerBody;
import io.fleetgate.ingress.EnergyCommands;
import io.fleetgate.ingress.ErrorResponses;
import io.fleetgate.ingress.FleetApiCatalog;
import io.fleetgate.ingress.IncomingRequest;
import io.fleetgate.ingress.IngressGuard;
import io.fleetgate.ingress.IpLimitGuard;
import io.fleetgate.ingress.RequestClassifier;
import io.fleetgate.ingress.UnreadableRequests;
import io.fleetgate.kafka.KafkaClientConfig;
import io.fleetgate.limits.ClientAddressResolver;
import io.fleetgate.limits.RateLimitGate;
import io.fleetgate.region.MisdirectedRequests;
import io.fleetgate.resilience.BreakerSettings;
import io.fleetgate.resilience.Bulkheads;
import io.fleetgate.resilience.InFlightLimit;
import io.fleetgate.resilience.RegionBreakers;
import io.fleetgate.region.RegionRelearning;
import io.fleetgate.ingress.EventLoopHttpEngine;
import io.fleetgate.region.FleetApiComponent;
import io.fleetgate.region.RegionalBaseUrls;
import io.fleetgate.region.UpstreamClientSettings;
import io.fleetgate.region.UpstreamRequest;
import io.fleetgate.audit.AuditConfiguration;
import io.fleetgate.command.CommandChecks;
import io.fleetgate.command.CommandCalls;
import io.fleetgate.command.CommandAttempts;
import io.fleetgate.command.CommandRecords;
import io.fleetgate.command.CommandConsumer;
import io.fleetgate.command.CommandIntake;
import io.fleetgate.command.CommandLedger;
import io.fleetgate.command.CommandResultWait;
import io.fleetgate.command.CommandResults;
import io.fleetgate.command.RestCommands;
import io.fleetgate.command.RetryPolicy;
import io.fleetgate.command.VehicleStates;
import io.fleetgate.command.SignedCommands;
import io.fleetgate.command.StandStillWatch;
import io.fleetgate.vcp.SignedRetryPolicy;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.session.VcpClient;
import io.vertx.core.VertxOptions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.CamelConfiguration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/** Binds the beans the routes call by name, built from settings (application.properties). */
public final class FleetgateConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        Registry registry = context.getRegistry();
        Clock clock = Clock.systemUTC();
        // before the routes are made: their bean steps that take the exchange are called straight
        ExchangeBeanSteps.install(context);

        // the limits come first: the admin API (accounts stage) holds failed authentications to one
        ClientAddressResolver clientAddresses = new ClientAddressResolver(settings.list("fleetgate.ingress.trusted-proxies"));
        RateLimitGate rateLimitGate = LimitsConfiguration.bind(context, settings, clientAddresses);

        RegionalBaseUrls baseUrls = new RegionalBaseUrls(
                settings.required("fleetgate.regions.na.base-url"),
                settings.required("fleetgate.regions.eu.base-url"),
                settings.required("fleetgate.regions.cn.base-url"));
        AccountStore accounts = AccountsConfiguration.bind(context, settings, baseUrls, clock);

        // the options the platform-http servers make their Vert.x with (they look them up by type);
        // Preflight has already refused a value other than true or false
        registry.bind("vertxOptions", new VertxOptions()
                .setPreferNativeTransport(Boolean.parseBoolean(settings.required("fleetgate.http.native-transport"))));
        registry.bind("regionalBaseUrls", baseUrls);
        registry.bind("incomingRequest",
                new IncomingRequest(settings.longValue("fleetgate.ingress.max-body-bytes"), clientAddresses, clock));
        registry.bind("gatewayTokenCheck", new GatewayTokenCheck(accounts, clock));
        registry.bind("requestClassifier", new RequestClassifier(new FleetApiCatalog()));
        registry.bind("energyCommands", new EnergyCommands());
        registry.bind("upstreamRequest", new UpstreamRequest(settings.required("fleetgate.upstream.user-agent")));
        registry.bind("regionRelearning", new RegionRelearning(new MisdirectedRequests(baseUrls), accounts));
        RegionBreakers breakers = bindResilience(registry, settings, clock);
        context.addComponent("fleet-api", new FleetApiComponent(baseUrls, breakers, new UpstreamClientSettings(
                settings.duration("fleetgate.upstream.connect-timeout-ms"),
                settings.duration("fleetgate.upstream.pool-wait-ms"),
                settings.duration("fleetgate.upstream.response-timeout-ms"),
                (int) settings.longValue("fleetgate.upstream.connections-per-region"))));
        String defaultRegion = settings.required("fleetgate.regions.default");
        registry.bind("answerBody", new AnswerBody());
        // the Fleet API ingress and SSE run on the HTTP server's event loop; the ingress's blocking steps hop to blockingWork;
        // so do the console's vehicle stream and commands, which join them
        EventLoopHttpEngine httpEngine = new EventLoopHttpEngine(Set.of("/api/1", "/sse", "/sse/{vin}",
                "/admin/vehicles/{vin}/sse", "/admin/vehicles/{vin}/command/{command}"));
        httpEngine.setCamelContext(context);
        registry.bind(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME, httpEngine);
        registry.bind("blockingWork", Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fleetgate-blocking-", 0).factory()));
        registry.bind("errorResponses", new ErrorResponses(defaultRegion, breakers::untilHalfOpen,
                Duration.ofSeconds(settings.longValue("fleetgate.bulkhead.retry-after-seconds"))));
        IngressGuard guard = new IngressGuard(settings.longValue("fleetgate.ingress.max-body-bytes"), () -> defaultRegion);
        // first: the guard installer looks for the API server, which needs it listening
        context.addStartupListener(new ServersListening((int) settings.longValue("camel.server.port")));
        StartAfterTheApi startAfterTheApi = new StartAfterTheApi(settings.duration("fleetgate.startup.background-delay-ms"));
        registry.bind("startAfterTheApi", startAfterTheApi);
        context.addStartupListener(startAfterTheApi);
        context.addStartupListener(new IngressGuardInstaller(new IpLimitGuard(clientAddresses, rateLimitGate, () -> defaultRegion),
                guard, new UnreadableRequests(() -> defaultRegion), (int) settings.longValue("camel.server.port"),
                (int) settings.longValue("fleetgate.server.event-loops")));
        // Kafka's health first: the audit publisher reads its journal only while Kafka answers
        KafkaHealth kafkaHealth = new KafkaHealth(KafkaClientConfig.of(settings.required("fleetgate.kafka.bootstrap-servers"),
                context.getPropertiesComponent()), settings.longValue("fleetgate.kafka.health-interval-ms"));
        context.addService(kafkaHealth, true, true);
        registry.bind("kafkaHealth", kafkaHealth);
        new AuditConfiguration(clock, kafkaHealth::isUp).bind(context);
        kafkaHealth.waitingAuditEvents(registry.lookupByNameAndType("auditOutbox", io.fleetgate.audit.AuditOutbox.class)::waiting);
        Optional<EcKeyPair> fleetKey = FleetKey.load(settings.optional("fleetgate.vcp.private-key-file").orElse(null),
                Boolean.parseBoolean(settings.optional("fleetgate.vcp.generate-key").orElse("false")));
        String keyDomain = settings.required("fleetgate.vcp.domain");
        registry.bind("publicKeyEndpoints", new PublicKeyEndpoints(fleetKey, keyDomain));
        registry.bind("signedCommands", new SignedCommands(
                fleetKey.map(key -> new VcpClient(key, keyDomain, clock, new SecureRandom())),
                new SignedRetryPolicy((int) settings.longValue("fleetgate.signing.max-attempts"),
                        settings.duration("fleetgate.signing.retry-step-ms")), keyDomain));
        // streaming before the commands: the command stage's state memory tells it the states it learns
        java.util.function.BiConsumer<String, String> statesLearned =
                io.fleetgate.telemetry.TelemetryConfiguration.bind(context, accounts, clock);
        io.fleetgate.telemetry.sse.StreamConfiguration.bind(context, new io.fleetgate.telemetry.sse.SseSettings(
                settings.duration("fleetgate.stream.keep-alive-ms"),
                (int) settings.longValue("fleetgate.stream.buffer-events"),
                settings.duration("fleetgate.stream.close-grace-ms"),
                (int) settings.longValue("fleetgate.stream.connections-per-account"),
                settings.duration("fleetgate.stream.metering-interval-ms"),
                settings.longValue("fleetgate.audit.credits.signals-per-credit")), accounts, clock);
        io.fleetgate.telemetry.webhooks.WebhooksConfiguration.bind(context, accounts, clock);
        bindCommands(context, settings, accounts, clock, statesLearned);
        // polling settings before the account API (/api/metadata shows them)
        io.fleetgate.polling.PollingConfiguration.bind(context);
        io.fleetgate.credits.CreditsConfiguration.bind(context);
        // Teslemetry's streaming-config and vehicle endpoints and the poller: after the credit beans
        // they use, before the meters that read their counts
        io.fleetgate.streamconfig.StreamConfigConfiguration.bind(context, fleetKey);
        Operations.bind(context, settings);
    }

    /**
     * Resilience4j (CONTRACT section 9): a breaker per region (fleetgate.breaker.*) for the
     * {@code fleet-api:} calls, the never-opening breaker the bulkhead EIPs hang on, and the
     * registry the EIPs make their bulkheads in (the only one bound, so camel-resilience4j uses it).
     */
    private static RegionBreakers bindResilience(Registry registry, Settings settings, Clock clock) {
        String rate = settings.required("fleetgate.breaker.failure-rate-percent");
        float failureRate;
        try {
            failureRate = Float.parseFloat(rate);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("setting fleetgate.breaker.failure-rate-percent must be a number, got: " + rate);
        }
        RegionBreakers breakers = new RegionBreakers(new BreakerSettings(failureRate,
                (int) settings.longValue("fleetgate.breaker.window-size"),
                (int) settings.longValue("fleetgate.breaker.minimum-calls"),
                settings.duration("fleetgate.breaker.open-wait-ms"),
                (int) settings.longValue("fleetgate.breaker.half-open-calls")), clock);
        registry.bind("regionBreakers", breakers);
        Bulkheads bulkheads = new Bulkheads();
        registry.bind(Bulkheads.NEVER_OPENS, bulkheads.neverOpens());
        registry.bind("bulkheadRegistry", bulkheads.registry());
        registry.bind("bulkheads", bulkheads);
        registry.bind("readsInFlight", new InFlightLimit(bulkheads, "reads-in-flight",
                (int) settings.longValue("fleetgate.bulkhead.reads-in-flight")));
        return breakers;
    }

    static String limitsBackendUnknown(String backend) {
        return "setting fleetgate.limits.backend must be memory or redis, got: " + backend;
    }

    /** The command stage: ledger of results, lanes, wake-up memory, retry policy. */
    private static void bindCommands(CamelContext context, Settings settings, AccountStore accounts, Clock clock,
                                     java.util.function.BiConsumer<String, String> statesLearned) throws Exception {
        Registry registry = context.getRegistry();
        java.util.Map<String, Object> kafkaClients = KafkaClientConfig.of(settings.required("fleetgate.kafka.bootstrap-servers"),
                context.getPropertiesComponent());
        CommandLedger ledger = new CommandLedger(kafkaClients,
                settings.required("fleetgate.topics.command-results"), settings.required("fleetgate.topics.command-attempts"),
                (int) settings.longValue("fleetgate.commands.remembered-results"));
        context.addService(ledger, true, true);
        VirtualThreadScheduler scheduler = new VirtualThreadScheduler("fleetgate-command");
        registry.bind("commandScheduler", scheduler);
        CommandRecords records = new CommandRecords(kafkaClients, settings.duration("fleetgate.commands.send-timeout-ms"),
                settings.duration("fleetgate.commands.request-timeout-ms"), settings.duration("fleetgate.commands.linger-ms"));
        context.addService(records, true, true);
        CommandResults results = new CommandResults(clock, records, settings.required("fleetgate.topics.command-results"));
        StandStillWatch standStills = new StandStillWatch(StandStillWatch.forGroup(
                settings.duration("fleetgate.commands.session-timeout-ms"), settings.duration("fleetgate.commands.heartbeat-interval-ms")));
        context.addService(standStills, true, true);
        CommandIntake intake = new CommandIntake(ledger, results, scheduler, clock,
                settings.duration("fleetgate.wake.poll-interval-ms").multipliedBy(settings.longValue("fleetgate.wake.max-polls")), standStills);
        CommandConsumer consumer = new CommandConsumer(commandConsumerProperties(kafkaClients, settings),
                settings.required("fleetgate.topics.commands"), intake, ledger,
                settings.duration("fleetgate.commands.commit-interval-ms"),
                settings.duration("fleetgate.commands.handover-timeout-ms"),
                (int) settings.longValue("fleetgate.commands.max-held"), standStills);
        registry.bind("commandLedger", ledger);
        registry.bind("commandStandStills", standStills);
        registry.bind("commandPartitionConfirmed", standStills.confirmedStep(scheduler));
        registry.bind("commandAttempts", new CommandAttempts(records, settings.required("fleetgate.topics.command-attempts"), clock));
        registry.bind("commandResults", results);
        registry.bind("commandIntake", intake);
        registry.bind("commandRetryWait", intake.retryWait());
        registry.bind("restCommands", new RestCommands());
        registry.bind("commandResultWait", new CommandResultWait(ledger, settings.duration("fleetgate.commands.reply-timeout-ms"),
                context.getRegistry().lookupByNameAndType("blockingWork", java.util.concurrent.ExecutorService.class)));
        registry.bind("restCommandsWaiting", new InFlightLimit(context.getRegistry().lookupByNameAndType("bulkheads", Bulkheads.class),
                "rest-commands-waiting", (int) settings.longValue("fleetgate.bulkhead.rest-commands-waiting")));
        registry.bind("commandChecks", new CommandChecks(accounts, new FleetApiCatalog(),
                context.getRegistry().lookupByNameAndType("gatewayTokenCheck", GatewayTokenCheck.class)));
        registry.bind("commandCalls", new CommandCalls(registry.lookupByNameAndType("errorResponses", ErrorResponses.class), clock));
        // "now" for the state memory: the registry's vehicleStateClock when one is bound (a test moves it by hand)
        Clock stateClock = java.util.Optional.ofNullable(registry.lookupByNameAndType("vehicleStateClock", Clock.class)).orElse(clock);
        registry.bind("vehicleStates", new VehicleStates(stateClock, settings.duration("fleetgate.wake.state-cache-ms"),
                statesLearned));
        registry.bind("retryPolicy", new RetryPolicy(clock, (int) settings.longValue("fleetgate.retries.max"),
                settings.duration("fleetgate.retries.budget-ms"), settings.duration("fleetgate.retries.initial-backoff-ms")));
        context.addStartupListener(new CommandIntakeStarter(intake, consumer));
    }

    /**
     * The command topic's group: a dead replica's partitions move within the session timeout
     * (CONTRACT 9: at most 15 s), cooperatively, so a rebalance revokes only what moves; a poll may
     * wait out a hand-over, so the poll interval exceeds the hand-over timeout.
     */
    private static java.util.Properties commandConsumerProperties(java.util.Map<String, Object> kafkaClients, Settings settings) {
        // every command waits for this reader's fetch first
        java.util.Properties properties = KafkaClientConfig.promptReader(kafkaClients, "fleetgate-command-consumer",
                org.apache.kafka.common.serialization.StringDeserializer.class);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, settings.required("fleetgate.commands.consumer-group"));
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.longValue("fleetgate.commands.session-timeout-ms"));
        properties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) settings.longValue("fleetgate.commands.heartbeat-interval-ms"));
        properties.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                (int) (settings.longValue("fleetgate.commands.handover-timeout-ms") + 60_000));
        return properties;
    }
}
