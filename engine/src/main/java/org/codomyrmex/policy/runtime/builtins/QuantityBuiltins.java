package org.codomyrmex.policy.runtime.builtins;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.types.Type;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import static org.codomyrmex.policy.runtime.builtins.Args.fn;
import static org.codomyrmex.policy.runtime.builtins.Args.p;

/**
 * Resource quantities. Kubernetes quantities ({@code 500m}, {@code 1Gi}, {@code 2e3}) follow the API's
 * quantity grammar: a signed decimal number and one optional suffix, binary ({@code Ki Mi Gi Ti Pi Ei}),
 * decimal ({@code n u m k M G T P E}) or an exponent ({@code e3}, {@code E-2}). Docker and compose byte sizes
 * ({@code 512m}, {@code 1g}, {@code 300mb}) are another grammar: case-insensitive binary units, where
 * {@code m} means mebibytes, not milli. The two cannot be told apart from the text, hence two functions.
 * Numbers are computed exactly (BigDecimal) and converted at the end.
 */
final class QuantityBuiltins {
    static final String CATEGORY = "quantities";

    private static final Pattern KUBE = Pattern.compile(
        "([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|(n|u|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]{1,3}))?");
    private static final Pattern DOCKER = Pattern.compile("([0-9]+(?:\\.[0-9]+)?) ?([kmgtp]?)(?:i?b)?");

    private QuantityBuiltins() {
    }

    static void register(Consumer<Builtin> add) {
        add.accept(fn(CATEGORY, "quantity", List.of(p("x", Type.ANY)), Type.FLOAT,
            "A Kubernetes resource quantity in base units (cores for CPU, bytes for memory): `500m` is 0.5, "
                + "`1Gi` is 1073741824, `1.5`, `2e3`, `100Ki`, `1M` (10^6); numbers are taken as they are. Null "
                + "when not a valid quantity. Compose and Docker sizes such as `512m` mean bytes: use "
                + "`docker_bytes`.",
            "quantity(\"500m\") == 0.5 and quantity(\"1Gi\") == 1073741824 and quantity(\"1G\") == 1e9",
            a -> {
                BigDecimal q = kube(a[0]);
                if (q == null) return Values.NULL;
                double d = q.doubleValue();
                return Double.isFinite(d) ? Values.number(d) : Values.NULL;
            }));
        add.accept(fn(CATEGORY, "cpu_millis", List.of(p("x", Type.ANY)), Type.INT,
            "A Kubernetes CPU quantity in millicores, rounded up as the API server does: `250m` is 250, `1.5` is "
                + "1500, `0.0001` is 1. Null when not a valid quantity.",
            "cpu_millis(\"250m\") == 250 and cpu_millis(2) == 2000",
            a -> {
                BigDecimal q = kube(a[0]);
                return q == null ? Values.NULL : roundUp(q.movePointRight(3));
            }));
        add.accept(fn(CATEGORY, "bytes", List.of(p("x", Type.ANY)), Type.INT,
            "A Kubernetes memory or storage quantity in bytes, rounded up: `1Gi` is 1073741824, `128974848`, "
                + "`129e6`, `123Mi`. Null when not a valid quantity.",
            "bytes(\"64Mi\") == 67108864 and bytes(\"1k\") == 1000",
            a -> {
                BigDecimal q = kube(a[0]);
                return q == null ? Values.NULL : roundUp(q);
            }));
        add.accept(fn(CATEGORY, "docker_bytes", List.of(p("x", Type.ANY)), Type.INT,
            "A Docker or compose byte size in bytes (`mem_limit`, `shm_size`, `--memory`): a number and an "
                + "optional unit b, k, m, g, t or p (any case, with an optional `b` or `ib`), all powers of 1024: "
                + "`512m` is 536870912. Plain numbers are bytes. Null when not a valid size.",
            "docker_bytes(\"512m\") == 536870912 and docker_bytes(\"1GB\") == 1073741824 "
                + "and docker_bytes(2048) == 2048",
            a -> {
                BigDecimal b = docker(a[0]);
                return b == null ? Values.NULL : roundUp(b);
            }));
    }

    /** The exact value of a Kubernetes quantity, or null when invalid. */
    static BigDecimal kube(Value v) {
        if (v instanceof Value.Int i) return BigDecimal.valueOf(i.value());
        if (v instanceof Value.Float f) return Double.isFinite(f.value()) ? BigDecimal.valueOf(f.value()) : null;
        if (!(v instanceof Value.Str s)) return null;
        Matcher m = KUBE.matcher(s.value().strip());
        if (!m.matches()) return null;
        BigDecimal number = new BigDecimal(m.group(1));
        if (m.group(2) != null) {
            int power = switch (m.group(2)) {
                case "Ki" -> 10;
                case "Mi" -> 20;
                case "Gi" -> 30;
                case "Ti" -> 40;
                case "Pi" -> 50;
                default -> 60;
            };
            return number.multiply(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(power)));
        }
        if (m.group(3) != null) {
            int exponent = switch (m.group(3)) {
                case "n" -> -9;
                case "u" -> -6;
                case "m" -> -3;
                case "k" -> 3;
                case "M" -> 6;
                case "G" -> 9;
                case "T" -> 12;
                case "P" -> 15;
                default -> 18;
            };
            return number.scaleByPowerOfTen(exponent);
        }
        if (m.group(4) != null) return number.scaleByPowerOfTen(Integer.parseInt(m.group(4)));
        return number;
    }

    /** The exact value of a Docker byte size, or null when invalid. */
    static BigDecimal docker(Value v) {
        if (v instanceof Value.Int i) return i.value() >= 0 ? BigDecimal.valueOf(i.value()) : null;
        if (v instanceof Value.Float f) {
            return Double.isFinite(f.value()) && f.value() >= 0 ? BigDecimal.valueOf(f.value()) : null;
        }
        if (!(v instanceof Value.Str s)) return null;
        Matcher m = DOCKER.matcher(s.value().strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) return null;
        int power = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            case "p" -> 50;
            default -> 0;
        };
        return new BigDecimal(m.group(1)).multiply(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(power)));
    }

    private static Value roundUp(BigDecimal d) {
        try {
            return Values.integer(d.setScale(0, RoundingMode.CEILING).longValueExact());
        } catch (ArithmeticException tooLarge) {
            return Values.NULL;
        }
    }
}
