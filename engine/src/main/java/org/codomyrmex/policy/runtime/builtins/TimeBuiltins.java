package org.codomyrmex.policy.runtime.builtins;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.types.Type;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import static org.codomyrmex.policy.runtime.builtins.Args.fn;
import static org.codomyrmex.policy.runtime.builtins.Args.p;

/**
 * Durations and timestamps. Durations use Go's syntax ({@code 1h30m}, {@code 1.5s}, {@code 300ms}), which is
 * what Docker healthchecks ({@code --interval=30s}), compose ({@code stop_grace_period: 1m30s}) and most
 * container tooling write; numbers are seconds, as in Kubernetes probes ({@code periodSeconds: 10}).
 *
 * <p>{@code age_days} reads the clock. It is the system clock unless {@link #setClock(Clock)} replaced it: tests
 * and reproducible runs (a policy test suite, a golden report) fix it there.
 */
public final class TimeBuiltins {
    static final String CATEGORY = "time";

    private static final Pattern GO_DURATION = Pattern.compile("[-+]?(?:0|(?:(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+)");
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)");
    /** RFC 3339 allows a space or a lower-case t between date and time, and a lower-case z. */
    private static final Pattern RFC3339 = Pattern.compile(
        "([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ]([0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]{1,9})?)([Zz]|[+-][0-9]{2}:[0-9]{2})");
    private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    private static final double SECONDS_PER_DAY = 86_400;

    private static volatile Clock clock = Clock.systemUTC();

    private TimeBuiltins() {
    }

    /** The clock {@code age_days} measures against. */
    public static Clock clock() {
        return clock;
    }

    /**
     * Replaces the clock {@code age_days} measures against, for every evaluation in this JVM: for tests and for
     * runs that must give the same report tomorrow. Pass {@code Clock.systemUTC()} to restore the default.
     */
    public static void setClock(Clock newClock) {
        clock = Objects.requireNonNull(newClock, "clock");
    }

    static void register(Consumer<Builtin> add) {
        add.accept(fn(CATEGORY, "duration", List.of(p("d", Type.ANY)), Type.FLOAT,
            "A duration in seconds. Strings use Go's duration syntax, as in Docker healthchecks and compose: a "
                + "sequence of decimal numbers with units h, m, s, ms, us (or µs), ns, such as `1h30m`, `1.5s`, "
                + "`300ms`, `-2m`, or `0`. Numbers are already seconds. Null for anything else (`10` as a string, "
                + "`1d`).",
            "duration(\"1h30m\") == 5400.0 and duration(\"250ms\") == 0.25 and duration(30) == 30.0",
            a -> {
                Double seconds = seconds(a[0]);
                return seconds == null ? Values.NULL : Values.number(seconds);
            }));
        add.accept(fn(CATEGORY, "age_days", List.of(p("timestamp", Type.STRING)), Type.FLOAT,
            "Days (with fraction) from an RFC 3339 timestamp (`2024-05-01T12:00:00Z`, with any offset and up to "
                + "nanoseconds, as in image `created`) or a date (`2024-05-01`, midnight UTC) until now; negative "
                + "for a time in the future. Null when not a valid timestamp.",
            "age_days(\"2000-01-01T00:00:00Z\") > 365 and age_days(\"yesterday\") == null",
            a -> {
                Instant t = a[0] instanceof Value.Str s ? instant(s.value().strip()) : null;
                if (t == null) return Values.NULL;
                Duration d = Duration.between(t, clock.instant());
                return Values.number((d.getSeconds() + d.getNano() / 1e9) / SECONDS_PER_DAY);
            }));
    }

    static Double seconds(Value v) {
        if (v instanceof Value.Int i) return (double) i.value();
        if (v instanceof Value.Float f) return Double.isFinite(f.value()) ? f.value() : null;
        if (!(v instanceof Value.Str s)) return null;
        String text = s.value().strip();
        if (!GO_DURATION.matches(text)) return null;
        boolean negative = text.startsWith("-");
        if (text.startsWith("-") || text.startsWith("+")) text = text.substring(1);
        BigDecimal total = BigDecimal.ZERO;
        Matcher m = DURATION_PART.matcher(text);
        while (m.find()) {
            int exponent = switch (m.group(2)) {
                case "h" -> 0;
                case "m" -> 0;
                case "s" -> 0;
                case "ms" -> -3;
                case "ns" -> -9;
                default -> -6; // us, µs, μs
            };
            BigDecimal amount = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
            if (m.group(2).equals("h")) amount = amount.multiply(BigDecimal.valueOf(3600));
            if (m.group(2).equals("m")) amount = amount.multiply(BigDecimal.valueOf(60));
            total = total.add(amount.scaleByPowerOfTen(exponent));
        }
        double d = total.doubleValue();
        if (!Double.isFinite(d)) return null;
        return negative ? -d : d;
    }

    static Instant instant(String text) {
        try {
            Matcher m = RFC3339.matcher(text);
            if (m.matches()) {
                String zone = m.group(3).equalsIgnoreCase("z") ? "Z" : m.group(3);
                return OffsetDateTime.parse(m.group(1) + "T" + m.group(2) + zone, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
            }
            if (DATE.matches(text)) return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null; // well-formed but impossible, such as February 30 or hour 25
        }
        return null;
    }
}
