package io.fleetgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.telemetry.StreamingConfigException.Problem;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** A caller's streaming config checked against the catalogue before Fleetgate signs it. */
class StreamingConfigValidatorTest {
    private static final ObjectMapper MAPPER = JsonMappers.newMapper();
    private final StreamingConfigValidator validator = new StreamingConfigValidator(FieldCatalogue.load());

    @Test
    void acceptsAConfigAndGivesANullFieldItsDefault() throws Exception {
        StreamingConfigRequest config = validate("""
                {"fields":{"BatteryLevel":{"interval_seconds":30,"minimum_delta":0.5},"Location":null,
                           "DetailedChargeState":{"interval_seconds":1,"resend_interval_seconds":300},
                           "Odometer":{}},
                 "prefer_typed":true,"delivery_policy":"latest"}
                """);
        assertThat(config.fields()).containsExactly(
                entry("BatteryLevel", new FieldSetting(30, OptionalInt.empty(), OptionalDouble.of(0.5))),
                entry("Location", FieldSetting.every(1)),
                entry("DetailedChargeState", new FieldSetting(1, OptionalInt.of(300), OptionalDouble.empty())),
                entry("Odometer", FieldSetting.every(60)));
        assertThat(config.preferTyped()).contains(true);
        assertThat(config.deliveryPolicy()).contains("latest");
        assertThat(config.fieldsJson().toString()).isEqualTo("{\"BatteryLevel\":{\"interval_seconds\":30,"
                + "\"minimum_delta\":0.5},\"Location\":{\"interval_seconds\":1},\"DetailedChargeState\":"
                + "{\"interval_seconds\":1,\"resend_interval_seconds\":300},\"Odometer\":{\"interval_seconds\":60}}");
    }

    @Test
    void refusesAnUnknownFieldByName() {
        assertProblems("{\"fields\":{\"BatteryLvl\":{\"interval_seconds\":60},\"Experimental_1\":null}}",
                new Problem("BatteryLvl", "unknown field BatteryLvl"),
                new Problem("Experimental_1", "unknown field Experimental_1"));
    }

    @Test
    void refusesAnIntervalBelowTheFieldsMinimumByName() {
        assertProblems("{\"fields\":{\"BatteryLevel\":{\"interval_seconds\":5},\"ACChargingPower\":{\"interval_seconds\":30}}}",
                new Problem("BatteryLevel", "BatteryLevel: interval_seconds 5 is below the minimum of 10"),
                new Problem("ACChargingPower", "ACChargingPower: interval_seconds 30 is below the minimum of 60"));
        assertProblems("{\"fields\":{\"Locked\":{\"interval_seconds\":0}}}",
                new Problem("Locked", "Locked: interval_seconds 0 is below the minimum of 1"));
    }

    @Test
    void refusesAnIntervalAboveTheMaximumOrNotWholeSeconds() {
        assertProblems("{\"fields\":{\"Odometer\":{\"interval_seconds\":21601}}}",
                new Problem("Odometer", "Odometer: interval_seconds 21601 is above the maximum of 21600"));
        assertProblems("{\"fields\":{\"Odometer\":{\"interval_seconds\":1.5}}}",
                new Problem("Odometer", "Odometer: interval_seconds must be a whole number of seconds"));
        assertProblems("{\"fields\":{\"Odometer\":{\"interval_seconds\":\"60\"}}}",
                new Problem("Odometer", "Odometer: interval_seconds must be a whole number of seconds"));
    }

    @Test
    void refusesMisusedResendAndDeltaSettings() {
        assertProblems("{\"fields\":{\"Locked\":{\"interval_seconds\":1,\"minimum_delta\":1}}}",
                new Problem("Locked", "Locked takes no minimum_delta"));
        assertProblems("{\"fields\":{\"Odometer\":{\"interval_seconds\":60,\"minimum_delta\":-1}}}",
                new Problem("Odometer", "Odometer: minimum_delta must be a number, at least 0"));
        assertProblems("{\"fields\":{\"Gear\":{\"interval_seconds\":1,\"resend_interval_seconds\":0}}}",
                new Problem("Gear", "Gear: resend_interval_seconds must be a whole number of seconds, at least 1"));
        assertProblems("{\"fields\":{\"Gear\":{\"interval_seconds\":1,\"every\":2}}}",
                new Problem("Gear", "Gear has an unknown setting every"));
        assertProblems("{\"fields\":{\"Gear\":5}}",
                new Problem("Gear", "Gear must be null or an object with interval_seconds"));
    }

    @Test
    void passesPreferTypedAndDeliveryPolicyThroughAndChecksTheirShape() throws Exception {
        StreamingConfigRequest plain = validate("{\"fields\":{\"Gear\":null}}");
        assertThat(plain.preferTyped()).isEmpty();
        assertThat(plain.deliveryPolicy()).isEmpty();
        StreamingConfigRequest noRetry = validate("{\"fields\":{},\"prefer_typed\":false,\"delivery_policy\":\"no_retry\"}");
        assertThat(noRetry.preferTyped()).isEqualTo(Optional.of(false));
        assertThat(noRetry.deliveryPolicy()).contains("no_retry");
        assertProblems("{\"prefer_typed\":\"yes\",\"delivery_policy\":\"sometimes\"}",
                new Problem("prefer_typed", "prefer_typed must be true or false"),
                new Problem("delivery_policy", "delivery_policy must be \"latest\" or \"no_retry\""));
    }

    @Test
    void refusesTheTelemetryHostWhichFleetgateSets() {
        assertProblems("{\"hostname\":\"evil.example\",\"port\":443,\"fields\":{\"Gear\":null},\"extra\":1}",
                new Problem("hostname", "hostname is set by Fleetgate, not by callers"),
                new Problem("port", "port is set by Fleetgate, not by callers"),
                new Problem("extra", "unknown config key extra"));
    }

    @Test
    void refusesABodyOrFieldsThatAreNotObjects() {
        assertProblems("[]", new Problem("body", "the config must be a JSON object"));
        assertProblems("{\"fields\":[\"Gear\"]}", new Problem("fields", "fields must be an object of field name to settings"));
    }

    private StreamingConfigRequest validate(String json) throws Exception {
        return validator.validate(MAPPER.readTree(json));
    }

    private void assertProblems(String json, Problem... problems) {
        assertThatThrownBy(() -> validate(json)).isInstanceOf(StreamingConfigException.class)
                .satisfies(e -> assertThat(((StreamingConfigException) e).problems()).containsExactly(problems));
    }

    private static java.util.Map.Entry<String, FieldSetting> entry(String name, FieldSetting setting) {
        return java.util.Map.entry(name, setting);
    }
}
