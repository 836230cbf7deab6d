package io.fleetgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The chart's probes and ServiceMonitor point at what the app serves: the management port of
 * application.properties (HealthChecksTest and MetricsEndpointTest prove the paths answer there).
 */
class ManagementEndpointsTest {

    @Test
    void probesAndScrapesUseTheAppsManagementPortAndPaths() throws Exception {
        Properties application = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("application.properties")) {
            application.load(in);
        }
        RenderedChart chart = RenderedChart.production();
        String port = application.getProperty("camel.management.port").trim();

        assertThat(chart.camelProperties().getProperty("camel.management.port")).isEqualTo(port);
        assertThat(application.getProperty("camel.management.enabled").trim()).isEqualTo("true");
        assertThat(application.getProperty("camel.management.health-check-enabled").trim()).isEqualTo("true");
        assertThat(application.getProperty("camel.management.metrics-enabled").trim()).isEqualTo("true");
        JsonNode managementPort = null;
        for (JsonNode containerPort : chart.container().path("ports")) {
            if (containerPort.path("name").asText().equals("management")) {
                managementPort = containerPort;
            }
        }
        assertThat(managementPort).isNotNull();
        assertThat(managementPort.path("containerPort").asText()).isEqualTo(port);
        assertThat(chart.container().path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("management");
        assertThat(chart.container().path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("management");
        JsonNode endpoint = chart.only("ServiceMonitor").path("spec").path("endpoints").get(0);
        assertThat(endpoint.path("port").asText()).isEqualTo("management");
        assertThat(endpoint.path("path").asText()).isEqualTo("/observe/metrics");
    }

    @Test
    void theJsonRequestLogIsAValue() {
        assertThat(RenderedChart.defaults().settingsEnvironment()).containsEntry("FLEETGATE_LOG_JSON", "false");
        assertThat(RenderedChart.render(null, java.util.Map.of("logs.json", true)).settingsEnvironment())
                .containsEntry("FLEETGATE_LOG_JSON", "true");
    }
}
