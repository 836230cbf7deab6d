package io.fleetgate.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Tesla's OAuth token endpoint as the simulator plays it ({@code POST /oauth2/v3/token},
 * {@code grant_type=refresh_token}): 8 h access tokens shaped like Tesla's JWTs, and single-use
 * refresh tokens that rotate on every exchange. A spent, revoked or unknown refresh token gets
 * 401 {@code login_required}. Every presentation of a refresh token is counted, so a test can
 * prove none was used twice. Thread-safe.
 */
public final class SimOAuth {
    public static final Duration DEFAULT_ACCESS_TOKEN_LIFETIME = Duration.ofHours(8);

    private final Clock clock;
    private final ObjectMapper json;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, AccessGrant> accessTokens = new LinkedHashMap<>();
    private final Map<String, RefreshGrant> refreshTokens = new LinkedHashMap<>();
    private Duration accessTokenLifetime = DEFAULT_ACCESS_TOKEN_LIFETIME;
    private int failuresToAnswer;
    private int failureStatus;
    private int answersToDelay;
    private Duration answerDelay = Duration.ZERO;

    SimOAuth(Clock clock, ObjectMapper json) {
        this.clock = clock;
        this.json = json;
    }

    /** What the token endpoint knows of one refresh token. */
    public record RefreshGrant(String token, String userId, int presented, boolean spent, boolean revoked) {}

    private record AccessGrant(String userId, Instant expiresAt) {}

    /** A new refresh token for the user, as a sign-in with Tesla would give one. */
    public synchronized String grant(SimUser user) {
        String token = user.region().toUpperCase(Locale.ROOT) + "_" + randomHex(32);
        refreshTokens.put(token, new RefreshGrant(token, user.id(), 0, false, false));
        return token;
    }

    /** Access tokens issued from now on live this long (8 h unless a test shortens it). */
    public synchronized void setAccessTokenLifetime(Duration lifetime) {
        this.accessTokenLifetime = lifetime;
    }

    /** The next {@code count} token requests get {@code status} (an outage of the token endpoint). */
    public synchronized void failNext(int count, int status) {
        this.failuresToAnswer = count;
        this.failureStatus = status;
    }

    /**
     * The next {@code count} token requests are decided when they arrive and answered {@code delay}
     * later (a slow token endpoint): what a client does meanwhile meets the decision made.
     */
    public synchronized void delayNext(int count, Duration delay) {
        this.answersToDelay = count;
        this.answerDelay = delay;
    }

    /** How long the token request arriving now waits for its answer; zero unless delayed. */
    synchronized Duration takeAnswerDelay() {
        if (answersToDelay == 0) {
            return Duration.ZERO;
        }
        answersToDelay--;
        return answerDelay;
    }

    /** Every access token issued to the user so far expires now. */
    public synchronized void expireAccessTokens(String userId) {
        Instant now = clock.instant();
        accessTokens.replaceAll((token, grant) -> grant.userId().equals(userId) ? new AccessGrant(userId, now) : grant);
    }

    /** Every refresh token of the user is revoked (a password reset): the next use gets login_required. */
    public synchronized void revokeRefreshTokens(String userId) {
        refreshTokens.replaceAll((token, grant) -> grant.userId().equals(userId)
                ? new RefreshGrant(token, grant.userId(), grant.presented(), grant.spent(), true) : grant);
    }

    public synchronized List<RefreshGrant> refreshGrants() {
        return List.copyOf(refreshTokens.values());
    }

    /** How many refresh tokens were presented at the token endpoint more than once. */
    public synchronized long refreshTokensPresentedTwice() {
        return refreshTokens.values().stream().filter(g -> g.presented() > 1).count();
    }

    /** The user an unexpired access token issued here belongs to; {@code expired} when it is past its time. */
    synchronized Optional<Lookup> lookUp(String accessToken) {
        AccessGrant grant = accessTokens.get(accessToken);
        if (grant == null) {
            return Optional.empty();
        }
        return Optional.of(new Lookup(grant.userId(), !clock.instant().isBefore(grant.expiresAt())));
    }

    record Lookup(String userId, boolean expired) {}

    synchronized void reset() {
        accessTokens.clear();
        refreshTokens.clear();
        accessTokenLifetime = DEFAULT_ACCESS_TOKEN_LIFETIME;
        failuresToAnswer = 0;
        answersToDelay = 0;
    }

    /** {@code POST /oauth2/v3/token} with its form fields. */
    synchronized Reply exchange(Map<String, String> form, SimulatedFleet fleet) {
        String refreshToken = form.get("refresh_token");
        if (refreshToken != null && refreshTokens.containsKey(refreshToken)) {
            RefreshGrant g = refreshTokens.get(refreshToken);
            refreshTokens.put(refreshToken, new RefreshGrant(refreshToken, g.userId(), g.presented() + 1, g.spent(), g.revoked()));
        }
        if (failuresToAnswer > 0) {
            failuresToAnswer--;
            return oauthError(failureStatus, "server_error", "simulated outage of the token endpoint");
        }
        if (!"refresh_token".equals(form.get("grant_type"))) {
            return oauthError(400, "unsupported_grant_type", "grant_type must be refresh_token here");
        }
        if (form.get("client_id") == null || form.get("client_id").isBlank()) {
            return oauthError(400, "invalid_request", "client_id is required");
        }
        RefreshGrant grant = refreshToken == null ? null : refreshTokens.get(refreshToken);
        if (grant == null || grant.spent() || grant.revoked()) {
            return oauthError(401, "login_required", "The refresh token is invalid, expired or already used.");
        }
        Optional<SimUser> user = fleet.findUser(grant.userId());
        if (user.isEmpty()) {
            return oauthError(401, "login_required", "The user no longer exists.");
        }
        refreshTokens.put(refreshToken, new RefreshGrant(refreshToken, grant.userId(), grant.presented(), true, false));
        String next = grant(user.get());
        Instant now = clock.instant();
        String access = accessToken(user.get(), form.get("client_id"), now);
        accessTokens.put(access, new AccessGrant(user.get().id(), now.plus(accessTokenLifetime)));
        ObjectNode body = json.createObjectNode()
                .put("access_token", access)
                .put("refresh_token", next)
                .put("id_token", randomHex(24))
                .put("expires_in", accessTokenLifetime.toSeconds())
                .put("state", "")
                .put("token_type", "Bearer");
        return Reply.json(200, body.toString());
    }

    /**
     * A token shaped like Tesla's: {@code header.payload.signature}, the payload base64 without
     * padding and without {@code -} or {@code _} (what tesla-http-proxy can decode), with
     * {@code sub}, {@code scp}, {@code ou_code}, {@code iat} and {@code exp}.
     */
    private String accessToken(SimUser user, String clientId, Instant now) {
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"sim\"}";
        for (int attempt = 0; ; attempt++) {
            ObjectNode payload = json.createObjectNode()
                    .put("iss", "https://auth.tesla.com/oauth2/v3/nts")
                    .put("azp", clientId)
                    .put("sub", user.id())
                    .put("ou_code", user.region().toUpperCase(Locale.ROOT))
                    .put("iat", now.getEpochSecond())
                    .put("exp", now.plus(accessTokenLifetime).getEpochSecond())
                    .put("jti", randomHex(8 + attempt % 3));
            user.scopes().stream().sorted().forEach(payload.putArray("scp")::add);
            String encoded = Base64.getEncoder().withoutPadding().encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
            if (encoded.indexOf('+') < 0 && encoded.indexOf('/') < 0 || attempt > 20) {
                return Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes(StandardCharsets.UTF_8))
                        + "." + encoded + "." + randomHex(32);
            }
        }
    }

    private Reply oauthError(int status, String error, String description) {
        return Reply.json(status, json.createObjectNode().put("error", error)
                .put("error_description", description).toString());
    }

    private String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
