package io.fleetgate.app;

import io.fleetgate.ingress.EnergySiteLimit;
import io.fleetgate.limits.AdminAuthLimit;
import io.fleetgate.limits.ClientAddressResolver;
import io.fleetgate.limits.FailurePolicy;
import io.fleetgate.limits.InMemorySlidingWindowLimiter;
import io.fleetgate.limits.RateLimitGate;
import io.fleetgate.limits.RateLimitOverrides;
import io.fleetgate.limits.RateLimitPolicy;
import io.fleetgate.limits.RateLimits;
import io.fleetgate.limits.RedisSlidingWindowLimiter;
import io.fleetgate.limits.ResilientLimiter;
import io.fleetgate.limits.SlidingWindowLimiter;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The rate limits (fleetgate.limits.*): one limiter, bound as {@code rateLimiter} for its
 * counters, behind the per-IP and per-site gate ({@code rateLimitGate}) and the admin API's limit
 * of failed authentications ({@code adminAuthLimit}). The memory backend's clock is the registry's
 * {@code rateLimitClock} when one is bound (tests bind a clock they move by hand with
 * {@code camel.beans.rateLimitClock}), else the system's; Redis's windows run on the Redis server's clock.
 */
final class LimitsConfiguration {
    private LimitsConfiguration() {}

    static RateLimitGate bind(CamelContext context, Settings settings, ClientAddressResolver clientAddresses) throws Exception {
        Registry registry = context.getRegistry();
        Clock clock = Optional.ofNullable(registry.lookupByNameAndType("rateLimitClock", Clock.class)).orElse(Clock.systemUTC());
        Duration window = Duration.ofSeconds(settings.longValue("fleetgate.limits.window-seconds"));
        String backend = settings.required("fleetgate.limits.backend");
        SlidingWindowLimiter limiter = switch (backend) {
            case "memory" -> new InMemorySlidingWindowLimiter(clock);
            case "redis" -> {
                RedisSlidingWindowLimiter redis = RedisSlidingWindowLimiter.connect(
                        URI.create(settings.required("fleetgate.limits.redis.url")),
                        settings.duration("fleetgate.limits.redis.timeout-ms"),
                        (int) settings.longValue("fleetgate.limits.redis.max-connections"),
                        settings.required("fleetgate.limits.redis.key-prefix"));
                registry.bind("redisRateLimiter", redis);
                context.addService(new ServiceSupport() {
                    @Override
                    protected void doStop() {
                        redis.close();
                    }
                });
                yield new ResilientLimiter(redis,
                        FailurePolicy.fromSetting(settings.optional("fleetgate.limits.failure-policy").orElse(null)), clock);
            }
            default -> throw new StartupFailure(FleetgateConfiguration.limitsBackendUnknown(backend));
        };
        registry.bind("rateLimiter", limiter);
        registry.bind("clientAddresses", clientAddresses);
        RateLimits defaults = new RateLimits((int) settings.longValue("fleetgate.limits.ip.per-window"),
                (int) settings.longValue("fleetgate.limits.site.per-window"));
        RateLimitPolicy policy = new RateLimitPolicy(limiter, window, defaults,
                RateLimitOverrides.perIpByNetwork(settings.list("fleetgate.limits.ip.overrides")),
                RateLimitOverrides.perSiteByAccount(settings.list("fleetgate.limits.account-overrides")));
        RateLimitGate gate = new RateLimitGate(policy, window);
        registry.bind("rateLimitGate", gate);
        registry.bind("energySiteLimit", new EnergySiteLimit(gate));
        registry.bind("adminAuthLimit", new AdminAuthLimit(limiter, gate,
                (int) settings.longValue("fleetgate.limits.admin.failed-auth-per-window"), window, clock));
        return gate;
    }
}
