package io.fleetgate.account;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Objects;

/**
 * How many credits an account may spend per period (CONTRACT section 8). Periods are calendar
 * days or months in UTC, so every replica agrees on when a period renews.
 */
public record CreditBudget(long credits, Period period) {

    public CreditBudget {
        Objects.requireNonNull(period, "period");
        if (credits < 0) {
            throw new IllegalArgumentException("a credit budget is never negative");
        }
    }

    /** The start of the period holding {@code instant}. */
    public Instant periodStart(Instant instant) {
        return period.start(instant);
    }

    /** The start of the next period after the one holding {@code instant}. */
    public Instant periodEnd(Instant instant) {
        return period.next(instant);
    }

    public enum Period {
        DAY, MONTH;

        public static Period fromText(String text) {
            return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
                case "day", "daily" -> DAY;
                case "month", "monthly" -> MONTH;
                default -> throw new IllegalArgumentException("a credit budget period is day or month");
            };
        }

        Instant start(Instant instant) {
            LocalDate date = instant.atOffset(ZoneOffset.UTC).toLocalDate();
            LocalDate first = this == DAY ? date : date.withDayOfMonth(1);
            return first.atStartOfDay().toInstant(ZoneOffset.UTC);
        }

        Instant next(Instant instant) {
            LocalDate first = start(instant).atOffset(ZoneOffset.UTC).toLocalDate();
            return (this == DAY ? first.plusDays(1) : first.plusMonths(1)).atStartOfDay().toInstant(ZoneOffset.UTC);
        }
    }
}
