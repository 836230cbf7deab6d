package io.fleetgate.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.json.JsonMappers;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.camel.util.function.Suppliers;

/**
 * Tesla's OAuth token endpoint ({@code grant_type=refresh_token}, form-encoded) and the two user
 * endpoints an account is set up from. Answers are outcomes, never exceptions, and never carry a
 * token in their descriptions.
 */
public final class TeslaOAuthClient {
    private static final ObjectMapper JSON = JsonMappers.newMapper();

    private final URI tokenUrl;
    private final String clientId;
    private final String clientSecret;
    private final String userAgent;
    private final Duration timeout;
    // built at the first call: a JDK client sets up TLS (the trust store's certificates), about
    // 0.3 s of a cold start that no proxied request needs
    private final Supplier<HttpClient> http;

    public TeslaOAuthClient(String tokenUrl, String clientId, String clientSecret, String userAgent, Duration timeout) {
        this.tokenUrl = URI.create(tokenUrl);
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.userAgent = userAgent;
        this.timeout = timeout;
        this.http = Suppliers.memorize(() -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout).build());
    }

    /** What the token endpoint answered. */
    public sealed interface Outcome permits Tokens, LoginRequired, Failed {}

    /** New tokens; {@code scopes} from the access token's {@code scp} claim (empty when unreadable). */
    public record Tokens(Secret accessToken, Secret refreshToken, long expiresInSeconds, Set<String> scopes, String subject)
            implements Outcome {}

    /** The refresh token is spent, revoked or unknown: only the owner signing in again helps. */
    public record LoginRequired(String error) implements Outcome {}

    /** Anything worth trying again later: no answer, a 5xx, a 429, an unreadable answer. */
    public record Failed(String reason) implements Outcome {}

    public Outcome refresh(Secret refreshToken) {
        StringBuilder form = new StringBuilder("grant_type=refresh_token")
                .append("&client_id=").append(encode(clientId))
                .append("&refresh_token=").append(encode(refreshToken.reveal()));
        if (clientSecret != null && !clientSecret.isBlank()) {
            form.append("&client_secret=").append(encode(clientSecret));
        }
        HttpResponse<String> answer;
        try {
            answer = http.get().send(HttpRequest.newBuilder(tokenUrl).timeout(timeout)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Accept", "application/json")
                    .header("User-Agent", userAgent)
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Failed("token endpoint unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failed("interrupted");
        }
        JsonNode body = parse(answer.body());
        String error = body.path("error").asText("");
        if (answer.statusCode() == 401 || "login_required".equals(error) || "invalid_grant".equals(error)) {
            return new LoginRequired(error.isEmpty() ? "HTTP " + answer.statusCode() : error);
        }
        if (answer.statusCode() != 200) {
            return new Failed("token endpoint answered HTTP " + answer.statusCode() + (error.isEmpty() ? "" : " " + error));
        }
        String access = body.path("access_token").asText("");
        String refresh = body.path("refresh_token").asText("");
        if (access.isEmpty() || refresh.isEmpty()) {
            return new Failed("token endpoint answered without access_token or refresh_token");
        }
        JsonNode claims = claims(access);
        Set<String> scopes = new HashSet<>();
        claims.path("scp").forEach(s -> scopes.add(s.asText()));
        if (scopes.isEmpty() && body.path("scope").isTextual()) {
            scopes.addAll(Set.of(body.path("scope").asText().trim().split("\\s+")));
        }
        return new Tokens(new Secret(access), new Secret(refresh), body.path("expires_in").asLong(0), Set.copyOf(scopes),
                claims.path("sub").asText(null));
    }

    /** {@code GET <baseUrl><path>} with the access token; the parsed JSON when 200. */
    public Optional<JsonNode> get(String baseUrl, String path, Secret accessToken) {
        try {
            HttpResponse<String> answer = http.get().send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                    .header("Authorization", "Bearer " + accessToken.reveal())
                    .header("Accept", "application/json")
                    .header("User-Agent", userAgent).GET().build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? Optional.of(parse(answer.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The JWT payload of a Tesla access token (not verified: only Tesla needs to trust it). */
    static JsonNode claims(String accessToken) {
        String[] parts = accessToken.split("\\.");
        if (parts.length != 3) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1].replace('+', '-').replace('/', '_').replace("=", "")));
        } catch (IOException | IllegalArgumentException e) {
            return JSON.createObjectNode();
        }
    }

    private static JsonNode parse(String text) {
        try {
            return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }
}
