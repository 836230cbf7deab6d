package io.fleetgate.telemetry;

import java.util.Locale;

/**
 * How fleet-telemetry encodes its records' values: protobuf bytes (its default), or protojson
 * when it runs with {@code transmit_decoded_records: true} (setting {@code fleetgate.telemetry.format}).
 */
public enum TelemetryFormat {
    PROTOBUF, JSON;

    public static TelemetryFormat ofSetting(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "protobuf" -> PROTOBUF;
            case "json", "protojson" -> JSON;
            default -> throw new IllegalArgumentException(
                    "setting fleetgate.telemetry.format must be protobuf or json, got: " + value);
        };
    }
}
