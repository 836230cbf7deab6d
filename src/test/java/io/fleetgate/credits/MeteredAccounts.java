package io.fleetgate.credits;

import io.fleetgate.account.GatewayToken;
import io.fleetgate.testing.TestAccount;
import java.util.List;
import java.util.Map;

/** Accounts-file entries with several named gateway tokens and, optionally, a credit budget. */
final class MeteredAccounts {
    private MeteredAccounts() {}

    /** @param tokens token name to token value, in order; {@code budget} e.g. {@code "{credits: 5, period: month}"} or null */
    static String entry(String id, String teslaToken, Map<String, String> tokens, List<String> vins, String budget) {
        StringBuilder out = new StringBuilder()
                .append("  - id: ").append(id).append('\n')
                .append("    region: na\n")
                .append("    tesla-access-token: ").append(teslaToken).append('\n')
                .append("    scopes: [").append(String.join(", ", TestAccount.ALL_SCOPES)).append("]\n")
                .append("    gateway-tokens:\n");
        tokens.forEach((name, token) -> out.append("      - name: ").append(name).append('\n')
                .append("        sha256: ").append(GatewayToken.hash(token)).append('\n'));
        out.append("    subscription:\n")
                .append("      vins: [").append(String.join(", ", vins)).append("]\n");
        if (budget != null) {
            out.append("    credit-budget: ").append(budget).append('\n');
        }
        return out.toString();
    }
}
