package io.fleetgate.vcp.crypto;

import static io.fleetgate.vcp.Kat.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetgate.vcp.proto.Signatures.Tag;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/** KAT C and the TLV rules of reference 2.4. */
class MetadataTest {

    private static Metadata katC() {
        return new Metadata()
                .add(Tag.TAG_SIGNATURE_TYPE, hex("05"))
                .add(Tag.TAG_DOMAIN, hex("02"))
                .add(Tag.TAG_PERSONALIZATION, "testVIN".getBytes(StandardCharsets.US_ASCII))
                .add(Tag.TAG_EPOCH, hex("aada928a4f215f55f9e6e45e66b6521e"))
                .addUint32(Tag.TAG_EXPIRES_AT, 0x0e74)
                .addUint32(Tag.TAG_COUNTER, 0x053a);
    }

    @Test
    void serializesItemsInOrderWithBigEndianIntegersAndEndMarker() {
        assertThat(hex(katC().serialized())).isEqualTo(
                "00010501010202077465737456494e0310aada928a4f215f55f9e6e45e66b6521e040400000e7405040000053aff");
    }

    @Test
    void checksumsMatchTheKnownAnswers() throws Exception {
        assertThat(hex(katC().sha256())).isEqualTo("abab04d804499813382efd74a06791ce2de777439603246dfbaa8392ca05868e");
        assertThat(hex(MessageDigest.getInstance("SHA-512").digest(katC().serialized()))).isEqualTo(
                "df4a60e03fd4f71a83e6b56ccf27ccf390269ba3fccfafd9cb3a0925fc36843866b4326655f1c9d539c7ffc6f331ba69"
                        + "3e1c62d237cb6cb5d9e60439f98f2283");
    }

    @Test
    void refusesTagsOutOfOrder() {
        Metadata metadata = new Metadata().add(Tag.TAG_PERSONALIZATION, hex("00"));
        assertThatThrownBy(() -> metadata.add(Tag.TAG_DOMAIN, hex("02"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesValuesOver255Bytes() {
        assertThatThrownBy(() -> new Metadata().add(Tag.TAG_PERSONALIZATION, new byte[256]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new Metadata().add(Tag.TAG_PERSONALIZATION, new byte[255]).serialized()).hasSize(258);
    }

    @Test
    void leavesOutNullValuesEntirely() {
        assertThat(hex(new Metadata().add(Tag.TAG_SIGNATURE_TYPE, hex("08")).add(Tag.TAG_EPOCH, null)
                .addUint32(Tag.TAG_COUNTER, 1).serialized())).isEqualTo("000108050400000001ff");
    }

    @Test
    void commandMetadataCarriesFlagsOnlyWhenSetButResponsesAlways() {
        byte[] vin = "v".getBytes(StandardCharsets.US_ASCII);
        String noFlags = hex(MetadataSets.command(io.fleetgate.vcp.proto.Signatures.SignatureType.SIGNATURE_TYPE_HMAC_PERSONALIZED,
                3, vin, new byte[16], 1, 1, 0).serialized());
        assertThat(noFlags).doesNotContain("0704").endsWith("050400000001ff");
        assertThat(hex(MetadataSets.response(3, vin, 1, 0, hex("08aa"), 0).serialized()))
                .contains("070400000000").endsWith("090400000000ff");
    }
}
