package io.fleetgate.app;

import java.util.Optional;
import org.apache.camel.CamelContext;

/** Typed reads of Fleetgate's settings through Camel's property placeholders. */
final class Settings {
    private final CamelContext context;

    Settings(CamelContext context) {
        this.context = context;
    }

    String required(String key) {
        return optional(key).orElseThrow(() -> new StartupFailure("setting " + key + " is required"));
    }

    Optional<String> optional(String key) {
        return context.getPropertiesComponent().resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** A comma-separated list; empty when the setting is blank. */
    java.util.List<String> list(String key) {
        return optional(key).map(v -> java.util.Arrays.stream(v.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList()).orElse(java.util.List.of());
    }

    /** A duration given in milliseconds. */
    java.time.Duration duration(String key) {
        return java.time.Duration.ofMillis(longValue(key));
    }

    long longValue(String key) {
        String value = required(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new StartupFailure("setting " + key + " must be a whole number, got: " + value);
        }
    }
}
