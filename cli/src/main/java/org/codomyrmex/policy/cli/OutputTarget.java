package org.codomyrmex.policy.cli;

import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** One {@code --format} value: a format and, after {@code =}, the file it goes to (else standard output). */
record OutputTarget(String format, Optional<Path> file) {
    static final List<String> FORMATS = List.of("text", "json", "sarif", "junit", "github", "summary");

    /** Formats that are one document each: two of them cannot share standard output. */
    boolean isDocument() {
        return format.equals("json") || format.equals("sarif") || format.equals("junit");
    }

    static final class Converter implements CommandLine.ITypeConverter<OutputTarget> {
        @Override
        public OutputTarget convert(String value) {
            int eq = value.indexOf('=');
            String format = (eq < 0 ? value : value.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            if (!FORMATS.contains(format)) {
                throw new CommandLine.TypeConversionException("unknown format '" + format + "'; use " + String.join(", ", FORMATS)
                    + ", optionally with =FILE");
            }
            if (eq >= 0 && value.substring(eq + 1).isBlank()) {
                throw new CommandLine.TypeConversionException("'" + value + "' names no file after '='");
            }
            return new OutputTarget(format, eq < 0 ? Optional.empty() : Optional.of(Path.of(value.substring(eq + 1))));
        }
    }
}
