package io.fleetgate.account;

import io.fleetgate.region.Region;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** Where accounts live: the compacted accounts topic ({@link KafkaAccountStore}), or memory in tests. */
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

    /** Every account, in no particular order. */
    List<Account> all();

    /**
     * Stores the account (new or changed) and returns once it is durable: for the Kafka store,
     * once the broker has acknowledged the record.
     */
    void save(Account account);

    /**
     * Changes the account as it is when the change runs, and stores the result as {@link #save}
     * does (nothing when the change returns the account it was given). Changes of one account made
     * through this replica run one at a time, so none is lost to another made meanwhile (two admin
     * requests, a token refresh). The change may throw, to refuse; nothing is written then.
     *
     * @return the account as changed; empty when there is no such account
     */
    default Optional<Account> update(String accountId, UnaryOperator<Account> change) {
        return underWriteLock(accountId, () -> findById(accountId).map(current -> {
            Account changed = change.apply(current);
            if (changed != current) {
                save(changed);
            }
            return changed;
        }));
    }

    /**
     * Stores a new account as {@link #save} does, unless an account with its id is there by then:
     * of two made at once through this replica under one id, one is stored and the other is told.
     *
     * @return whether it was stored
     */
    default boolean saveIfAbsent(Account account) {
        return underWriteLock(account.id(), () -> {
            if (findById(account.id()).isPresent()) {
                return false;
            }
            save(account);
            return true;
        });
    }

    /** Runs the write while no other write of the account goes on through this store. */
    <T> T underWriteLock(String accountId, Supplier<T> write);
}
