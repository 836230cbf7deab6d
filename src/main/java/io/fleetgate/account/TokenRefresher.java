package io.fleetgate.account;

import io.fleetgate.ingress.ExchangeKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes Tesla access tokens: on the schedule ({@link #dueAccounts}, called by the Quartz
 * route), when another replica asks, and once when upstream answers 401. Only the replica that
 * owns the account ({@link RefreshOwnership}) presents its refresh token, one refresh at a time
 * per account, after reading every account record written before; the rotated refresh token is
 * acknowledged by Kafka before the new access token is used anywhere. A failure waits its
 * backoff until a later scheduled sweep (no thread waits for it); {@code login_required} flags
 * the account so its callers hear that the owner must sign in again.
 */
public final class TokenRefresher {
    private static final Logger LOG = LoggerFactory.getLogger(TokenRefresher.class);
    /** Set on the exchange once a 401 has led to a refresh: a request retries at most once. */
    public static final String REFRESHED_AFTER_401 = "fleetgateTokenRefreshedAfter401";

    private final KafkaAccountStore store;
    private final TeslaOAuthClient tesla;
    private final RefreshTiming timing;
    private final Clock clock;
    private final RandomGenerator random;
    private final Duration waitForOwner;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final Map<String, Due> refreshAt = new ConcurrentHashMap<>();
    /** Refreshed tokens Kafka has not acknowledged yet: the old refresh token is already spent. */
    private final Map<String, Rotation> unsaved = new ConcurrentHashMap<>();
    /** The newest tokens this replica obtained per account, to repair a write that lost them. */
    private final Map<String, Rotation> latest = new ConcurrentHashMap<>();
    private volatile RefreshOwnership ownership;

    private record Failures(int count, Instant retryAt) {}

    private record Due(Instant expiresAt, Instant at) {}

    /** Tokens from one refresh, applied onto whatever the account is when they are written. */
    private record Rotation(Secret access, Secret refresh, Instant issuedAt, Instant expiresAt, java.util.Set<String> scopes) {
        Account applyTo(Account account) {
            Account refreshed = account.withTeslaTokens(access, refresh, issuedAt, expiresAt);
            return scopes.isEmpty() ? refreshed : refreshed.withScopes(scopes);
        }
    }

    /** How a refresh ended. */
    public enum Outcome { REFRESHED, NOT_DUE, NOT_OWNER, NOT_REFRESHABLE, SIGN_IN_REQUIRED, FAILED }

    public TokenRefresher(KafkaAccountStore store, TeslaOAuthClient tesla, RefreshTiming timing, Clock clock,
                          RandomGenerator random, Duration waitForOwner) {
        this.store = store;
        this.tesla = tesla;
        this.timing = timing;
        this.clock = clock;
        this.random = random;
        this.waitForOwner = waitForOwner;
    }

    void ownedBy(RefreshOwnership owner) {
        this.ownership = owner;
    }

    /** The accounts this replica owns whose token is due, or whose failed refresh may be tried again. */
    public List<String> dueAccounts() {
        Instant now = clock.instant();
        RefreshOwnership owner = ownership;
        if (owner == null || !store.isReady()) {
            return List.of();
        }
        repairLostRotations(owner);
        return store.all().stream()
                .filter(a -> a.refreshable() || unsaved.containsKey(a.id()))
                .filter(a -> owner.owns(a.id()))
                .filter(a -> unsaved.containsKey(a.id()) || due(a, now) && backoffOver(a.id(), now))
                .map(Account::id)
                .toList();
    }

    /** A scheduled refresh (the Quartz route's split calls this per due account). */
    public Outcome refreshScheduled(String accountId) {
        return refresh(accountId, null);
    }

    /**
     * After upstream answered 401 with the exchange's account token: refresh once (here if this
     * replica owns the account, else by asking its owner and waiting for the new token), then true
     * when the request should be sent again with the new token now on the exchange.
     */
    public boolean refreshAfterRejection(Exchange exchange) {
        exchange.setProperty(REFRESHED_AFTER_401, true);
        Account used = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        if (used == null || used.teslaRefreshToken() == null) {
            return false;
        }
        String stale = fingerprint(used.teslaAccessToken());
        Optional<Account> fresh = freshAccount(used.id(), stale);
        if (fresh.isEmpty()) {
            RefreshOwnership owner = ownership;
            if (owner != null && owner.owns(used.id())) {
                refresh(used.id(), stale);
            } else if (owner != null) {
                owner.askOwnerToRefresh(used.id(), stale);
                try {
                    store.whenAccount(used.id(), a -> a.signInRequired() || !fingerprint(a.teslaAccessToken()).equals(stale))
                            .get(waitForOwner.toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception noAnswer) {
                    LOG.warn("account {}: no refreshed token from its owning replica within {} ms", used.id(), waitForOwner.toMillis());
                }
            }
            fresh = freshAccount(used.id(), stale);
        }
        fresh.ifPresent(account -> exchange.setProperty(ExchangeKeys.ACCOUNT, account));
        return fresh.isPresent();
    }

    /** Another replica met a 401 with the token whose fingerprint is given. */
    void refreshRequested(String accountId, String staleFingerprint) {
        refresh(accountId, staleFingerprint);
    }

    /** Waits for a refresh of this account in progress here to finish (partition handed over). */
    void awaitIdle(String accountId) {
        ReentrantLock lock = locks.computeIfAbsent(accountId, id -> new ReentrantLock());
        lock.lock();
        lock.unlock();
    }

    /**
     * One refresh, when this replica owns the account. {@code staleFingerprint}: refresh only if
     * the account still has that access token (null: only if it is due).
     */
    Outcome refresh(String accountId, String staleFingerprint) {
        ReentrantLock lock = locks.computeIfAbsent(accountId, id -> new ReentrantLock());
        lock.lock();
        try {
            RefreshOwnership owner = ownership;
            if (owner == null || !owner.owns(accountId)) {
                return Outcome.NOT_OWNER;
            }
            if (unsaved.containsKey(accountId)) {
                return saveUnsaved(accountId);
            }
            // the previous owner's last rotation must be read before a refresh token is presented
            store.caughtUpWithTopic().get(waitForOwner.toMillis(), TimeUnit.MILLISECONDS);
            Optional<Account> found = store.findById(accountId);
            if (found.isEmpty() || !found.get().refreshable()) {
                return Outcome.NOT_REFRESHABLE;
            }
            Account account = found.get();
            Instant now = clock.instant();
            if (staleFingerprint == null ? !due(account, now) : !fingerprint(account.teslaAccessToken()).equals(staleFingerprint)) {
                return Outcome.NOT_DUE;
            }
            return switch (tesla.refresh(account.teslaRefreshToken())) {
                case TeslaOAuthClient.Tokens tokens -> {
                    Instant issued = clock.instant();
                    unsaved.put(accountId, new Rotation(tokens.accessToken(), tokens.refreshToken(), issued,
                            issued.plus(timing.lifetime(tokens.expiresInSeconds())), tokens.scopes()));
                    yield saveUnsaved(accountId);
                }
                case TeslaOAuthClient.LoginRequired refused -> {
                    failures.remove(accountId);
                    // the owner may have signed in while Tesla answered: flag the account as it is
                    // now, and only while it holds the refused token
                    Optional<Account> flagged = store.update(accountId, current ->
                            account.teslaRefreshToken().equals(current.teslaRefreshToken()) ? current.withSignInRequired() : current);
                    if (flagged.isEmpty() || !flagged.get().signInRequired()) {
                        LOG.info("account {}: Tesla refused the refresh token ({}), which the account no longer holds;"
                                + " left as it is", accountId, refused.error());
                        yield Outcome.NOT_DUE;
                    }
                    LOG.warn("account {}: Tesla refused the refresh token ({}); the account owner must sign in again",
                            accountId, refused.error());
                    yield Outcome.SIGN_IN_REQUIRED;
                }
                case TeslaOAuthClient.Failed failed -> {
                    yield failed(accountId, failed.reason());
                }
            };
        } catch (Exception e) {
            return failed(accountId, e.getClass().getSimpleName());
        } finally {
            lock.unlock();
        }
    }

    /** When the account's token is next refreshed (for tests and the admin view). */
    public Optional<Instant> nextRefresh(String accountId) {
        return store.findById(accountId).filter(Account::refreshable).map(a -> refreshAt(a));
    }

    public static String fingerprint(Secret token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.reveal().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Outcome saveUnsaved(String accountId) {
        Rotation rotation = unsaved.get(accountId);
        Account refreshed;
        try {
            // applied to the account as it is now, so a change made meanwhile (a new gateway token) is kept
            Optional<Account> written = store.update(accountId, rotation::applyTo);
            if (written.isEmpty()) {
                unsaved.remove(accountId);
                return Outcome.NOT_REFRESHABLE;
            }
            refreshed = written.get();
        } catch (RuntimeException e) {
            return failed(accountId, "the rotated refresh token is not yet on the accounts topic: " + e.getMessage());
        }
        unsaved.remove(accountId);
        latest.put(accountId, rotation);
        failures.remove(accountId);
        LOG.info("account {}: Tesla access token refreshed; valid until {}", accountId, refreshed.teslaTokenExpiresAt());
        return Outcome.REFRESHED;
    }

    /**
     * Another replica's write of an older account view (an admin change, a learned region) may
     * carry a refresh token this replica has already spent: it writes its newest tokens back.
     */
    private void repairLostRotations(RefreshOwnership owner) {
        latest.forEach((accountId, rotation) -> {
            Optional<Account> stored = store.findById(accountId);
            if (stored.isEmpty() || !owner.owns(accountId)) {
                latest.remove(accountId);
                return;
            }
            if (carriesAnOlderRotation(stored.get(), rotation)) {
                LOG.warn("account {}: a write carried an older Tesla refresh token; writing the newest back", accountId);
                try {
                    store.update(accountId, account -> carriesAnOlderRotation(account, rotation) ? rotation.applyTo(account) : account);
                } catch (RuntimeException e) {
                    LOG.warn("account {}: the newest tokens could not be written back yet: {}", accountId, e.getMessage());
                }
            }
        });
    }

    private static boolean carriesAnOlderRotation(Account account, Rotation rotation) {
        Instant issued = account.teslaTokenIssuedAt();
        return !account.signInRequired() && issued != null && issued.isBefore(rotation.issuedAt())
                && !rotation.refresh().equals(account.teslaRefreshToken());
    }

    private Outcome failed(String accountId, String reason) {
        Failures next = failures.compute(accountId, (id, previous) -> {
            int count = previous == null ? 1 : previous.count() + 1;
            return new Failures(count, clock.instant().plus(timing.backoff(count)));
        });
        LOG.warn("account {}: token refresh failed ({}), attempt {}; next try after {}", accountId, reason,
                next.count(), next.retryAt());
        return Outcome.FAILED;
    }

    private Optional<Account> freshAccount(String accountId, String staleFingerprint) {
        return store.findById(accountId)
                .filter(a -> !a.signInRequired())
                .filter(a -> !fingerprint(a.teslaAccessToken()).equals(staleFingerprint));
    }

    private boolean due(Account account, Instant now) {
        return !now.isBefore(refreshAt(account));
    }

    private Instant refreshAt(Account account) {
        if (account.teslaTokenIssuedAt() == null || account.teslaTokenExpiresAt() == null) {
            return Instant.MIN; // imported with a refresh token: the access token's age is unknown
        }
        // the jitter is drawn once per token, so every sweep agrees on when it is due
        return refreshAt.compute(account.id(), (id, known) -> known != null && known.expiresAt().equals(account.teslaTokenExpiresAt())
                ? known : new Due(account.teslaTokenExpiresAt(),
                        timing.refreshAt(account.teslaTokenIssuedAt(), account.teslaTokenExpiresAt(), random))).at();
    }

    private boolean backoffOver(String accountId, Instant now) {
        Failures f = failures.get(accountId);
        return f == null || !now.isBefore(f.retryAt());
    }
}
