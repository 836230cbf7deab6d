package io.fleetgate.telemetry;

import java.util.OptionalDouble;
import java.util.OptionalInt;

/** How often one field is sent: on change at most every {@code intervalSeconds}, and the optional extras. */
public record FieldSetting(int intervalSeconds, OptionalInt resendIntervalSeconds, OptionalDouble minimumDelta) {
    public static FieldSetting every(int intervalSeconds) {
        return new FieldSetting(intervalSeconds, OptionalInt.empty(), OptionalDouble.empty());
    }
}
