package io.fleetgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.sim.FleetApiSimulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The simulator's control API over HTTP, as a user of the demo would drive it. */
public final class SimControl {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FleetApiSimulator simulator;
    private final HttpClient http = HttpClient.newHttpClient();

    public SimControl(FleetApiSimulator simulator) {
        this.simulator = simulator;
    }

    /** Queues the next answers for a VIN (or {@code "site": id}), as {@code POST /sim/script}. */
    public void script(String scriptJson) {
        JsonNode answer = post("/sim/script", scriptJson);
        if (answer == null) {
            throw new IllegalStateException("script refused");
        }
    }

    /** {@code GET} on the control API, its JSON answer. */
    public JsonNode get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(simulator.controlUrl() + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException("simulator control " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JsonNode post(String path, String json) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(simulator.controlUrl() + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException("simulator control " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
