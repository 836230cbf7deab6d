package io.fleetgate.testing;

import io.fleetgate.account.GatewayToken;
import java.util.List;

/** An account for a test's accounts file; the gateway token is written as its hash, as in production. */
public record TestAccount(String id, String region, String teslaToken, String gatewayToken,
                          List<String> scopes, List<String> vins, List<Long> sites, String activeUntil) {

    public static final List<String> ALL_SCOPES = List.of("openid", "offline_access", "user_data",
            "vehicle_device_data", "vehicle_location", "vehicle_cmds", "vehicle_charging_cmds",
            "energy_device_data", "energy_cmds");

    public TestAccount withScopes(String... newScopes) {
        return new TestAccount(id, region, teslaToken, gatewayToken, List.of(newScopes), vins, sites, activeUntil);
    }

    public TestAccount withActiveUntil(String instant) {
        return new TestAccount(id, region, teslaToken, gatewayToken, scopes, vins, sites, instant);
    }

    public TestAccount withRegion(String newRegion) {
        return new TestAccount(id, newRegion, teslaToken, gatewayToken, scopes, vins, sites, activeUntil);
    }

    public String yaml() {
        StringBuilder out = new StringBuilder();
        out.append("  - id: ").append(id).append('\n')
                .append("    region: ").append(region).append('\n')
                .append("    tesla-access-token: ").append(teslaToken).append('\n')
                .append("    scopes: [").append(String.join(", ", scopes)).append("]\n")
                .append("    gateway-tokens:\n")
                .append("      - name: ").append(id).append("-token\n")
                .append("        sha256: ").append(GatewayToken.hash(gatewayToken)).append('\n')
                .append("    subscription:\n");
        if (activeUntil != null) {
            out.append("      active-until: ").append(activeUntil).append('\n');
        }
        out.append("      vins: [").append(String.join(", ", vins)).append("]\n")
                .append("      energy-sites: [")
                .append(String.join(", ", sites.stream().map(String::valueOf).toList())).append("]\n");
        return out.toString();
    }
}
