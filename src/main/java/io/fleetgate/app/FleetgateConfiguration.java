package io.fleetgate.app;

import io.fleetgate.account.AccountStore;
import io.fleetgate.account.GatewayTokenCheck;
import io.fleetgate.account.YamlAccountStore;
import io.fleetgate.ingress.ErrorResponses;
import io.fleetgate.ingress.FleetApiCatalog;
import io.fleetgate.ingress.IncomingRequest;
import io.fleetgate.ingress.IngressGuard;
import io.fleetgate.ingress.RequestClassifier;
import io.fleetgate.limits.ClientAddressResolver;
import io.fleetgate.region.MisdirectedRequests;
import io.fleetgate.region.RegionRelearning;
import io.fleetgate.region.RegionalBaseUrls;
import io.fleetgate.region.UpstreamRequest;
import io.fleetgate.command.CommandChecks;
import io.fleetgate.command.CommandCalls;
import io.fleetgate.command.CommandIntake;
import io.fleetgate.command.CommandLedger;
import io.fleetgate.command.CommandResults;
import io.fleetgate.command.RestCommands;
import io.fleetgate.command.RetryPolicy;
import io.fleetgate.command.VehicleStates;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/** Binds the beans the routes call by name, built from settings (application.properties). */
public final class FleetgateConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        Registry registry = context.getRegistry();
        Clock clock = Clock.systemUTC();

        AccountStore accounts = YamlAccountStore.load(settings.required("fleetgate.accounts.file"));
        RegionalBaseUrls baseUrls = new RegionalBaseUrls(
                settings.required("fleetgate.regions.na.base-url"),
                settings.required("fleetgate.regions.eu.base-url"),
                settings.required("fleetgate.regions.cn.base-url"));

        registry.bind("accountStore", accounts);
        registry.bind("regionalBaseUrls", baseUrls);
        ClientAddressResolver clientAddresses = new ClientAddressResolver(settings.list("fleetgate.ingress.trusted-proxies"));
        registry.bind("incomingRequest",
                new IncomingRequest(settings.longValue("fleetgate.ingress.max-body-bytes"), clientAddresses, clock));
        registry.bind("gatewayTokenCheck", new GatewayTokenCheck(accounts, clock));
        registry.bind("requestClassifier", new RequestClassifier(new FleetApiCatalog()));
        registry.bind("upstreamRequest", new UpstreamRequest(settings.required("fleetgate.upstream.user-agent")));
        registry.bind("regionRelearning", new RegionRelearning(new MisdirectedRequests(baseUrls), accounts));
        String defaultRegion = settings.required("fleetgate.regions.default");
        registry.bind("errorResponses", new ErrorResponses(defaultRegion));
        IngressGuard guard = new IngressGuard(settings.longValue("fleetgate.ingress.max-body-bytes"), () -> defaultRegion);
        context.addStartupListener(new IngressGuardInstaller(guard, (int) settings.longValue("camel.server.port")));
        bindCommands(context, settings, accounts, clock);
    }

    /** The command stage: ledger of results, lanes, wake-up memory, retry policy. */
    private static void bindCommands(CamelContext context, Settings settings, AccountStore accounts, Clock clock)
            throws Exception {
        Registry registry = context.getRegistry();
        CommandLedger ledger = new CommandLedger(settings.required("fleetgate.kafka.bootstrap-servers"),
                settings.required("fleetgate.topics.command-results"),
                (int) settings.longValue("fleetgate.commands.remembered-results"));
        context.addService(ledger, true, true);
        VirtualThreadScheduler scheduler = new VirtualThreadScheduler("fleetgate-command");
        registry.bind("commandScheduler", scheduler);
        CommandResults results = new CommandResults(clock, context.createProducerTemplate(),
                "kafka:" + settings.required("fleetgate.topics.command-results"));
        CommandIntake intake = new CommandIntake(ledger, results, scheduler, clock, Duration.ofMinutes(2));
        registry.bind("commandLedger", ledger);
        registry.bind("commandResults", results);
        registry.bind("commandIntake", intake);
        registry.bind("restCommands", new RestCommands(ledger, settings.duration("fleetgate.commands.reply-timeout-ms")));
        registry.bind("commandChecks", new CommandChecks(accounts, new FleetApiCatalog(),
                context.getRegistry().lookupByNameAndType("gatewayTokenCheck", GatewayTokenCheck.class)));
        registry.bind("commandCalls", new CommandCalls());
        registry.bind("vehicleStates", new VehicleStates(clock, settings.duration("fleetgate.wake.state-cache-ms")));
        registry.bind("retryPolicy", new RetryPolicy(clock, (int) settings.longValue("fleetgate.retries.max"),
                settings.duration("fleetgate.retries.budget-ms"), settings.duration("fleetgate.retries.initial-backoff-ms")));
        context.addStartupListener(new CommandIntakeStarter(intake, ledger));
    }
}
