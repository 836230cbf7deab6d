package io.fleetgate.telemetry.webhooks;

import io.fleetgate.account.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** {@code X-Fleetgate-Signature}: {@code sha256=} and the hex HMAC-SHA256 of the exact body bytes, keyed with the endpoint's secret. */
public final class WebhookSignature {
    public static final String HEADER = "X-Fleetgate-Signature";

    private WebhookSignature() {}

    public static String of(Secret secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
