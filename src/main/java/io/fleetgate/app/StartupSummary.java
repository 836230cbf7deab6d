package io.fleetgate.app;

import io.vertx.core.Vertx;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line once Fleetgate takes requests: where it listens and the settings that shape it. Never
 * a token, key, secret or credential: only ports, hosts, modes and limits.
 */
final class StartupSummary extends MainListenerSupport {
    private static final Logger LOG = LoggerFactory.getLogger(StartupSummary.class);

    private final KafkaSetup kafka;

    StartupSummary(KafkaSetup kafka) {
        this.kafka = kafka;
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        boolean epoll = main.getCamelContext().hasServices(VertxPlatformHttpServer.class).stream()
                .map(VertxPlatformHttpServer::getVertx).filter(Objects::nonNull).anyMatch(Vertx::isNativeTransportEnabled);
        LOG.info("{}", line(main.getCamelContext().getPropertiesComponent(), kafka, epoll));
    }

    /** @param epoll whether the HTTP server's Vert.x polls with Linux's epoll (fleetgate.http.native-transport) */
    static String line(PropertiesComponent properties, KafkaSetup kafka, boolean epoll) {
        List<String> parts = new ArrayList<>();
        parts.add("API on " + get(properties, "camel.server.host", "0.0.0.0") + ":" + get(properties, "camel.server.port", "?")
                + (epoll ? " (epoll)" : " (JDK selector)"));
        if (Boolean.parseBoolean(get(properties, "camel.management.enabled", "false"))) {
            parts.add("health and metrics on " + get(properties, "camel.management.host", "0.0.0.0") + ":"
                    + get(properties, "camel.management.port", "?"));
        }
        parts.add(kafka.embeddedDataDir()
                .map(dir -> "Kafka embedded at " + kafka.bootstrapServers() + " (data in " + dir.toAbsolutePath().normalize() + ")")
                .orElseGet(() -> "Kafka at " + kafka.bootstrapServers()));
        parts.add("regions na " + hostOf(get(properties, "fleetgate.regions.na.base-url", "?"))
                + ", eu " + hostOf(get(properties, "fleetgate.regions.eu.base-url", "?"))
                + ", cn " + hostOf(get(properties, "fleetgate.regions.cn.base-url", "?")));
        parts.add("limits in " + get(properties, "fleetgate.limits.backend", "?") + " ("
                + get(properties, "fleetgate.limits.ip.per-window", "?") + " per IP, "
                + get(properties, "fleetgate.limits.site.per-window", "?") + " per energy site, per "
                + get(properties, "fleetgate.limits.window-seconds", "?") + " s)");
        parts.add("signing " + (get(properties, "fleetgate.vcp.private-key-file", "").isEmpty() ? "off" : "on"));
        parts.add("routes from " + Preflight.routesFolder(properties).map(Object::toString).orElse(Preflight.PACKAGED_ROUTES));
        parts.add("topics from " + get(properties, "fleetgate.kafka.topics-file", KafkaTopics.PACKAGED));
        return "Fleetgate ready: " + String.join("; ", parts);
    }

    /** Scheme, host and port only: a URL's user part or query could carry a credential. */
    private static String hostOf(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getHost() == null) {
                return "?";
            }
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException notAUrl) {
            return "?";
        }
    }

    private static String get(PropertiesComponent properties, String key, String otherwise) {
        return Preflight.setting(properties, key).orElse(otherwise);
    }
}
