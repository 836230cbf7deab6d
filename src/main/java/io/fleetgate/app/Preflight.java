package io.fleetgate.app;

import io.fleetgate.account.TokenCipher;
import io.fleetgate.sim.SimulatorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Before anything starts: the routes come from {@code fleetgate.routes-dir} when it names a
 * folder (else from the jar), the settings most often missing or mistyped are usable, and, for
 * {@code java -jar}, every port Fleetgate is about to listen on is free. Each of these is then
 * one clear line within a second or two, not a half-started process.
 */
final class Preflight extends MainListenerSupport {
    static final String PACKAGED_ROUTES = "classpath:routes";
    /** application.properties' camel.main.routes-include-pattern: the packaged routes. */
    static final String PACKAGED_ROUTES_PATTERN = PACKAGED_ROUTES + "/*.camel.yaml";
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?\\d+");

    private final boolean checkPorts;
    private final boolean demo;

    Preflight(boolean checkPorts, boolean demo) {
        this.checkPorts = checkPorts;
        this.demo = demo;
    }

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
        Optional<Path> folder = routesFolder(properties);
        if (folder.isPresent()) {
            properties.addOverrideProperty("camel.main.routes-include-pattern", "file:" + folder.get() + "/*.camel.yaml");
        } else if (setting(properties, "camel.main.routes-include-pattern").filter(PACKAGED_ROUTES_PATTERN::equals).isPresent()) {
            packagedRoutes().ifPresent(routes -> properties.addOverrideProperty("camel.main.routes-include-pattern", routes));
        }
        main.getCamelContext().getRegistry().bind(PackagedRoutesLoader.NAME, new PackagedRoutesLoader());
        checkSettings(properties);
        if (checkPorts) {
            checkPorts(properties);
        }
    }

    /**
     * Settings Fleetgate's beans would refuse only once the Kafka broker is up, refused at once:
     * the token encryption key, the numbers and flags (typed by their shipped defaults), the
     * limits backend.
     */
    private void checkSettings(PropertiesComponent properties) {
        if (!demo) {
            // demo mode makes and keeps a key of its own
            String key = setting(properties, AccountsConfiguration.TOKEN_KEY)
                    .orElseThrow(() -> new StartupFailure(AccountsConfiguration.TOKEN_KEY_REQUIRED));
            try {
                TokenCipher.fromSetting(key);
            } catch (IllegalArgumentException e) {
                throw new StartupFailure("setting " + AccountsConfiguration.TOKEN_KEY + " is not usable: " + e.getMessage()
                        + " (openssl rand -base64 32)");
            }
        }
        checkTypes(properties);
        String backend = setting(properties, "fleetgate.limits.backend").orElse("memory");
        if (!backend.equals("memory") && !backend.equals("redis")) {
            throw new StartupFailure(FleetgateConfiguration.limitsBackendUnknown(backend));
        }
    }

    /**
     * The packaged route files, named one by one ({@code classpath:routes/a.camel.yaml,...}), as
     * listed in the jar (or the classes folder) Fleetgate runs from. Camel looks for a pattern's
     * files in every jar of the class path, and twice per start (its modelines, then the routes):
     * about 0.3 s of a start's main thread on 2 cores. Empty when they cannot be listed: Camel's
     * pattern then.
     */
    static Optional<String> packagedRoutes() {
        try {
            return packagedRoutes(Path.of(Preflight.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@link #packagedRoutes()} of a jar or classes folder. */
    static Optional<String> packagedRoutes(Path source) {
        try {
            List<String> names;
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.list(source.resolve("routes"))) {
                    names = files.map(file -> file.getFileName().toString()).toList();
                }
            } else {
                try (JarFile jar = new JarFile(source.toFile())) {
                    names = jar.stream().map(JarEntry::getName).filter(name -> name.startsWith("routes/"))
                            .map(name -> name.substring("routes/".length())).toList();
                }
            }
            List<String> routes = names.stream().filter(name -> name.endsWith(".camel.yaml") && !name.contains("/")).sorted()
                    .map(name -> PACKAGED_ROUTES + "/" + name).toList();
            return routes.isEmpty() ? Optional.empty() : Optional.of(String.join(",", routes));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
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

    /** A setting whose shipped default is a whole number (or true/false) must still be one. */
    private static void checkTypes(PropertiesComponent properties) {
        Properties defaults = new Properties();
        try (InputStream in = Preflight.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in == null) {
                return;
            }
            defaults.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String key : new TreeSet<>(defaults.stringPropertyNames())) {
            String shipped = defaults.getProperty(key).trim();
            boolean number = WHOLE_NUMBER.matcher(shipped).matches();
            boolean flag = shipped.equals("true") || shipped.equals("false");
            if (!number && !flag) {
                continue;
            }
            String value = setting(properties, key).orElse("");
            if (number && !WHOLE_NUMBER.matcher(value).matches()) {
                throw new StartupFailure("setting " + key + " must be a whole number, got: " + (value.isEmpty() ? "nothing" : value));
            }
            if (flag && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                throw new StartupFailure("setting " + key + " must be true or false, got: " + (value.isEmpty() ? "nothing" : value));
            }
        }
    }

    private void checkPorts(PropertiesComponent properties) {
        if (flag(properties, "camel.server.enabled")) {
            requireFree(properties, host(properties, "camel.server.host"), "camel.server.port", "the REST API");
        }
        if (flag(properties, "camel.management.enabled")) {
            requireFree(properties, host(properties, "camel.management.host"), "camel.management.port",
                    "health and metrics");
        }
        if (setting(properties, "fleetgate.kafka.bootstrap-servers").isEmpty()) {
            requireFree(properties, "127.0.0.1", "fleetgate.kafka.embedded.port", "the embedded Kafka broker");
            requireFree(properties, "127.0.0.1", "fleetgate.kafka.embedded.controller-port", "the embedded Kafka controller");
        }
        if (demo) {
            int first = port(properties, DemoSetup.SIMULATOR_PORT);
            for (int i = 0; first != 0 && i < 4; i++) {
                requireFree(SimulatorConfig.LOOPBACK, first + i, DemoSetup.SIMULATOR_PORT,
                        "the demo's Fleet API simulator, which takes it and the next three");
            }
        }
    }

    private static void requireFree(PropertiesComponent properties, String host, String key, String what) {
        requireFree(host, port(properties, key), key, what);
    }

    private static void requireFree(String host, int port, String key, String what) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw portInUse(port, key, what);
        } catch (IOException e) {
            throw new StartupFailure("cannot listen on " + host + ":" + port + " (" + key + ", " + what + "): " + e.getMessage());
        }
    }

    /** The one line for a port Fleetgate is to listen on that something else holds. */
    static StartupFailure portInUse(int port, String key, String what) {
        return new StartupFailure("port " + port + " (" + key + ", " + what + ") is already in use: stop what holds it,"
                + " or set " + key + " to a free port");
    }

    static int port(PropertiesComponent properties, String key) {
        return (int) wholeNumber(properties, key, "0", 0, 65535, "a port number (0 to 65535)");
    }

    /**
     * A whole-number setting from {@code min} to {@code max} ({@code fallback} when unset); else a
     * start failure saying it must be {@code expected}.
     */
    static long wholeNumber(PropertiesComponent properties, String key, String fallback, long min, long max, String expected) {
        String value = setting(properties, key).orElse(fallback);
        try {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw new StartupFailure("setting " + key + " must be " + expected + ", got: " + value);
    }

    private static String host(PropertiesComponent properties, String key) {
        return setting(properties, key).orElse("0.0.0.0");
    }

    private static boolean flag(PropertiesComponent properties, String key) {
        return Boolean.parseBoolean(setting(properties, key).orElse("false"));
    }

    static Optional<String> setting(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }
}
