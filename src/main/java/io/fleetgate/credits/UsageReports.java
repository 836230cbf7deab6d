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
import io.fleetgate.kafka.PartitionOwnership;
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
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code GET /api/usage?from=&to=}: what spent the caller's account's credits in a window, by
 * endpoint, by gateway token name and by client library. Whole UTC days come from the usage
 * totals (roll-ups, plus the events since them): a report costs the window's days and rows, not
 * its events. A window end that is not on a day start reads that partial day's events from the
 * audit topic (the account's partition, from just before to just after that part of the day),
 * unless the window runs to now or later: then today's total so far is that day's.
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
    private final CreditLedger ledger;
    private final AtomicLong reports = new AtomicLong();
    private final LongAdder recordsRead = new LongAdder();

    public UsageReports(Map<String, Object> clientConfig, String topic, Clock clock, CreditBudgets budgets, CreditLedger ledger) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = topic;
        this.clock = clock;
        this.budgets = budgets;
        this.ledger = ledger;
    }

    /** Answers with the report of the exchange's account; 400 {@code invalid_request} for a bad window. */
    public void report(Exchange exchange) throws InterruptedException {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        String query = IncomingRequest.rawQuery(exchange.getMessage());
        Instant now = clock.instant();
        Instant from = instant(query, "from").orElse(LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1)
                .atStartOfDay().toInstant(ZoneOffset.UTC));
        Instant to = instant(query, "to").orElse(now);
        if (!from.isBefore(to)) {
            throw GatewayError.invalidRequest("'from' must be before 'to'.");
        }
        Summary summary = summarise(account.id(), from, to, now);
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

    /** The window's whole days from the totals; its partial days at either end from the audit topic. */
    Summary summarise(String accountId, Instant from, Instant to, Instant now) throws InterruptedException {
        // right after a start, the totals are read back first (bounded, as the budget check does)
        if (!ledger.isCaughtUp() && !ledger.awaitCaughtUp(READ_TIMEOUT)) {
            throw new GatewayError(503, "service_unavailable", "Usage totals are still being read back; try again shortly.");
        }
        Summary summary = new Summary();
        Instant wholeFrom = isDayStart(from) ? from : dayStart(from).plus(Duration.ofDays(1));
        // a window running to now or later holds today's total so far: no event arrives after now
        Instant wholeTo = isDayStart(to) ? to : !to.isBefore(now) ? dayStart(to).plus(Duration.ofDays(1)) : dayStart(to);
        if (!wholeFrom.isBefore(wholeTo)) {
            readEvents(accountId, from, to, summary::add);
            return summary;
        }
        ledger.rows(accountId, UsageTotals.day(wholeFrom), UsageTotals.day(wholeTo), summary::add);
        if (from.isBefore(wholeFrom)) {
            readEvents(accountId, from, wholeFrom, summary::add);
        }
        if (wholeTo.isBefore(to)) {
            readEvents(accountId, wholeTo, to, summary::add);
        }
        return summary;
    }

    private static boolean isDayStart(Instant instant) {
        return dayStart(instant).equals(instant);
    }

    private static Instant dayStart(Instant instant) {
        return UsageTotals.day(instant).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    /**
     * Hands each of the account's events whose request arrived in [from, to) to {@code sink}, as the
     * topic holds them now. Every event of an account is keyed by its id, so only the partition the
     * producer's default partitioner gives that key is read, and only from shortly before
     * {@code from} to shortly after {@code to}: a report costs the account's own traffic in the
     * window, not the whole topic's, and holds sums, not events. Also the console's recent commands
     * of a vehicle (io.fleetgate.ops.AdminVehicles).
     */
    public void readEvents(String accountId, Instant from, Instant to, Consumer<AuditEvent> sink) {
        readEventsSince(accountId, null, from, to, sink);
    }

    /** Where a read of an account's events ended: the audit topic's partition count then, and the next offset. */
    public record ReadUpTo(int partitions, long offset) {}

    /**
     * {@link #readEvents}, but after an earlier read of the same account's events only what the topic
     * got since ({@code after}: where that read ended; null, or the topic's partitions changed since:
     * from shortly before {@code from}, as always when that read ended before it). The console's page,
     * refreshed every few seconds, then reads the records of those seconds, not the whole window
     * again. Returns where this read ended.
     */
    public ReadUpTo readEventsSince(String accountId, ReadUpTo after, Instant from, Instant to, Consumer<AuditEvent> sink) {
        // one consumer per report; distinct ids keep concurrent reports' client metrics apart
        Properties p = KafkaClientConfig.topicReader(clientConfig, "fleetgate-usage-report-" + reports.incrementAndGet(),
                ByteArrayDeserializer.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            int partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).size();
            TopicPartition partition = new TopicPartition(topic, partitionOf(accountId, partitions));
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            OffsetAndTimestamp windowStart = consumer.offsetsForTimes(
                    Map.of(partition, from.minus(READ_BACK_MARGIN).toEpochMilli())).get(partition);
            long start = windowStart != null ? windowStart.offset() : end;
            if (after != null && after.partitions() == partitions) {
                // a read long ago may have ended before the window starts now: what lies between is outside it
                start = Math.max(start, Math.min(after.offset(), end));
            }
            consumer.seek(partition, start);
            // records are stamped when published, at or after their request arrived
            long lastStamp = to.plus(READ_BACK_MARGIN).toEpochMilli();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (consumer.position(partition) < end) {
                if (System.nanoTime() > deadline) {
                    throw new GatewayError(503, "service_unavailable", "The audit topic could not be read in time; try again shortly.");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() >= end) {
                        return new ReadUpTo(partitions, end); // past where the topic ended when the read began
                    }
                    if (record.timestamp() > lastStamp) {
                        return new ReadUpTo(partitions, record.offset()); // past the window
                    }
                    recordsRead.increment();
                    if (accountId.equals(record.key())) {
                        AuditRecords.read(record.value())
                                .filter(e -> accountId.equals(e.accountId()))
                                .filter(e -> !e.time().isBefore(from) && e.time().isBefore(to))
                                .ifPresent(sink);
                    }
                }
            }
            return new ReadUpTo(partitions, end);
        } catch (KafkaException e) {
            throw new GatewayError(503, "service_unavailable", "The audit topic cannot be read right now; try again shortly.");
        }
    }

    /** Audit records reports and the console have read so far (what a read costs grows with it). */
    public long recordsRead() {
        return recordsRead.sum();
    }

    /** The partition Kafka's default partitioner puts a record with this (String) key in. */
    static int partitionOf(String key, int partitions) {
        return PartitionOwnership.partitionOf(key, partitions);
    }

    /** Totals and the three breakdowns (each sorted by credits, most first), summed as events arrive. */
    static final class Summary {
        private long credits;
        private long requests;
        private final Map<Optional<String>, long[]> byEndpoint = new HashMap<>();
        private final Map<Optional<String>, long[]> byTokenName = new HashMap<>();
        private final Map<Optional<String>, long[]> byClientLibrary = new HashMap<>();
        /** Per UTC day, in order: what a chart of the window draws. */
        private final java.util.TreeMap<LocalDate, long[]> byDay = new java.util.TreeMap<>();

        void add(AuditEvent event) {
            add(UsageTotals.day(event.time()), UsageRow.of(event), event.credits(), 1);
        }

        void add(LocalDate day, UsageRow row, long rowCredits, long rowRequests) {
            credits += rowCredits;
            requests += rowRequests;
            long[] daySum = byDay.computeIfAbsent(day, d -> new long[2]);
            daySum[0] += rowCredits;
            daySum[1] += rowRequests;
            count(byEndpoint, row.endpoint(), rowCredits, rowRequests);
            count(byTokenName, row.tokenName(), rowCredits, rowRequests);
            count(byClientLibrary, row.clientLibrary(), rowCredits, rowRequests);
        }

        ObjectNode toJson() {
            ObjectNode report = JSON.createObjectNode();
            report.put("credits", credits);
            report.put("requests", requests);
            report.set("by_endpoint", breakdown(byEndpoint, "endpoint"));
            report.set("by_token_name", breakdown(byTokenName, "token_name"));
            report.set("by_client_library", breakdown(byClientLibrary, "client_library"));
            ArrayNode days = report.putArray("by_day");
            byDay.forEach((day, sum) -> days.addObject().put("day", day.toString()).put("credits", sum[0]).put("requests", sum[1]));
            return report;
        }

        private static void count(Map<Optional<String>, long[]> sums, String key, long credits, long requests) {
            long[] sum = sums.computeIfAbsent(Optional.ofNullable(key), k -> new long[2]);
            sum[0] += credits;
            sum[1] += requests;
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
