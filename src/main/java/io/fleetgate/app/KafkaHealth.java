package io.fleetgate.app;

import io.fleetgate.ingress.GatewayError;
import io.fleetgate.kafka.KafkaClientConfig;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Kafka cluster answers, checked every {@code interval} ms with a short timeout.
 * A REST command is refused with 503 at once while it does not, instead of waiting out the
 * producer's delivery timeout, which is long enough to carry a burst of commands. Kafka counts as
 * away after {@value #MISSES_BEFORE_AWAY} probes in a row went unanswered: one slow answer (a
 * broker's collection, a busy host) does not turn commands away. Each change is one WARN line:
 * "unreachable", then "reachable again" with how long it was away and how many audit events wait
 * for it. It decides no readiness: reads go on while Kafka is away.
 */
public final class KafkaHealth extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaHealth.class);
    static final int MISSES_BEFORE_AWAY = 2;

    private final String bootstrapServers;
    private final Map<String, Object> clientConfig;
    private final long intervalMillis;
    private volatile boolean up = true;
    /** Probes unanswered in a row (the probe thread's alone). */
    private int misses;
    /** System.nanoTime() when Kafka stopped answering; meaningful while it does not. */
    private volatile long downSince;
    private volatile LongSupplier waitingAuditEvents = () -> 0;
    private Admin admin;
    private ScheduledExecutorService probe;

    public KafkaHealth(String bootstrapServers, long intervalMillis) {
        this(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), intervalMillis);
    }

    /** @param clientConfig bootstrap servers and security settings ({@link KafkaClientConfig}) */
    public KafkaHealth(Map<String, Object> clientConfig, long intervalMillis) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.bootstrapServers = String.valueOf(clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        this.intervalMillis = intervalMillis;
    }

    public boolean isUp() {
        return up;
    }

    /** How long Kafka has not answered; zero while it does. */
    public java.time.Duration away() {
        return up ? java.time.Duration.ZERO : java.time.Duration.ofNanos(System.nanoTime() - downSince);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** How many audit events wait for Kafka (memory and journal), said when it is back. */
    public void waitingAuditEvents(LongSupplier waiting) {
        this.waitingAuditEvents = waiting;
    }

    /** Refuses with 503 service_unavailable while Kafka does not answer. */
    public void requireUp() {
        if (!up) {
            throw new GatewayError(503, "service_unavailable", "Fleetgate cannot queue commands right now; try again shortly.");
        }
    }

    @Override
    protected void doStart() {
        Map<String, Object> config = new java.util.HashMap<>(clientConfig);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(500, intervalMillis * 2));
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.max(500, intervalMillis * 2));
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, (int) intervalMillis);
        admin = Admin.create(config);
        probe = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("fleetgate-kafka-health").unstarted(r));
        probe.scheduleWithFixedDelay(this::check, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (probe != null) {
            probe.shutdownNow();
        }
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(1));
        }
    }

    private void check() {
        boolean answered;
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) Math.max(500, intervalMillis * 2)))
                    .nodes().get(intervalMillis * 3, TimeUnit.MILLISECONDS);
            answered = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            answered = false;
        }
        probed(answered, System.nanoTime());
    }

    /** One probe's outcome at {@code nanoTime}: what it changes, and the line saying so. */
    void probed(boolean answered, long nanoTime) {
        if (answered) {
            if (misses >= MISSES_BEFORE_AWAY) {
                long awaySeconds = Math.round((nanoTime - downSince) / 1e9);
                up = true;
                LOG.warn("Kafka reachable again at {} (away {} s, {} audit events waiting)", bootstrapServers, awaySeconds,
                        waitingAuditEvents.getAsLong());
            }
            misses = 0;
            return;
        }
        if (misses >= MISSES_BEFORE_AWAY) {
            return;
        }
        if (++misses == 1) {
            // away since the first probe it did not answer, should the next one not be answered either
            downSince = nanoTime;
        }
        if (misses == MISSES_BEFORE_AWAY) {
            up = false;
            LOG.warn("Kafka unreachable at {}: REST commands get 503 and audit events wait until it answers; reads go on",
                    bootstrapServers);
        }
    }
}
