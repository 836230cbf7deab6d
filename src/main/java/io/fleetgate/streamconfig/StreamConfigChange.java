package io.fleetgate.streamconfig;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * A vehicle's streaming config changed through Fleetgate: the body that
 * {@code direct:stream-config-changed} receives, from which the streaming stage makes its
 * {@code config} event ({@code {"config":{"fields":{...}}}}, streaming.md 3.2).
 *
 * @param vin       the vehicle
 * @param accountId the account that changed it
 * @param config    the config the vehicle now holds, as Fleetgate signed it (hostname, port, ca,
 *                  fields, alert_types, exp, ...); empty when it was deleted
 */
public record StreamConfigChange(String vin, String accountId, Optional<ObjectNode> config) {
    public StreamConfigChange {
        config = config.map(ObjectNode::deepCopy);
    }

    @Override
    public Optional<ObjectNode> config() {
        return config.map(ObjectNode::deepCopy);
    }

    /** The config's fields ({@code {<Field>: {interval_seconds, ...}}}); empty once deleted. */
    public ObjectNode fields() {
        return config.map(c -> c.path("fields").isObject() ? ((ObjectNode) c.get("fields")).deepCopy()
                : c.objectNode()).orElseGet(() -> com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
    }
}
