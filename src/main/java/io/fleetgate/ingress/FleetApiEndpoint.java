package io.fleetgate.ingress;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One row of the Fleet API endpoint table: method, path template ({@code {vin}}, {@code {site}},
 * {@code {command}} and {@code {id}} are placeholders), class, and the scopes of which the
 * account needs at least one (none: any token of the account will do).
 */
public record FleetApiEndpoint(String method, String template, EndpointClass endpointClass,
                               Set<String> scopes, VinSource vinSource) {

    public FleetApiEndpoint {
        scopes = Set.copyOf(scopes);
    }

    Pattern pattern() {
        return Pattern.compile(template.replaceAll("\\{[a-z]+}", "([^/]+)"));
    }

    List<String> placeholders() {
        List<String> names = new ArrayList<>();
        Matcher matcher = Pattern.compile("\\{([a-z]+)}").matcher(template);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
