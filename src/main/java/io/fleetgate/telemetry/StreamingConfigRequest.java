package io.fleetgate.telemetry;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A caller's streaming config once checked against the catalogue: every field named, with its
 * interval settled (a {@code null} field took the default); {@code prefer_typed} and
 * {@code delivery_policy} as the caller gave them.
 */
public record StreamingConfigRequest(
        Map<String, FieldSetting> fields, Optional<Boolean> preferTyped, Optional<String> deliveryPolicy) {

    public StreamingConfigRequest {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The {@code fields} object of a Fleet API config. */
    public ObjectNode fieldsJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        fields.forEach((name, setting) -> {
            ObjectNode field = json.putObject(name).put("interval_seconds", setting.intervalSeconds());
            setting.resendIntervalSeconds().ifPresent(seconds -> field.put("resend_interval_seconds", seconds));
            setting.minimumDelta().ifPresent(delta -> field.put("minimum_delta", delta));
        });
        return json;
    }
}
