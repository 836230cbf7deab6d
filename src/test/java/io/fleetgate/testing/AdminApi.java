package io.fleetgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Fleetgate's admin API as an operator's script would call it, with the harness's admin token. */
public final class AdminApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final GatewayHarness harness;

    public AdminApi(GatewayHarness harness) {
        this.harness = harness;
    }

    public HttpResponse<byte[]> send(String method, String path, String json) {
        return send(method, path, GatewayHarness.ADMIN_TOKEN, json);
    }

    public HttpResponse<byte[]> send(String method, String path, String bearer, String json) {
        Map<String, String> headers = new HashMap<>();
        if (bearer != null) {
            headers.put("Authorization", "Bearer " + bearer);
        }
        if (json != null) {
            headers.put("Content-Type", "application/json");
        }
        return harness.send(method, path, headers, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds the account from a Tesla refresh token; fails unless the admin API answers 201. */
    public JsonNode addAccount(String id, String refreshToken) {
        return expect(201, send("POST", "/admin/accounts", "{\"id\":\"" + id + "\",\"refresh_token\":\"" + refreshToken + "\"}"));
    }

    /** Issues a gateway token and returns its value (shown once). */
    public String issueToken(String accountId, String name) {
        return expect(201, send("POST", "/admin/accounts/" + accountId + "/gateway-tokens", "{\"name\":\"" + name + "\"}"))
                .path("token").asText();
    }

    public static JsonNode expect(int status, HttpResponse<byte[]> response) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() != status) {
            throw new AssertionError("expected HTTP " + status + ", got " + response.statusCode() + ": " + body);
        }
        return json(response).path("response");
    }

    public static JsonNode json(HttpResponse<byte[]> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + new String(response.body(), StandardCharsets.UTF_8), e);
        }
    }
}
