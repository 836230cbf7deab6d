package io.fleetgate.region;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MisdirectedRequestsTest {
    private final RegionalBaseUrls tesla = new RegionalBaseUrls(
            "https://fleet-api.prd.na.vn.cloud.tesla.com",
            "https://fleet-api.prd.eu.vn.cloud.tesla.com",
            "https://fleet-api.prd.cn.vn.cloud.tesla.cn");
    private final MisdirectedRequests misdirected = new MisdirectedRequests(tesla);

    @Test
    void readsTheRegionFromAltSvc() {
        assertThat(misdirected.correctRegion("h2=https://fleet-api.prd.eu.vn.cloud.tesla.com", null)).contains(Region.EU);
        assertThat(misdirected.correctRegion("h2=\"fleet-api.prd.cn.vn.cloud.tesla.cn:443\"; ma=86400", null))
                .contains(Region.CN);
    }

    @Test
    void readsTheRegionFromTheBodyTextWhenThereIsNoHeader() {
        String body = "{\"response\":null,\"error\":\"user out of region, use base URL: "
                + "https://fleet-api.prd.eu.vn.cloud.tesla.com/, see https://developer.tesla.com/docs/fleet-api#regional-requirements\","
                + "\"error_description\":\"\",\"txid\":\"0123\"}";
        assertThat(misdirected.correctRegion(null, body)).contains(Region.EU);
    }

    @Test
    void neverAcceptsAHostThatIsNotAConfiguredRegion() {
        assertThat(misdirected.correctRegion("h2=https://fleet-api.evil.example.com", "use base URL: https://attacker.example"))
                .isEmpty();
        assertThat(misdirected.correctRegion("h2=https://fleet-api.prd.eu.vn.cloud.tesla.com:8443", null)).isEmpty();
        assertThat(misdirected.correctRegion(null, null)).isEmpty();
    }

    @Test
    void matchesLoopbackBaseUrlsOnHostAndPort() {
        RegionalBaseUrls local = new RegionalBaseUrls("http://127.0.0.1:9001", "http://127.0.0.1:9002", "http://127.0.0.1:9003/");
        assertThat(local.regionOf("http://127.0.0.1:9002")).contains(Region.EU);
        assertThat(local.regionOf("127.0.0.1:9003")).contains(Region.CN);
        assertThat(local.regionOf("http://127.0.0.1:9004")).isEmpty();
        assertThat(local.baseUrl(Region.CN)).isEqualTo("http://127.0.0.1:9003");
    }
}
