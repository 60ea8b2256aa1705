package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.Diagnostic;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The builder flags each instruction accepts, checked as BuildKit's {@code BFlags.Parse} checks them: an unknown
 * flag, a flag given twice (except the repeatable ones), a missing value and a boolean flag with a value other
 * than true or false all fail the build. The lists are those of the current Dockerfile frontend, labs flags
 * included, so that a file written for a newer frontend is not refused.
 */
final class BuilderFlags {

    private enum Type { BOOL, STRING, STRINGS }

    private static final Map<String, Map<String, Type>> ACCEPTED = Map.of(
        "FROM", Map.of("platform", Type.STRING),
        "COPY", Map.of("from", Type.STRING, "chown", Type.STRING, "chmod", Type.STRING, "link", Type.BOOL,
            "parents", Type.BOOL, "exclude", Type.STRINGS),
        "ADD", Map.of("chown", Type.STRING, "chmod", Type.STRING, "link", Type.BOOL, "keep-git-dir", Type.BOOL,
            "checksum", Type.STRING, "exclude", Type.STRINGS, "unpack", Type.BOOL, "parents", Type.BOOL),
        "RUN", Map.of("mount", Type.STRINGS, "network", Type.STRING, "security", Type.STRING,
            "device", Type.STRINGS),
        "HEALTHCHECK", Map.of("interval", Type.STRING, "timeout", Type.STRING, "start-period", Type.STRING,
            "start-interval", Type.STRING, "retries", Type.STRING));

    private BuilderFlags() {
    }

    /** The errors BuildKit would give for the flags of one (not ONBUILD-wrapped) instruction. */
    static List<Diagnostic> check(Instruction instr) {
        if (!instr.known() || instr.flags().isEmpty()) return List.of();
        String name = instr.name();
        // BuildKit reads HEALTHCHECK NONE without looking at its flags.
        if (name.equals("HEALTHCHECK") && !instr.args().isEmpty()
            && instr.args().get(0).text().equalsIgnoreCase("NONE")) {
            return List.of();
        }
        Map<String, Type> accepted = ACCEPTED.getOrDefault(name, Map.of());
        Set<String> used = new HashSet<>();
        for (Flag f : instr.flags()) {
            Type type = accepted.get(f.name());
            String problem = null;
            if (type == null) {
                problem = "unknown flag --" + f.name() + " for " + name
                    + (accepted.isEmpty() ? " (it takes no flags)" : " (it takes --" + String.join(", --",
                        accepted.keySet().stream().sorted().toList()) + ")");
            } else if (!used.add(f.name()) && type != Type.STRINGS) {
                problem = "duplicate flag specified: --" + f.name();
            } else if (type == Type.BOOL && f.value().isPresent()) {
                String v = f.value().get().toLowerCase(Locale.ROOT);
                if (v.isEmpty()) problem = "missing a value on flag: --" + f.name();
                else if (!v.equals("true") && !v.equals("false")) {
                    problem = "expecting boolean value for flag --" + f.name() + ", not: " + f.value().get();
                }
            } else if (type != Type.BOOL && f.value().isEmpty()) {
                problem = "missing a value on flag: --" + f.name();
            }
            if (problem != null) return List.of(Diagnostic.error("I2016", problem, f.span()));
        }
        return List.of();
    }
    private static final Map<String, Double> DURATION_UNITS = Map.of("ns", 1.0, "us", 1e3, "\u00b5s", 1e3,
        "\u03bcs", 1e3, "ms", 1e6, "s", 1e9, "m", 60e9, "h", 3600e9);

    /**
     * What BuildKit says about a HEALTHCHECK duration flag ({@code --interval} and friends): the value must be a Go
     * duration ({@code 30s}, {@code 1m30s}, {@code 1.5h}) and, unless zero, at least 1ms. Empty when it is fine.
     */
    static Optional<String> durationProblem(String flag, String value) {
        if (value.isEmpty()) return Optional.empty();
        String s = value;
        boolean negative = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) return Optional.empty();
        String invalid = "time: invalid duration \"" + value + "\"";
        if (s.isEmpty()) return Optional.of(invalid);
        double nanos = 0;
        int i = 0;
        while (i < s.length()) {
            int numberStart = i;
            while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) i++;
            boolean whole = i > numberStart;
            boolean fraction = false;
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                int fractionStart = i;
                while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) i++;
                fraction = i > fractionStart;
            }
            if (!whole && !fraction) return Optional.of(invalid);
            String number = s.substring(numberStart, i);
            int unitStart = i;
            while (i < s.length() && s.charAt(i) != '.' && !(s.charAt(i) >= '0' && s.charAt(i) <= '9')) i++;
            String unit = s.substring(unitStart, i);
            if (unit.isEmpty()) return Optional.of("time: missing unit in duration \"" + value + "\"");
            Double scale = DURATION_UNITS.get(unit);
            if (scale == null) return Optional.of("time: unknown unit \"" + unit + "\" in duration \"" + value + "\"");
            nanos += Double.parseDouble(number.endsWith(".") ? number + "0" : number.startsWith(".") ? "0" + number : number)
                * scale;
            if (nanos > Long.MAX_VALUE) return Optional.of(invalid);
        }
        if (nanos != 0 && (negative || nanos < 1e6)) {
            return Optional.of("Interval \"" + flag + "\" cannot be less than 1ms");
        }
        return Optional.empty();
    }

    /** What BuildKit says about {@code HEALTHCHECK --retries}: a 32-bit integer, not negative. */
    static Optional<String> retriesProblem(String value) {
        if (value.isEmpty()) return Optional.empty();
        long retries;
        try {
            retries = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return Optional.of("strconv.ParseInt: parsing \"" + value + "\": invalid syntax or out of range");
        }
        if (retries < 0) return Optional.of("--retries cannot be negative (" + retries + ")");
        return Optional.empty();
    }
}
