package io.fleetgate.testing;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One series of a gateway's {@code /observe/metrics}, read as a Prometheus scraper would. */
public final class ScrapedMetrics {
    private ScrapedMetrics() {}

    /**
     * The value of one series, named with its labels as Prometheus prints them, e.g.
     * {@code fleetgate_upstream_breaker_state{region="na"}}; NaN when the gateway has no such series.
     */
    public static double value(GatewayHarness harness, String series) {
        for (String line : scrape(harness).split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return Double.NaN;
    }

    private static String scrape(GatewayHarness harness) {
        try {
            HttpResponse<String> answer = harness.httpClient().send(HttpRequest.newBuilder(URI.create(harness.managementUrl("/observe/metrics")))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("/observe/metrics answered " + answer.statusCode());
            }
            return answer.body();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
