package io.fleetgate.limits;

import java.util.Locale;

/** What to do with a request when the rate limiter's store cannot be reached. */
public enum FailurePolicy {
    /** Let the request through uncounted: an outage of Redis is not an outage of the gateway. */
    FAIL_OPEN,
    /** Refuse the request: no request passes unless it was counted. */
    FAIL_CLOSED;

    /** Reads a setting such as {@code fail-open} or {@code FAIL_CLOSED}; unset means fail-open. */
    public static FailurePolicy fromSetting(String value) {
        if (value == null || value.isBlank()) {
            return FAIL_OPEN;
        }
        return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
