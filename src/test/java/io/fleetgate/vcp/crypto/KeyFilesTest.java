package io.fleetgate.vcp.crypto;

import static io.fleetgate.vcp.Kat.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Loading and writing P-256 keys (reference 2.1, 6.1 and 7); fixtures made with openssl. */
class KeyFilesTest {
    private static final String SCALAR = "eb7994aa2eb7e49d6d3989a6db19077ceb13c045e1aaf3aa877803d06fc8849b";
    private static final String PUBLIC = "043db94059412aa327044a92d66d4741399474e6cd896a67fbf3204ce432b075f8"
            + "e63df4b4474d566f0a09e4e1bbd095575f863bf1c48d943ccd52fe24c92247c4";
    private static final String SEC1 = """
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIOt5lKout+SdbTmJptsZB3zrE8BF4arzqod4A9BvyISboAoGCCqGSM49
            AwEHoUQDQgAEPblAWUEqoycESpLWbUdBOZR05s2Jamf78yBM5DKwdfjmPfS0R01W
            bwoJ5OG70JVXX4Y78cSNlDzNUv4kySJHxA==
            -----END EC PRIVATE KEY-----
            """;
    private static final String PKCS8 = """
            -----BEGIN PRIVATE KEY-----
            MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg63mUqi635J1tOYmm
            2xkHfOsTwEXhqvOqh3gD0G/IhJuhRANCAAQ9uUBZQSqjJwRKktZtR0E5lHTmzYlq
            Z/vzIEzkMrB1+OY99LRHTVZvCgnk4bvQlVdfhjvxxI2UPM1S/iTJIkfE
            -----END PRIVATE KEY-----
            """;
    private static final String PUBLIC_PEM = """
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEPblAWUEqoycESpLWbUdBOZR05s2J
            amf78yBM5DKwdfjmPfS0R01WbwoJ5OG70JVXX4Y78cSNlDzNUv4kySJHxA==
            -----END PUBLIC KEY-----
            """;
    private static final String WITH_PARAMETERS = """
            -----BEGIN EC PARAMETERS-----
            BggqhkjOPQMBBw==
            -----END EC PARAMETERS-----
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIJY6ByeGdCb7aCVO5yI388VMs3rOlIz/2HDRikjMXOejoAoGCCqGSM49
            AwEHoUQDQgAEpM0T8yKvh3gtaz3nM/xXHIAoJbOdQ6CP98pBy6reR+PEs8NpLFBF
            TKXLiJ29kHQR4l5fUbScGsAvjm4sJZa0Hg==
            -----END EC PRIVATE KEY-----
            """;
    private static final String P521_SEC1 = """
            -----BEGIN EC PRIVATE KEY-----
            MIHcAgEBBEIAacHPutpxXB7qVVCllj2koGf6y3QO21S6uVtXUZsD+8cQDYohlnMe
            Fejiq/ttPPifHXAzWkt6FvMpubPnTy6F6ragBwYFK4EEACOhgYkDgYYABAErL+tk
            RwLS7WWOf5gaQgwoYWZZXWuDqwd8JwEBdskx5gt7w84U8FPbrOQQTFQwiPKXq98N
            rBAIkoSraIdNtCtm+ADlOQumCQ1+sOiqNUqCZv4D3TGWbwEzfFYD99j5I6NS7QO6
            1yDfKzbFBZJRKUtSJxbcolhnNSioKxzLq5NTHP43CA==
            -----END EC PRIVATE KEY-----
            """;
    private static final String P521_PKCS8 = """
            -----BEGIN PRIVATE KEY-----
            MIHuAgEAMBAGByqGSM49AgEGBSuBBAAjBIHWMIHTAgEBBEIAacHPutpxXB7qVVCl
            lj2koGf6y3QO21S6uVtXUZsD+8cQDYohlnMeFejiq/ttPPifHXAzWkt6FvMpubPn
            Ty6F6rahgYkDgYYABAErL+tkRwLS7WWOf5gaQgwoYWZZXWuDqwd8JwEBdskx5gt7
            w84U8FPbrOQQTFQwiPKXq98NrBAIkoSraIdNtCtm+ADlOQumCQ1+sOiqNUqCZv4D
            3TGWbwEzfFYD99j5I6NS7QO61yDfKzbFBZJRKUtSJxbcolhnNSioKxzLq5NTHP43
            CA==
            -----END PRIVATE KEY-----
            """;
    private static final String RSA_PKCS8 = """
            -----BEGIN PRIVATE KEY-----
            MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAJkvoeBI2lqcPsg8
            K9UDoT+xFRtUViI94MY04+71kedOOkNDqTAtOB4HDwdgBBv4F+EZdU9JOTGQkYT3
            JgD92MerCZ4v6hPi1v1UqsCQ8ZvrxMvLWcZ1uZ1xxBsO43Tmcr+0rPBiOTAI4L7p
            0htWjhR1Yxn+9qsyxlAaF476/tBTAgMBAAECgYAq9YO1DVlG7ehhaRZ1v3XaEcQ0
            jNs28Rl3HGALpIyNTI/kSzZIT3YcXahmThP48ANqWiRe3s8OSle07UaYIphHP2rP
            h7k6PlpwATv5jNkkUsE3KaBahxMw80KR8t+1mDpSYTdNvVBhTFB+lW3/4amZAVLs
            rIz1E+LKIuS5l6O+2QJBAMYgeK7gm9rcyKNB+2+f9u3ftVnF8qAOjenmgTE6UQ9D
            5dYyh7S/baClcnqnQU22UjE3Z7WvGAsvict8ctsaZW8CQQDF7pRbZ4R9TiaLt8OZ
            tgcqFXpbsBngl6hE6nftxG8nvDipdIDu6YC1Zp52fGMrb4TwMa+XYmEYoZG6zs6s
            sfldAkBjFtBk3g702iE6jYB8JmvwMkdX+8lJxZ2yUsdgYIMz+EhV5XW7r1Xb14M2
            1rmxbTMUTFqBIm4LAh6Pd9FVxZDfAkAQwX21rzG8Gd2RfmEEpjA9E8xj7qiCJtSL
            4P1+F18BkiGJ1t8DWqkWsjU/+o+6oZoza0FeI2ns1+CqW8+LNxXRAkEAjPox+w3i
            zw/ZVbafIz2I5c0OgANJ76il3VINa2YEsrpL1JPNqdEpROC/pylqWvK5D/U3na2b
            26c6y3Fm/G/1LA==
            -----END PRIVATE KEY-----
            """;

    @Test
    void loadsPkcs8AndSec1PrivateKeys() throws Exception {
        assertThat(EcKeyPair.fromPem(PKCS8).publicKeyHex()).isEqualTo(PUBLIC);
        assertThat(EcKeyPair.fromPem(SEC1).publicKeyHex()).isEqualTo(PUBLIC);
        assertThat(EcKeyPair.fromPem(WITH_PARAMETERS).publicKeyBytes()).hasSize(65);
    }

    @Test
    void recomputesThePublicKeyWhenTheFileCarriesAWrongOne() throws Exception {
        byte[] der = Base64.getMimeDecoder().decode(SEC1.replaceAll("-----[A-Z ]+-----", ""));
        der[der.length - 1] ^= 1; // the embedded point is now off the curve
        assertThat(EcKeyPair.fromPem(Pem.encode("EC PRIVATE KEY", der)).publicKeyHex()).isEqualTo(PUBLIC);
    }

    @Test
    void refusesOtherCurvesRsaPublicAndEncryptedKeys() {
        for (String pem : new String[] {P521_SEC1, P521_PKCS8, RSA_PKCS8, PUBLIC_PEM, "", "not pem",
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIHsMFcGCSqGSIb3DQEFDTBK\n-----END ENCRYPTED PRIVATE KEY-----\n"}) {
            assertThatThrownBy(() -> EcKeyPair.fromPem(pem)).as(pem).isInstanceOf(InvalidKeyException.class);
        }
    }

    @Test
    void writesKeysThatReadBackTheSame() throws Exception {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 20; i++) {
            // a generated key keeps the provider's public key; read back, it is computed from the scalar
            EcKeyPair generated = EcKeyPair.generate(random);
            assertThat(EcKeyPair.fromPem(generated.privateKeyPem()).publicKeyHex()).isEqualTo(generated.publicKeyHex());
            assertThat(Pem.publicKey(generated.publicKeyPem())).isEqualTo(generated.publicKeyBytes());
        }
    }

    @Test
    void publicKeyPemIsTheSubjectPublicKeyInfoTeslaFetches() throws Exception {
        EcKeyPair key = EcKeyPair.fromScalarHex(SCALAR);
        String pem = key.publicKeyPem();
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE")
                .endsWith("-----END PUBLIC KEY-----\n");
        assertThat(pem).isEqualTo(PUBLIC_PEM.stripIndent());
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        assertThat(der).hasSize(91);
        assertThat(hex(der)).startsWith("3059301306072a8648ce3d020106082a8648ce3d030107034200").endsWith(PUBLIC);
    }

    @Test
    void readsPublicKeysAsPemHexOrRawPoints() throws Exception {
        assertThat(hex(Pem.publicKey(PUBLIC_PEM))).isEqualTo(PUBLIC);
        assertThat(hex(Pem.publicKey(PUBLIC))).isEqualTo(PUBLIC);
        assertThat(hex(Pem.publicKey(hex(PUBLIC)))).isEqualTo(PUBLIC);
        byte[] offCurve = hex(PUBLIC);
        offCurve[64] ^= 1;
        assertThatThrownBy(() -> Pem.publicKey(offCurve)).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> Pem.publicKey(P521_SEC1)).isInstanceOf(InvalidKeyException.class);
    }
}
