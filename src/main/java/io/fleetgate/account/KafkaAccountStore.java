package io.fleetgate.account;

import io.fleetgate.kafka.KafkaClientConfig;
import io.fleetgate.kafka.StartPosition;
import io.fleetgate.kafka.TopicFollower;
import io.fleetgate.region.Region;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts on the compacted topic {@code fleetgate.accounts.v1}, keyed by account id. Every
 * replica reads the topic from its beginning at start, is {@link #isReady() ready} once it has
 * read up to the end offsets it found, and follows later changes from any replica. A write
 * returns once the broker has acknowledged it (acks=all), and shows locally at once.
 */
public final class KafkaAccountStore extends ServiceSupport implements AccountStore {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAccountStore.class);

    /** Bootstrap servers and security settings of every Kafka client ({@code KafkaClientConfig}). */
    private final Map<String, Object> clientConfig;
    private final String topic;
    private final AccountRecords records;
    private final Duration sendTimeout;
    private final Map<String, Stored> byId = new ConcurrentHashMap<>();
    /** One writer per account at a time (see {@link #underWriteLock}); an account's lock is kept, as accounts are. */
    private final Map<String, ReentrantLock> writeLocks = new ConcurrentHashMap<>();
    /**
     * {@link #all()} as of the last change (null: to be made again); made and dropped under this
     * store's lock. The webhook delivery asks for every event it reads (bench/run stream: building
     * the list of 502 accounts each time was 2 % of Fleetgate's CPU at 2,000 records/s).
     */
    private volatile List<Account> all;
    private final Map<String, String> accountIdByTokenHash = new ConcurrentHashMap<>();
    /** Accounts whose latest record cannot be read (a wrong encryption key, most likely). */
    private final Set<String> unreadable = ConcurrentHashMap.newKeySet();
    private final List<PositionWaiter> positionWaiters = new CopyOnWriteArrayList<>();
    private final List<ChangeWaiter> changeWaiters = new CopyOnWriteArrayList<>();
    private final TopicFollower<String> follower;
    private KafkaProducer<String, String> producer;
    private Admin admin;

    private record Stored(Account account, long offset) {}

    private record PositionWaiter(Map<TopicPartition, Long> targets, CompletableFuture<Void> done) {}

    private record ChangeWaiter(String accountId, Predicate<Account> condition, CompletableFuture<Account> done) {}

    public KafkaAccountStore(Map<String, Object> clientConfig, String topic, AccountRecords records, Duration sendTimeout) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = topic;
        this.records = records;
        this.sendTimeout = sendTimeout;
        this.follower = new TopicFollower<String>("the account store",
                KafkaClientConfig.followerReader(clientConfig, "fleetgate-accounts", StringDeserializer.class),
                topic, StartPosition.beginning(), new TopicFollower.Reader<>() {
                    @Override
                    public void read(ConsumerRecord<String, String> record) {
                        KafkaAccountStore.this.read(record);
                    }

                    @Override
                    public void caughtUp() {
                        LOG.info("accounts: {} read from {}", byId.size(), topic);
                    }

                    @Override
                    public void polled() {
                        checkPositions();
                    }
                }).paced(KafkaClientConfig.FOLLOWER_PACE);
    }

    /** True once the topic has been read up to where it ended when this replica started. */
    public boolean isReady() {
        return follower.isCaughtUp();
    }

    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    /** Writes the accounts of the import file that the topic does not hold yet; returns how many. */
    public int importAbsent(List<Account> accounts) {
        // all sent before any is waited for: one produce request carries many (a file of 1,000
        // accounts took 1,000 round trips one after the other)
        List<Account> absent = accounts.stream().filter(account -> !byId.containsKey(account.id())).toList();
        List<Future<RecordMetadata>> sent = new ArrayList<>(absent.size());
        for (Account account : absent) {
            sent.add(send(account));
        }
        for (int i = 0; i < absent.size(); i++) {
            Account account = absent.get(i);
            apply(account.id(), account, acknowledged(account, sent.get(i)).offset());
        }
        return absent.size();
    }

    /** Ids of accounts whose latest record this replica could not read (it does not serve them). */
    public Set<String> unreadableAccounts() {
        return Set.copyOf(unreadable);
    }

    @Override
    public Optional<Account> findByGatewayTokenHash(String sha256) {
        String accountId = accountIdByTokenHash.get(sha256);
        return accountId == null ? Optional.empty() : findById(accountId);
    }

    @Override
    public Optional<Account> findById(String accountId) {
        Stored stored = byId.get(accountId);
        return stored == null ? Optional.empty() : Optional.of(stored.account());
    }

    @Override
    public List<Account> all() {
        List<Account> accounts = all;
        return accounts != null ? accounts : allAgain();
    }

    private synchronized List<Account> allAgain() {
        if (all == null) {
            all = byId.values().stream().map(Stored::account).toList();
        }
        return all;
    }

    @Override
    public void updateRegion(String accountId, Region region) {
        try {
            update(accountId, account -> account.withRegion(region));
        } catch (RuntimeException e) {
            // the request goes on in the learned region; the next 421 tries to record it again
            LOG.warn("account {}: region {} could not be written to {}: {}", accountId, region.code(), topic, e.getMessage());
        }
    }

    @Override
    public <T> T underWriteLock(String accountId, Supplier<T> write) {
        ReentrantLock lock = writeLocks.computeIfAbsent(accountId, id -> new ReentrantLock());
        lock.lock();
        try {
            return write.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void save(Account account) {
        apply(account.id(), account, acknowledged(account, send(account)).offset());
    }

    private Future<RecordMetadata> send(Account account) {
        return producer.send(new ProducerRecord<>(topic, account.id(), records.write(account)));
    }

    private RecordMetadata acknowledged(Account account, Future<RecordMetadata> sent) {
        try {
            return sent.get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing account " + account.id());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("account " + account.id() + " was not acknowledged by " + topic + ": "
                    + (e.getCause() == null ? e : e.getCause()).getClass().getSimpleName());
        }
    }

    /**
     * Completes once this replica has read every account record written before the call (by any
     * replica); used before a refresh so the latest refresh token is the one presented.
     */
    public CompletableFuture<Void> caughtUpWithTopic() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            follower.positions().keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, Long> targets = new HashMap<>();
            admin.listOffsets(latest).all().get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((tp, info) -> targets.put(tp, info.offset()));
            PositionWaiter waiter = new PositionWaiter(targets, done);
            positionWaiters.add(waiter);
            checkPositions();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(e);
        } catch (ExecutionException | TimeoutException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /** Completes with the account once it (as this replica sees it) meets the condition. */
    public CompletableFuture<Account> whenAccount(String accountId, Predicate<Account> condition) {
        ChangeWaiter waiter = new ChangeWaiter(accountId, condition, new CompletableFuture<>());
        changeWaiters.add(waiter);
        findById(accountId).filter(condition).ifPresent(waiter.done()::complete);
        waiter.done().whenComplete((a, e) -> changeWaiters.remove(waiter));
        return waiter.done();
    }

    @Override
    protected void doStart() {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(sendTimeout.toMillis()));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(sendTimeout.toMillis(), 1000)));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(sendTimeout.toMillis() - 1, 500)));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "fleetgate-accounts-writer");
        producer = new KafkaProducer<>(p);
        Map<String, Object> a = new java.util.HashMap<>(clientConfig);
        a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.max(sendTimeout.toMillis(), 1000));
        a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(sendTimeout.toMillis() - 1, 500));
        admin = Admin.create(a);
        follower.start();
    }

    @Override
    protected void doStop() {
        follower.stop();
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
        positionWaiters.forEach(w -> w.done().cancel(false));
        changeWaiters.forEach(w -> w.done().cancel(false));
    }

    private boolean reached(Map<TopicPartition, Long> targets) {
        Map<TopicPartition, Long> positions = follower.positions();
        return targets.entrySet().stream().allMatch(target -> positions.getOrDefault(target.getKey(), 0L) >= target.getValue());
    }

    private void checkPositions() {
        for (PositionWaiter waiter : positionWaiters) {
            if (reached(waiter.targets())) {
                positionWaiters.remove(waiter);
                waiter.done().complete(null);
            }
        }
    }

    private void read(ConsumerRecord<String, String> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            apply(record.key(), null, record.offset());
            return;
        }
        try {
            apply(record.key(), records.read(record.value()), record.offset());
        } catch (RuntimeException e) {
            unreadable.add(record.key());
            // the message names the account and the reason, never a token
            LOG.warn("skipping account record at offset {} of {}: {}", record.offset(), topic, e.getMessage());
        }
    }

    /** Newest offset wins, so an acknowledged write and the same record read back agree. */
    private synchronized void apply(String accountId, Account account, long offset) {
        Stored current = byId.get(accountId);
        if (current != null && current.offset() > offset) {
            return;
        }
        unreadable.remove(accountId);
        all = null;
        // lookups run unlocked on the event loops: a token the account keeps stays in the index
        // throughout (taking all out and back let requests meanwhile get 401 invalid_token), and a
        // token it drops leaves before the new account is in place
        Set<String> kept = account == null ? Set.of() : tokenHashes(account);
        if (current != null) {
            current.account().gatewayTokens().stream().map(GatewayToken::sha256).filter(hash -> !kept.contains(hash))
                    .forEach(hash -> accountIdByTokenHash.remove(hash, accountId));
        }
        if (account == null) {
            byId.remove(accountId);
            return;
        }
        byId.put(accountId, new Stored(account, offset));
        kept.forEach(hash -> accountIdByTokenHash.put(hash, accountId));
        for (ChangeWaiter waiter : changeWaiters) {
            if (waiter.accountId().equals(accountId) && waiter.condition().test(account)) {
                waiter.done().complete(account);
            }
        }
    }

    /** The SHA-256 of each of the account's gateway tokens. */
    static Set<String> tokenHashes(Account account) {
        return account.gatewayTokens().stream().map(GatewayToken::sha256).collect(Collectors.toUnmodifiableSet());
    }
}
