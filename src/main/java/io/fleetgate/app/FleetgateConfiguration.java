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
import java.time.Clock;
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
    }
}
