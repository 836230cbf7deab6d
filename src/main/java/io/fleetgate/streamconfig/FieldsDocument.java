package io.fleetgate.streamconfig;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.telemetry.FieldCatalogue;
import io.fleetgate.telemetry.FieldSpec;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * {@code GET /fields.json} and {@code GET /api/fields}: every field a vehicle can stream, in
 * Teslemetry's {@code fields.json} shape (streaming.md 3.3): field name to {@code type},
 * {@code interval_seconds {default, min, max}}, {@code resend_interval_seconds {min}},
 * {@code minimum_delta {min}} (only where the field takes one), {@code scopes} (what a caller
 * needs to configure and receive it) and {@code version} (its first firmware). The limits are
 * the ones {@code /api/config/{vin}} holds requests to. Public, as Teslemetry's is; written once.
 */
public final class FieldsDocument {
    private final String document;
    private final String defaultRegion;

    public FieldsDocument(FieldCatalogue catalogue, String defaultRegion) {
        this.document = build(catalogue).toString();
        this.defaultRegion = defaultRegion;
    }

    static ObjectNode build(FieldCatalogue catalogue) {
        ObjectNode fields = Answers.JSON.createObjectNode();
        for (FieldSpec spec : catalogue.fields()) {
            ObjectNode field = fields.putObject(spec.name());
            field.put("type", spec.type());
            field.putObject("interval_seconds").put("default", spec.defaultInterval()).put("min", spec.minInterval())
                    .put("max", spec.maxInterval());
            field.putObject("resend_interval_seconds").put("min", spec.minResendInterval());
            if (spec.takesMinimumDelta()) {
                field.putObject("minimum_delta").put("min", 0);
            }
            ArrayNode scopes = field.putArray("scopes");
            spec.scopes().stream().sorted().forEach(scopes::add);
            if (spec.firmware() != null) {
                field.put("version", spec.firmware());
            }
        }
        return fields;
    }

    public void answer(Exchange exchange) {
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setHeader("x-region", defaultRegion);
        out.setBody(document);
    }
}
