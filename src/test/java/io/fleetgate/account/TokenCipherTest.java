package io.fleetgate.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Tesla tokens at rest: AES-256-GCM, a fresh nonce each time, bound to their account. */
class TokenCipherTest {
    private final TokenCipher cipher = TokenCipher.fromSetting(TokenCipher.newKey());

    @Test
    void sealsAndOpensATokenForItsAccountOnly() {
        Secret token = new Secret("eyJhbGciOi.tesla-access-token.sig");
        String sealed = cipher.encrypt("alice", token);
        assertThat(sealed).startsWith("v1:").doesNotContain("tesla-access-token");
        assertThat(new String(Base64.getDecoder().decode(sealed.substring(3)), StandardCharsets.ISO_8859_1))
                .doesNotContain("tesla-access-token");
        assertThat(cipher.encrypt("alice", token)).isNotEqualTo(sealed);
        assertThat(cipher.decrypt("alice", sealed)).isEqualTo(token);

        assertThatThrownBy(() -> cipher.decrypt("mallory", sealed)).hasMessageContaining("does not decrypt")
                .hasMessageNotContaining("tesla-access-token");
        assertThatThrownBy(() -> TokenCipher.fromSetting(TokenCipher.newKey()).decrypt("alice", sealed))
                .isInstanceOf(IllegalArgumentException.class);
        String tampered = sealed.substring(0, sealed.length() - 4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> cipher.decrypt("alice", tampered)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aKeyIsThirtyTwoBytesOfBase64() {
        assertThatThrownBy(() -> TokenCipher.fromSetting(Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> TokenCipher.fromSetting("not base64 at all!")).hasMessageContaining("base64");
    }
}
