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
}
