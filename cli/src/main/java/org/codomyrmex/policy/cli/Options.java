package org.codomyrmex.policy.cli;

import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Severity;
import picocli.CommandLine;

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
