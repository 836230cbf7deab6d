package io.fleetgate.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.region.Region;
import io.fleetgate.testing.AdminApi;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A write of an account (a token refresh, a learned region, an admin change) and its record read
 * back from the accounts topic never make the account's gateway tokens unknown, not even for the
 * moment the store swaps the account: a caller's request then would be refused 401
 * {@code invalid_token} for nothing. A token the write removes is refused at once.
 */
class AccountWritesKeepTokensKnownTest {

    @Test
    void tokensIssuedAtOnceForOneAccountAreAllKept() throws Exception {
        TestAccount ops = CommandFleet.account();
        try (GatewayHarness harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(ops)
                .setting("fleetgate.webhooks.allow-private-addresses", "true").start()) {
            AdminApi admin = new AdminApi(harness);
            ExecutorService callers = Executors.newFixedThreadPool(16);
            List<Future<String>> issued = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String name = "at-once-" + i;
                issued.add(callers.submit(() -> admin.issueToken(ops.id(), name)));
            }
            // and a webhook endpoint and a budget meanwhile, which rewrite the same account
            Future<?> webhook = callers.submit(() -> AdminApi.expect(201, admin.send("POST", "/admin/accounts/" + ops.id()
                    + "/webhooks", "{\"url\":\"https://127.0.0.1:9/fleet\",\"secret\":\"0123456789abcdef0123\",\"topics\":[\"data\"]}")));
            Future<?> budget = callers.submit(() -> AdminApi.expect(200, admin.send("PUT", "/admin/accounts/" + ops.id()
                    + "/credit-budget", "{\"credits\":5000,\"period\":\"month\"}")));
            List<String> tokens = new ArrayList<>();
            for (Future<String> token : issued) {
                tokens.add(token.get(60, TimeUnit.SECONDS));
            }
            webhook.get(60, TimeUnit.SECONDS);
            budget.get(60, TimeUnit.SECONDS);
            callers.shutdown();

            Account account = TokenRefreshTest.store(harness).findById(ops.id()).orElseThrow();
            assertThat(account.gatewayTokens()).hasSize(17);
            assertThat(account.webhooks()).hasSize(1);
            assertThat(account.creditBudget()).isNotNull();
            for (String token : tokens) {
                assertThat(harness.get("/api/1/vehicles", token).statusCode()).as("a token issued at once with others").isEqualTo(200);
            }
        }
    }

    @Test
    void aGatewayTokenTheAccountKeepsIsFoundThroughEveryWrite() throws Exception {
        TestAccount ops = CommandFleet.account();
        try (GatewayHarness harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(ops).start()) {
            KafkaAccountStore store = TokenRefreshTest.store(harness);
            Account account = store.findById(ops.id()).orElseThrow();
            // many tokens, so a swap of the token index that takes them all away first lasts a while
            List<GatewayToken> tokens = new ArrayList<>(account.gatewayTokens());
            for (int i = 0; i < 200; i++) {
                tokens.add(new GatewayToken("extra-" + i, GatewayToken.hash("extra-token-" + i)));
            }
            String watched = GatewayToken.hash(ops.gatewayToken());
            store.save(account.withGatewayTokens(tokens));

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong lookups = new AtomicLong();
            AtomicLong misses = new AtomicLong();
            Thread reader = Thread.ofPlatform().start(() -> {
                while (writing.get()) {
                    lookups.incrementAndGet();
                    if (store.findByGatewayTokenHash(watched).isEmpty()) {
                        misses.incrementAndGet();
                    }
                }
            });
            Account current = store.findById(ops.id()).orElseThrow();
            for (int i = 0; i < 300; i++) {
                // each save is applied at once and again when the store reads its record back
                current = current.withRegion(i % 2 == 0 ? Region.EU : Region.NA);
                store.save(current);
            }
            writing.set(false);
            reader.join();

            assertThat(lookups.get()).isPositive();
            assertThat(misses.get()).as("lookups of a kept token that found no account, of %d", lookups.get()).isZero();

            // a token the write drops is unknown at once, and a request with it is refused
            store.save(current.withRegion(Region.NA).withGatewayTokens(tokens.subList(1, tokens.size())
                    .stream().filter(t -> !t.sha256().equals(watched)).toList()));
            assertThat(store.findByGatewayTokenHash(watched)).isEmpty();
            HttpResponse<byte[]> refused = harness.get("/api/1/vehicles", ops.gatewayToken());
            assertThat(refused.statusCode()).isEqualTo(401);
        }
    }
}
