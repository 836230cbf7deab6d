package io.fleetgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every setting the chart hands the app names a setting that exists: a FLEETGATE_* variable maps
 * to a key of application.properties (or to one of the settings later steps add, or is one the
 * launcher bin/fleetgate reads), and every
 * camel.* key is an option Camel documents. A typo would otherwise be ignored silently.
 */
class SettingsNamesTest {

    /** Settings the chart already passes for features the app gains in later steps. */
    private static final Set<String> LATER_SETTINGS = Set.of(
            "fleetgate.vcp.domain",
            "fleetgate.vcp.private-key-file");

    static Stream<Arguments> valueSets() {
        return Stream.of(
                Arguments.of("default values", RenderedChart.defaults()),
                Arguments.of("production values", RenderedChart.production()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void fleetgateVariablesNameKnownSettings(String values, RenderedChart chart) throws IOException {
        Map<String, String> known = new HashMap<>();
        Properties application = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("application.properties")) {
            application.load(in);
        }
        application.stringPropertyNames().forEach(key -> known.put(envName(key), key));
        LATER_SETTINGS.forEach(key -> known.put(envName(key), key));
        // the launcher's own variables (the image's entry point reads them before the JVM starts)
        java.util.regex.Matcher launcher = java.util.regex.Pattern.compile("\\bFLEETGATE_[A-Z_]+")
                .matcher(java.nio.file.Files.readString(java.nio.file.Path.of("bin/fleetgate")));
        while (launcher.find()) {
            known.put(launcher.group(), "bin/fleetgate");
        }

        Set<String> variables = new HashSet<>(chart.settingsEnvironment().keySet());
        chart.container().path("env").forEach(e -> variables.add(e.path("name").asText()));
        variables.removeIf(name -> !name.startsWith("FLEETGATE_"));

        assertThat(variables).isNotEmpty().allSatisfy(name -> assertThat(known).as("setting for %s", name).containsKey(name));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void camelKeysAreOptionsCamelKnows(String values, RenderedChart chart) {
        Set<String> keys = new HashSet<>(chart.camelProperties().stringPropertyNames());
        // the secret options are files named after their key
        for (JsonNode source : chart.volume("camel-secrets").path("projected").path("sources")) {
            source.path("secret").path("items").forEach(item -> keys.add(item.path("path").asText()));
        }

        assertThat(keys).isNotEmpty().allSatisfy(key -> assertThat(camelKnows(key)).as("Camel option %s", key).isTrue());
    }

    /** fleetgate.limits.ip.per-window -> FLEETGATE_LIMITS_IP_PER_WINDOW, as Camel's placeholders look it up. */
    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static boolean camelKnows(String key) {
        if (key.startsWith("camel.component.")) {
            String rest = key.substring("camel.component.".length());
            String component = rest.substring(0, rest.indexOf('.'));
            JsonNode metadata = json("META-INF/org/apache/camel/component/" + component + "/" + component + ".json");
            return metadata.path("componentProperties").has(camelCase(rest.substring(component.length() + 1)));
        }
        JsonNode main = json("META-INF/camel-main-configuration-metadata.json");
        String group = key.substring(0, key.lastIndexOf('.') + 1);
        String wanted = group + camelCase(key.substring(group.length()));
        for (JsonNode property : main.path("properties")) {
            if (property.path("name").asText().equalsIgnoreCase(wanted)) {
                return true;
            }
        }
        return false;
    }

    private static String camelCase(String kebab) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    private static JsonNode json(String resource) {
        try (InputStream in = SettingsNamesTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError("no Camel metadata " + resource + " on the classpath");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
