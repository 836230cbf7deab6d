package io.fleetgate.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.telemetry.StreamingConfigException.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Checks a caller's streaming config ({@code {fields, prefer_typed?, delivery_policy?}}, the
 * body of Teslemetry's {@code /api/config/{vin}}) against the field catalogue, and reports every
 * problem at once, each naming its field. The telemetry host, port and CA are Fleetgate's
 * settings, so a caller may not send them.
 */
public final class StreamingConfigValidator {
    private static final Set<String> DELIVERY_POLICIES = Set.of("latest", "no_retry");
    private static final Set<String> SET_BY_FLEETGATE = Set.of("hostname", "port", "ca");
    private static final Set<String> FIELD_KEYS = Set.of("interval_seconds", "resend_interval_seconds", "minimum_delta");

    private final FieldCatalogue catalogue;

    public StreamingConfigValidator(FieldCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    public StreamingConfigRequest validate(JsonNode request) throws StreamingConfigException {
        List<Problem> problems = new ArrayList<>();
        if (request == null || !request.isObject()) {
            throw new StreamingConfigException(List.of(new Problem("body", "the config must be a JSON object")));
        }
        Map<String, FieldSetting> fields = new LinkedHashMap<>();
        Optional<Boolean> preferTyped = Optional.empty();
        Optional<String> deliveryPolicy = Optional.empty();
        for (Map.Entry<String, JsonNode> entry : (Iterable<Map.Entry<String, JsonNode>>) request::fields) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            switch (key) {
                case "fields" -> fields(value, fields, problems);
                case "prefer_typed" -> {
                    if (value.isBoolean()) {
                        preferTyped = Optional.of(value.booleanValue());
                    } else {
                        problems.add(new Problem(key, "prefer_typed must be true or false"));
                    }
                }
                case "delivery_policy" -> {
                    if (value.isTextual() && DELIVERY_POLICIES.contains(value.textValue())) {
                        deliveryPolicy = Optional.of(value.textValue());
                    } else {
                        problems.add(new Problem(key, "delivery_policy must be \"latest\" or \"no_retry\""));
                    }
                }
                default -> problems.add(new Problem(key, SET_BY_FLEETGATE.contains(key)
                        ? key + " is set by Fleetgate, not by callers"
                        : "unknown config key " + key));
            }
        }
        if (!problems.isEmpty()) {
            throw new StreamingConfigException(problems);
        }
        return new StreamingConfigRequest(fields, preferTyped, deliveryPolicy);
    }

    private void fields(JsonNode value, Map<String, FieldSetting> fields, List<Problem> problems) {
        if (!value.isObject()) {
            problems.add(new Problem("fields", "fields must be an object of field name to settings"));
            return;
        }
        value.fields().forEachRemaining(entry -> {
            String name = entry.getKey();
            Optional<FieldSpec> spec = catalogue.field(name);
            if (spec.isEmpty()) {
                problems.add(new Problem(name, "unknown field " + name));
            } else {
                setting(spec.get(), entry.getValue(), problems).ifPresent(setting -> fields.put(name, setting));
            }
        });
    }

    /** null asks for the field's default interval, as Teslemetry's PATCH does. */
    private static Optional<FieldSetting> setting(FieldSpec spec, JsonNode value, List<Problem> problems) {
        String name = spec.name();
        if (value.isNull()) {
            return Optional.of(FieldSetting.every(spec.defaultInterval()));
        }
        if (!value.isObject()) {
            problems.add(new Problem(name, name + " must be null or an object with interval_seconds"));
            return Optional.empty();
        }
        int before = problems.size();
        value.fieldNames().forEachRemaining(key -> {
            if (!FIELD_KEYS.contains(key)) {
                problems.add(new Problem(name, name + " has an unknown setting " + key));
            }
        });
        int interval = spec.defaultInterval();
        JsonNode intervalNode = value.get("interval_seconds");
        if (intervalNode != null && !intervalNode.isNull()) {
            OptionalInt seconds = wholeSeconds(intervalNode);
            if (seconds.isEmpty()) {
                problems.add(new Problem(name, name + ": interval_seconds must be a whole number of seconds"));
            } else if (seconds.getAsInt() < spec.minInterval()) {
                problems.add(new Problem(name, name + ": interval_seconds " + seconds.getAsInt()
                        + " is below the minimum of " + spec.minInterval()));
            } else if (seconds.getAsInt() > spec.maxInterval()) {
                problems.add(new Problem(name, name + ": interval_seconds " + seconds.getAsInt()
                        + " is above the maximum of " + spec.maxInterval()));
            } else {
                interval = seconds.getAsInt();
            }
        }
        OptionalInt resend = OptionalInt.empty();
        JsonNode resendNode = value.get("resend_interval_seconds");
        if (resendNode != null && !resendNode.isNull()) {
            resend = wholeSeconds(resendNode);
            if (resend.isEmpty() || resend.getAsInt() < spec.minResendInterval()) {
                problems.add(new Problem(name, name + ": resend_interval_seconds must be a whole number of seconds, at least "
                        + spec.minResendInterval()));
            }
        }
        OptionalDouble delta = OptionalDouble.empty();
        JsonNode deltaNode = value.get("minimum_delta");
        if (deltaNode != null && !deltaNode.isNull()) {
            if (!spec.takesMinimumDelta()) {
                problems.add(new Problem(name, name + " takes no minimum_delta"));
            } else if (!deltaNode.isNumber() || deltaNode.doubleValue() < 0) {
                problems.add(new Problem(name, name + ": minimum_delta must be a number, at least 0"));
            } else {
                delta = OptionalDouble.of(deltaNode.doubleValue());
            }
        }
        return problems.size() > before ? Optional.empty() : Optional.of(new FieldSetting(interval, resend, delta));
    }

    private static OptionalInt wholeSeconds(JsonNode node) {
        if (!node.isNumber()) {
            return OptionalInt.empty();
        }
        double value = node.doubleValue();
        if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) value);
    }
}
