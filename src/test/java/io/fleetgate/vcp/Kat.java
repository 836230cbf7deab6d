package io.fleetgate.vcp;

import java.util.HexFormat;

/** Known-answer values of the reference's section 6, by name. */
public final class Kat {
    private Kat() {
    }

    public static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    // KAT A: protocol.md chain
    public static final String A_CLIENT_SCALAR = "2538CDC29A97C19C1E99A637D6CF4F8C970C118B56EDE1E6323E6D162C4B30DB";
    public static final String A_CLIENT_PUBLIC = "04b2b6bc68c2da0665ce656815594996c62394edd8bea905fe781a754fe6a845a7"
            + "14330902f225e9269d466e05b349981fda9d85cc23c6fb444aa73b629105dc6e";
    public static final String A_VEHICLE_SCALAR = "344EE5B466A7CF1EEB12B6F50331DB2E5EC5834EF5F4BEFCFD8CBE55C2528D70";
    public static final String A_VEHICLE_PUBLIC = "04c7a1f47138486aa4729971494878d33b1a24e39571f748a6e16c5955b3d877d3"
            + "a6aaa0e955166474af5d32c410f439a2234137ad1bb085fd4e8813c958f11d97";
    public static final String A_SX = "6b9a2844b300e6a85e4474f70b31b23de2d8f7d3e594784cdfe8318031442f8b";
    public static final String A_K = "1b2fce19967b79db696f909cff89ea9a";
    public static final String A_SESSION_INFO_KEY = "fceb679ee7bca756fcd441bf238bf2f338629b41d9eb9c67be1b32c9672ce300";
    public static final String A_COMMAND_KEY = "6d3a14d0b6d762e4f076739e2cf6edd291d2e56e3f25bc6a2af5cb26dc753b14";
    public static final String A_VIN = "5YJ30123456789ABC";
    public static final String A_UUID = "1588d5a30eabc6f8fc9a951b11f6fd11";
    public static final String A_SESSION_INFO_METADATA =
            "000106021135594a333031323334353637383941424306101588d5a30eabc6f8fc9a951b11f6fd11ff";
    public static final String A_SESSION_INFO = "0806124104c7a1f47138486aa4729971494878d33b1a24e39571f748a6e16c5955"
            + "b3d877d3a6aaa0e955166474af5d32c410f439a2234137ad1bb085fd4e8813c958f11d971a104c463f9cc0d3d26906"
            + "e982ed224adde6255a0a0000";
    public static final String A_SESSION_INFO_TAG = "996c1fe38331be138f8039c194b14db2198846ed7d8251e6749284d7b32ea002";
    public static final String A_EPOCH = "4c463f9cc0d3d26906e982ed224adde6";
    public static final String A_PAYLOAD = "120452020801";
    public static final String A_GCM_METADATA = "000105010103021135594a333031323334353637383941424303104c463f9cc0d3"
            + "d26906e982ed224adde6040400000a5f050400000007ff";
    public static final String A_GCM_AAD = "c33b227adc93c60b7a5738237e678e6996987ab316b4a5fff737cf86cb07764f";
    public static final String A_GCM_NONCE = "dbf79447fa156674dae1caed";
    public static final String A_GCM_CIPHERTEXT = "38038e8c0f2e";
    public static final String A_GCM_TAG = "8e128da165f162f4d7d2c8da866cf82a";

    // Derived here from KAT A with python3-cryptography (no upstream value): the HMAC-personalized
    // tag of the same command with flags 2, and an encrypted infotainment reply to it.
    public static final String A_HMAC_METADATA = "000108010103021135594a333031323334353637383941424303104c463f9cc0d3"
            + "d26906e982ed224adde6040400000a5f050400000007070400000002ff";
    public static final String A_HMAC_TAG = "f3c24554a00e42160e6acef6dd4f1c8ef9c30ed6391ec818d75663bee00a47f0";
    public static final String A_RESPONSE_METADATA = "000109010103021135594a3330313233343536373839414243050400000001"
            + "070400000000082108f3c24554a00e42160e6acef6dd4f1c8ef9c30ed6391ec818d75663bee00a47f0090400000000ff";
    public static final String A_RESPONSE_AAD = "3ac5c913aa39e5e0895eeae0cbc3c1fc28970bee28732ed8e81be9d0cda37501";
    public static final String A_RESPONSE_NONCE = "000102030405060708090a0b";
    public static final String A_RESPONSE_PLAINTEXT = "0a020800";
    public static final String A_RESPONSE_CIPHERTEXT = "135e9af0";
    public static final String A_RESPONSE_TAG = "edeaddb9f9bf66926bac47912379365e";

    // KAT B: TestGCMKnown
    public static final String B_VEHICLE_SCALAR = "9d9c5e86d5a83057965ca94b5faeff116c275d08ca91e839bd2dea59c2229b81";
    public static final String B_VEHICLE_PUBLIC = "041431dc57c892b8dcc87ba59159031e12046b6febcdfb88f7b9c9e2a0fc2b7a1e"
            + "323a4bd5a5696f103845bd1c4b9dd104d0fe87a3721314a03a7550406445705b";
    public static final String B_CLIENT_PUBLIC = "0450444fabe062f6ffc59de654373e1aa84aa4f053f365f3746fbaaa8ad5d5875e"
            + "8279ba379b4788e9148f5000bd1fe085d18925e8d047239cfa0d9cd23417b714";
    public static final String B_EPOCH = "eaabe301b4b4a1243118a40825220115";
    public static final String B_MESSAGE = "320208023a0208005259296d587d130d34d74d6d5c628c73c1f8ef99cc4ae1c95b9767"
            + "1474980ccc7946a90a2f7971a5c837b96c9cc1e8075d1aab92bc8557b7fdf2dcf9ddbb90e236246db699788e585e8b0ea8"
            + "4752e0090cc80c4384d27ca6fcdd216a470a061204bb0ca3712a3d0a10eaabe301b4b4a1243118a40825220115120c45d2"
            + "9af664e2ff8fd49218b718ffffffff0f2550c300002a106d846705ba5c143f94257275a2ca701f";
    public static final String B_SX = "d51808315c6fdcf98ba092c993fe54af036684555df4bd4724bfa5320ae9d96d";
    public static final String B_K = "f0ac26da59d0e00a40014e4231e79040";
    public static final String B_METADATA = "00010501010202077465737476696e0310eaabe301b4b4a1243118a40825220115040400"
            + "00c3500504ffffffffff";
    public static final String B_AAD = "cd4267d182098aff65b3e30e606f4002e7ecdaa456498e3f832d044f2f701929";
    public static final String B_PLAINTEXT = "82014a2a480a430a41044b96809e66821b4553ff2b427a52d50843a2f718fd56f2ad93"
            + "d46a8b1db74dd6190f20b6b82e85a8eac40e867b9a0cf74f364f03e9946e25ceee9934b19cb603120102ca01090a077465"
            + "737476696e";

    // KAT D: ECDH edge cases
    public static final String D_SCALAR = "5260f8d6113875d86f8ee8fea340df1ffb40c658b5455e8c33d797c53a41afd3";
    public static final String D_PEER = "0407fb60b65b94e0de4a954c53be10003d9e69918dedfda5f4e9efb9ebd8c5bd672a53991c"
            + "4068865d5fb44f97f6cecf8398f261dd1d7bc69be676afdc8ffacbcc";
    public static final String D_SX = "0072d5b815207a04f0c795fba0ba9e8add3f1f57148c51fface22ca15e6fd845";
    public static final String D_K = "0db468f9045e01c1798c54e52d7f408f";
    public static final String D_SCALAR_2 = "3e20d8f0b0caddd0970ab36342c5dc3f0a3d5677883cb260ed6ceb3aed9320c4";
    public static final String D_PUBLIC_2 = "04c4ff45b968e87469af648ed34c34a934d74a1d76f272d153fc81114ddfecc178f688"
            + "e62bec19c9b144e9415361fa4fecab5ded4336336b9751c9a78ffa270fae";

    // 6.6 fixture keys
    public static final String F_VERIFIER_SCALAR = "72e9a493ba41e792b104274331105fa6c908c27f15913eecc2f4ec115b281ae0";
    public static final String F_SIGNER_SCALAR = "4807e29d46425d07df48193249a6241d411ac4007375c75d5d4a22ecf189cdde";
    public static final String F_K = "628f43c025859c7a5e9789698239ff2c";
}
