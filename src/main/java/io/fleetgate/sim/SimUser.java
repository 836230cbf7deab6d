package io.fleetgate.sim;

import java.util.Objects;
import java.util.Set;

/**
 * A Tesla account known to the simulator.
 *
 * @param id          stable user id, also used as the owner of vehicles and energy sites
 * @param region      home region: {@code na}, {@code eu} or {@code cn}
 * @param accessToken the Tesla access token a client sends as {@code Authorization: Bearer ...}
 * @param scopes      granted OAuth scopes (see {@link #ALL_SCOPES})
 * @param email       shown by {@code /api/1/users/me}
 * @param fullName    shown by {@code /api/1/users/me}
 */
public record SimUser(String id, String region, String accessToken, Set<String> scopes, String email, String fullName) {

    /** Every Fleet API scope the simulator checks or reports. */
    public static final Set<String> ALL_SCOPES = Set.of(
            "openid", "offline_access", "user_data", "vehicle_device_data", "vehicle_location",
            "vehicle_cmds", "vehicle_charging_cmds", "energy_device_data", "energy_cmds");

    public SimUser {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(fullName, "fullName");
        if (!SimulatedFleet.REGIONS.contains(region)) {
            throw new IllegalArgumentException("region must be one of " + SimulatedFleet.REGIONS + ": " + region);
        }
        if (accessToken.isBlank()) {
            throw new IllegalArgumentException("access token must not be blank");
        }
        scopes = Set.copyOf(scopes);
    }

    /** A user with every scope, an {@code <id>@example.com} address and a generic name. */
    public static SimUser of(String id, String region, String accessToken) {
        return new SimUser(id, region, accessToken, ALL_SCOPES, id + "@example.com", "Simulated Driver " + id);
    }

    public SimUser withScopes(Set<String> newScopes) {
        return new SimUser(id, region, accessToken, newScopes, email, fullName);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }
}
