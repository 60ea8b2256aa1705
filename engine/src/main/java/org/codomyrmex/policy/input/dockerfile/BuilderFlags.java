package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.Diagnostic;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
}
