package io.fleetgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetgate.ingress.EndpointClass;
import java.io.InputStream;
import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** CONTRACT section 8: Tesla's price-list weights, charged only for calls Tesla bills. */
class CreditsTest {
    private final Credits credits = new Credits(1, 2, 20);

    @Test
    void shippedWeightsAreTheContractsNumbers() throws Exception {
        Properties shipped = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("application.properties")) {
            shipped.load(in);
        }
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setInitialProperties(shipped);
            Credits configured = AuditConfiguration.credits(context.getPropertiesComponent());

            assertThat(configured).isEqualTo(new Credits(1, 2, 20));
            assertThat(configured.weight(UpstreamCall.COMMAND)).isEqualTo(1);
            assertThat(configured.weight(UpstreamCall.DATA_REQUEST)).isEqualTo(2);
            assertThat(configured.weight(UpstreamCall.WAKE_UP)).isEqualTo(20);
        }
    }

    @Test
    void onlyCallsAnsweredBelow500AreCharged() {
        assertThat(credits.charge(UpstreamCall.DATA_REQUEST, 200)).isEqualTo(2);
        assertThat(credits.charge(UpstreamCall.DATA_REQUEST, 408)).isEqualTo(2);
        assertThat(credits.charge(UpstreamCall.COMMAND, 429)).isEqualTo(1);
        assertThat(credits.charge(UpstreamCall.WAKE_UP, 499)).isEqualTo(20);
        assertThat(credits.charge(UpstreamCall.WAKE_UP, 500)).isZero();
        assertThat(credits.charge(UpstreamCall.COMMAND, 503)).isZero();
        assertThat(credits.charge(UpstreamCall.DATA_REQUEST, null)).as("no answer at all").isZero();
    }

    @Test
    void wakeUpsCommandsAndDataRequestsAreToldApart() {
        assertThat(UpstreamCall.of(EndpointClass.VEHICLE_COMMAND, "/api/1/vehicles/{vin}/wake_up")).isEqualTo(UpstreamCall.WAKE_UP);
        assertThat(UpstreamCall.of(EndpointClass.VEHICLE_COMMAND, "/api/1/vehicles/{vin}/command/{command}")).isEqualTo(UpstreamCall.COMMAND);
        assertThat(UpstreamCall.of(EndpointClass.VEHICLE_COMMAND, "/api/1/vehicles/{vin}/signed_command")).isEqualTo(UpstreamCall.COMMAND);
        assertThat(UpstreamCall.of(EndpointClass.ENERGY_COMMAND, "/api/1/energy_sites/{site}/backup")).isEqualTo(UpstreamCall.COMMAND);
        assertThat(UpstreamCall.of(EndpointClass.VEHICLE_READ, "/api/1/vehicles/{vin}/vehicle_data")).isEqualTo(UpstreamCall.DATA_REQUEST);
        assertThat(UpstreamCall.of(EndpointClass.ENERGY_READ, "/api/1/energy_sites/{site}/live_status")).isEqualTo(UpstreamCall.DATA_REQUEST);
        assertThat(UpstreamCall.of(EndpointClass.USER, "/api/1/users/me")).isEqualTo(UpstreamCall.DATA_REQUEST);
        assertThat(UpstreamCall.of(EndpointClass.OTHER, "/api/1/dx/charging/history")).isEqualTo(UpstreamCall.DATA_REQUEST);
    }

    @Test
    void negativeWeightsAreRefused() {
        assertThatThrownBy(() -> new Credits(1, -2, 20)).isInstanceOf(IllegalArgumentException.class);
    }
}
