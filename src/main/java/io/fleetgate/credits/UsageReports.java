package io.fleetgate.credits;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.account.Account;
import io.fleetgate.account.CreditBudget;
import io.fleetgate.audit.AuditEvent;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.GatewayError;
import io.fleetgate.ingress.IncomingRequest;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.kafka.KafkaClientConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code GET /api/usage?from=&to=}: what spent the caller's account's credits in a window, by
 * endpoint, by gateway token name and by client library. Read from the audit topic itself for
 * the window (every event keyed by the account whose request arrived in [from, to)), so the
 * report's totals are the sums of the audit events' credits, whichever replica wrote them.
 * Events still waiting in a replica's buffer (a few ms) show up in the next report.
 */
public final class UsageReports {
    private static final ObjectMapper JSON = JsonMappers.newMapper();
    /** An event's record is stamped when published, at or after the request arrived: seek a little earlier. */
    private static final Duration READ_BACK_MARGIN = Duration.ofMinutes(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    /** Bootstrap servers and security settings of every Kafka client ({@code KafkaClientConfig}). */
    private final Map<String, Object> clientConfig;
    private final String topic;
    private final Clock clock;
    private final CreditBudgets budgets;
    private final AtomicLong reports = new AtomicLong();

    public UsageReports(Map<String, Object> clientConfig, String topic, Clock clock, CreditBudgets budgets) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = topic;
        this.clock = clock;
        this.budgets = budgets;
    }

    /** Answers with the report of the exchange's account; 400 {@code invalid_request} for a bad window. */
    public void report(Exchange exchange) {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        String query = IncomingRequest.rawQuery(exchange.getMessage());
        Instant now = clock.instant();
        Instant from = instant(query, "from").orElse(LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1)
                .atStartOfDay().toInstant(ZoneOffset.UTC));
        Instant to = instant(query, "to").orElse(now);
        if (!from.isBefore(to)) {
            throw GatewayError.invalidRequest("'from' must be before 'to'.");
        }
        Summary summary = new Summary();
        readEvents(account.id(), from, to, summary::add);
        ObjectNode report = summary.toJson();
        report.put("account_id", account.id());
        report.put("from", from.toString());
        report.put("to", to.toString());
        CreditBudget budget = account.creditBudget();
        if (budget == null) {
            report.putNull("budget");
        } else {
            report.putObject("budget")
                    .put("credits", budget.credits())
                    .put("period", budget.period().name().toLowerCase(Locale.ROOT))
                    .put("spent", budgets.spentThisPeriod(account))
                    .put("renews_at", budget.periodEnd(now).toString());
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("response", report);
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setHeader("x-region", account.region().code());
        out.setBody(body.toString());
    }

    /** {@code POST /api/1/vehicles/{vin}/command/honk_horn}: method and path template, with the command named. */
    static String endpoint(AuditEvent event) {
        String template = event.pathTemplate();
        if (template == null) {
            return event.method() + " (unknown path)";
        }
        if (event.command() != null && template.endsWith("/{command}")) {
            template = template.substring(0, template.length() - "{command}".length()) + event.command();
        }
        return event.method() + " " + template;
    }

    /**
     * Hands each of the account's events whose request arrived in [from, to) to {@code sink}, as the
     * topic holds them now. Every event of an account is keyed by its id, so only the partition the
     * producer's default partitioner gives that key is read, and only from shortly before
     * {@code from} to shortly after {@code to}: a report costs the account's own traffic in the
     * window, not the whole topic's, and holds sums, not events.
     */
    void readEvents(String accountId, Instant from, Instant to, Consumer<AuditEvent> sink) {
        // one consumer per report; distinct ids keep concurrent reports' client metrics apart
        Properties p = KafkaClientConfig.topicReader(clientConfig, "fleetgate-usage-report-" + reports.incrementAndGet(),
                ByteArrayDeserializer.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            int partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).size();
            TopicPartition partition = new TopicPartition(topic, partitionOf(accountId, partitions));
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            OffsetAndTimestamp start = consumer.offsetsForTimes(
                    Map.of(partition, from.minus(READ_BACK_MARGIN).toEpochMilli())).get(partition);
            consumer.seek(partition, start != null ? start.offset() : end);
            // records are stamped when published, at or after their request arrived
            long lastStamp = to.plus(READ_BACK_MARGIN).toEpochMilli();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (consumer.position(partition) < end) {
                if (System.nanoTime() > deadline) {
                    throw new GatewayError(503, "service_unavailable", "The audit topic could not be read in time; try again shortly.");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() >= end || record.timestamp() > lastStamp) {
                        return; // past where the topic ended when the report began, or past the window
                    }
                    if (accountId.equals(record.key())) {
                        AuditRecords.read(record.value())
                                .filter(e -> accountId.equals(e.accountId()))
                                .filter(e -> !e.time().isBefore(from) && e.time().isBefore(to))
                                .ifPresent(sink);
                    }
                }
            }
        } catch (KafkaException e) {
            throw new GatewayError(503, "service_unavailable", "The audit topic cannot be read right now; try again shortly.");
        }
    }

    /** The partition Kafka's default partitioner puts a record with this (String) key in. */
    static int partitionOf(String key, int partitions) {
        return BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions);
    }

    /** Totals and the three breakdowns (each sorted by credits, most first), summed as events arrive. */
    static final class Summary {
        private long credits;
        private long requests;
        private final Map<Optional<String>, long[]> byEndpoint = new HashMap<>();
        private final Map<Optional<String>, long[]> byTokenName = new HashMap<>();
        private final Map<Optional<String>, long[]> byClientLibrary = new HashMap<>();

        void add(AuditEvent event) {
            credits += event.credits();
            requests++;
            count(byEndpoint, endpoint(event), event);
            count(byTokenName, event.tokenName(), event);
            count(byClientLibrary, event.clientLibrary(), event);
        }

        ObjectNode toJson() {
            ObjectNode report = JSON.createObjectNode();
            report.put("credits", credits);
            report.put("requests", requests);
            report.set("by_endpoint", breakdown(byEndpoint, "endpoint"));
            report.set("by_token_name", breakdown(byTokenName, "token_name"));
            report.set("by_client_library", breakdown(byClientLibrary, "client_library"));
            return report;
        }

        private static void count(Map<Optional<String>, long[]> sums, String key, AuditEvent event) {
            long[] sum = sums.computeIfAbsent(Optional.ofNullable(key), k -> new long[2]);
            sum[0] += event.credits();
            sum[1]++;
        }

        private static ArrayNode breakdown(Map<Optional<String>, long[]> sums, String field) {
            List<Map.Entry<Optional<String>, long[]>> rows = new ArrayList<>(sums.entrySet());
            rows.sort(Comparator.<Map.Entry<Optional<String>, long[]>>comparingLong(e -> -e.getValue()[0])
                    .thenComparingLong(e -> -e.getValue()[1])
                    .thenComparing(e -> e.getKey().orElse("")));
            ArrayNode array = JSON.createArrayNode();
            for (Map.Entry<Optional<String>, long[]> row : rows) {
                ObjectNode node = array.addObject();
                row.getKey().ifPresentOrElse(value -> node.put(field, value), () -> node.putNull(field));
                node.put("credits", row.getValue()[0]);
                node.put("requests", row.getValue()[1]);
            }
            return array;
        }
    }

    /** A query parameter as an ISO-8601 instant, or a date meaning the start of that UTC day. */
    private static Optional<Instant> instant(String query, String name) {
        Optional<String> text = IncomingRequest.queryParameter(query, name).map(String::trim);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String value = text.get();
        try {
            return Optional.of(value.length() == 10 ? LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC)
                    : Instant.parse(value));
        } catch (DateTimeParseException e) {
            throw GatewayError.invalidRequest("'" + name + "' must be an ISO-8601 instant such as 2026-11-01T00:00:00Z"
                    + " or a date such as 2026-11-01 (the start of that day, UTC).");
        }
    }
}
