// Human forms of sizes, rates, times and durations for tables and progress lines.
package org.ocitransfer.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.ocitransfer.api.ErrorCategory;

/** Formats numbers and times for people. */
final class Formats {

    private static final DateTimeFormatter AZ_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private Formats() {
    }

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 12.0 MiB}. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** An ISO-8601 instant to the second, or {@code -}. */
    static String time(Instant instant) {
        return instant == null ? "-" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /**
     * An instant as az prints the service's times (Python's {@code isoformat()} of a UTC datetime):
     * {@code 2020-03-04T17:23:21.926152+00:00}, no fraction when it is zero; null for null.
     */
    static String azTime(Instant instant) {
        if (instant == null) {
            return null;
        }
        Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
        String seconds = AZ_SECONDS.format(micros);
        int fraction = micros.getNano() / 1000;
        return seconds + (fraction == 0 ? "" : String.format(Locale.ROOT, ".%06d", fraction)) + "+00:00";
    }

    /** az's START_TIME column: its time with everything from the first {@code .} cut ({@code 2020-03-04T17:23:21}). */
    static String azStartTime(Instant start) {
        String time = azTime(start);
        return time == null ? null : time.split("\\.", 2)[0];
    }

    /**
     * az's DURATION column: {@code HH:MM:SS} from start to finish (hours past 24 keep counting, seconds are cut, not
     * rounded); null when either is missing.
     */
    static String azDuration(Instant start, Instant finish) {
        if (start == null || finish == null) {
            return null;
        }
        long seconds = Math.max(0, Duration.between(start, finish).getSeconds());
        return String.format(Locale.ROOT, "%02d:%02d:%02d", seconds / 3600, seconds % 3600 / 60, seconds % 60);
    }

    /** The value, or {@code -} when null or empty. */
    static String orDash(Object value) {
        String text = value == null ? "" : value.toString();
        return text.isEmpty() ? "-" : text;
    }

    /** A failure's kind for people: {@code UNAVAILABLE (retryable)}, {@code NOT_FOUND (not retryable)}; null for none. */
    static String category(ErrorCategory category) {
        return category == null ? null : category + (category.retryable() ? " (retryable)" : " (not retryable)");
    }
}
