package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.diag.Suggestions;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.model.Threat;
import picocli.CommandLine;

import java.util.List;
import java.util.Locale;

/** Converters for option values, so a wrong value is a usage error (exit 2) that lists the right ones. */
final class Options {
    private Options() {
    }

    static final class SeverityConverter implements CommandLine.ITypeConverter<Severity> {
        @Override
        public Severity convert(String value) {
            return Severity.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                "'" + value + "' is not a severity; use critical, high, medium, low or info"));
        }
    }

    static final class ThreatConverter implements CommandLine.ITypeConverter<Threat> {
        @Override
        public Threat convert(String value) {
            List<String> ids = java.util.Arrays.stream(Threat.values())
                .map(Threat::id).toList();
            return Threat.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                "'" + value + "' is not a threat; " + Suggestions.closest(value, ids)
                    .map(c -> "did you mean '" + c + "'? ").orElse("") + "use " + String.join(", ", ids)));
        }
    }

    static final class KindConverter implements CommandLine.ITypeConverter<InputKind> {
        @Override
        public InputKind convert(String value) {
            return InputKind.parse(value.toLowerCase(Locale.ROOT)).orElseThrow(() -> new CommandLine.TypeConversionException(
                "'" + value + "' is not an input kind; use kubernetes (k8s), compose, dockerfile or image"));
        }
    }

    /** A count or size limit: a whole number of at least 1 (0 or less would refuse every input). */
    static final class PositiveLong implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                long n = Long.parseLong(value.strip());
                if (n >= 1) return n;
            } catch (NumberFormatException e) {
                // reported below, as a value out of range is
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number from 1 to " + Long.MAX_VALUE);
        }
    }

    /** As {@link PositiveLong}, for limits held in an int. */
    static final class PositiveInt implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int n = Integer.parseInt(value.strip());
                if (n >= 1) return n;
            } catch (NumberFormatException e) {
                // reported below, as a value out of range is
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a whole number from 1 to " + Integer.MAX_VALUE);
        }
    }
}
