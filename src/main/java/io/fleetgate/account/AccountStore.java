package io.fleetgate.account;

import io.fleetgate.region.Region;
import java.util.Optional;

/** Where accounts live. The skeleton reads a YAML file; a Kafka-backed store replaces it later. */
public interface AccountStore {

    /** The account owning the gateway token whose SHA-256 is given. */
    Optional<Account> findByGatewayTokenHash(String sha256);

    Optional<Account> findById(String accountId);

    /** Records a region learned from upstream (a 421), so later requests go there first. */
    void updateRegion(String accountId, Region region);

    /**
     * Whether the accounts are loaded (for a store materialised from a topic: caught up with it),
     * so requests can be served; readiness is DOWN until then. A file read at start is ready at once.
     */
    default boolean isReady() {
        return true;
    }
}
