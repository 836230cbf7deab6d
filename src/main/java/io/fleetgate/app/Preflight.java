package io.fleetgate.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Before anything starts: the routes come from {@code fleetgate.routes-dir} when it names a
 * folder (else from the jar).
 */
final class Preflight extends MainListenerSupport {
    static final String PACKAGED_ROUTES = "classpath:routes";

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
        routesFolder(properties).ifPresent(folder ->
                properties.addOverrideProperty("camel.main.routes-include-pattern", "file:" + folder + "/*.camel.yaml"));
    }

    /** The folder of {@code fleetgate.routes-dir}, checked to hold routes; empty: the packaged routes. */
    static Optional<Path> routesFolder(PropertiesComponent properties) {
        Optional<String> setting = setting(properties, "fleetgate.routes-dir");
        if (setting.isEmpty() || setting.get().equals(PACKAGED_ROUTES)) {
            return Optional.empty();
        }
        Path folder = Path.of(setting.get().replaceFirst("^file:", "")).toAbsolutePath().normalize();
        if (!Files.isDirectory(folder)) {
            throw new StartupFailure("the routes folder " + folder + " (fleetgate.routes-dir) does not exist: mount your"
                    + " routes there, or leave fleetgate.routes-dir empty for the routes packaged in the jar");
        }
        try (Stream<Path> files = Files.list(folder)) {
            if (files.noneMatch(f -> f.getFileName().toString().endsWith(".camel.yaml"))) {
                throw new StartupFailure("the routes folder " + folder + " (fleetgate.routes-dir) holds no *.camel.yaml file:"
                        + " copy the packaged routes (routes/ in the repository) there, or leave fleetgate.routes-dir empty");
            }
        } catch (IOException e) {
            throw new StartupFailure("cannot read the routes folder " + folder + " (fleetgate.routes-dir): " + e.getMessage(), e);
        }
        return Optional.of(folder);
    }

    static Optional<String> setting(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }
}
