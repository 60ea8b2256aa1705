package org.codomyrmex.policy.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.api.Report;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.testing.CpuTime;
import org.codomyrmex.policy.types.Schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the fuzz properties share: seed corpora read from the repository's own fixtures, mutators that damage
 * them the way hostile or careless input does, and the property every component must keep: it returns, and
 * every problem is a diagnostic that says where it is.
 *
 * <p>The number of tries per property is jqwik's default, set from {@code -Dfuzz.tries=N} (see engine/pom.xml);
 * jqwik prints the tries and the seed of each property to the test output.
 */
final class Fuzz {
    private Fuzz() {
    }

    /** Diagnostic codes that mean "a bug of ours was caught": a fuzzer must never see them. */
    static final Set<String> INTERNAL_ERRORS = Set.of("I0003", "I2099", "I3099", "E4002");

    /** One input should take far less than this; more means a hang in the making. */
    static final long MAX_MILLIS_PER_INPUT = 5_000;

    static final Path REPO = findRepo();

    private static Path findRepo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("engine/pom.xml"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("run from inside the repository");
        return p;
    }

    /**
     * The standard library, built once for every property that evaluates documents. The engine module's tests do
     * not have stdlib-policies on the classpath, so its files are read from the repository.
     */
    static final PolicyEngine STDLIB = stdlib();

    private static PolicyEngine stdlib() {
        PolicyEngine engine = PolicyEngine.builder().standardLibrary(false)
            .addPolicyPath(REPO.resolve("stdlib-policies/src/main/resources/org/codomyrmex/policy/stdlib")).build();
        if (engine.hasPolicyErrors() || engine.rules().size() < 10) {
            throw new IllegalStateException("standard library not loaded: " + engine.policyDiagnostics());
        }
        return engine;
    }

    static List<String> texts(Predicate<Path> keep, String... roots) {
        List<String> out = new ArrayList<>();
        for (String root : roots) {
            Path dir = REPO.resolve(root);
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).filter(keep).sorted().toList()) {
                    out.add(Files.readString(f, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (out.isEmpty()) throw new IllegalStateException("no seeds under " + List.of(roots));
        return out;
    }

    static Predicate<Path> endsWith(String... suffixes) {
        return p -> {
            String n = p.getFileName().toString();
            for (String s : suffixes) if (n.endsWith(s)) return true;
            return false;
        };
    }

    /** A seed from the corpus, damaged by 1 to 8 random edits that may splice in tokens of the format. */
    static Arbitrary<String> mutated(List<String> seeds, List<String> tokens) {
        // Mostly one or two edits: most inputs should stay close enough to valid to reach the checker and the rules.
        return Combinators.combine(Arbitraries.of(seeds), Arbitraries.longs(), Arbitraries.of(1, 1, 1, 1, 2, 2, 3, 8))
            .as((seed, random, edits) -> mutate(seed, tokens, new Random(random), edits));
    }

    /** Text made of the format's tokens and random characters, with no seed at all. */
    static Arbitrary<String> soup(List<String> tokens) {
        Arbitrary<String> piece = Arbitraries.oneOf(Arbitraries.of(tokens), Arbitraries.strings().ofMaxLength(4),
            Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(3));
        return piece.list().ofMaxSize(60).map(l -> String.join("", l));
    }

    static String mutate(String seed, List<String> tokens, Random r, int edits) {
        StringBuilder s = new StringBuilder(seed);
        for (int i = 0; i < edits; i++) {
            int len = s.length();
            int at = len == 0 ? 0 : r.nextInt(len + 1);
            int span = len == 0 ? 0 : Math.min(len - Math.min(at, len), 1 + r.nextInt(Math.max(1, Math.min(len, 80))));
            switch (r.nextInt(12)) {
                case 0 -> s.delete(at, Math.min(len, at + Math.min(span, 12)));
                case 9, 10, 11 -> swapWords(s, r);
                case 1 -> s.insert(r.nextInt(len + 1), s.substring(at, Math.min(len, at + span)));
                case 2, 3 -> s.insert(at, tokens.get(r.nextInt(tokens.size())));
                case 4 -> {
                    if (len > 0) s.setCharAt(Math.min(at, len - 1), (char) r.nextInt(r.nextBoolean() ? 128 : 0x10000));
                }
                case 5 -> {
                    if (r.nextInt(4) == 0) s.setLength(at); else s.insert(at, "\n");
                }
                case 6 -> {
                    String piece = s.substring(at, Math.min(len, at + Math.min(span, 6)));
                    s.insert(at, piece.repeat(r.nextInt(64)));
                }
                case 7 -> swapLines(s, r);
                default -> s.insert(at, tokens.get(r.nextInt(tokens.size())).repeat(1 + r.nextInt(40)));
            }
        }
        return s.toString();
    }

    private static final java.util.regex.Pattern WORD = java.util.regex.Pattern.compile("[A-Za-z0-9_.\\-]+");

    /** Puts one word of the text in the place of another: values change type and names go wrong, syntax mostly holds. */
    private static void swapWords(StringBuilder s, Random r) {
        List<int[]> words = new ArrayList<>();
        java.util.regex.Matcher m = WORD.matcher(s);
        while (m.find() && words.size() < 5000) words.add(new int[] {m.start(), m.end()});
        if (words.size() < 2) return;
        int[] from = words.get(r.nextInt(words.size()));
        int[] to = words.get(r.nextInt(words.size()));
        String word = s.substring(from[0], from[1]);
        s.replace(to[0], to[1], word);
    }

    private static void swapLines(StringBuilder s, Random r) {
        String[] lines = s.toString().split("\n", -1);
        if (lines.length < 2) return;
        int a = r.nextInt(lines.length), b = r.nextInt(lines.length);
        String t = lines[a];
        lines[a] = lines[b];
        lines[b] = t;
        s.setLength(0);
        s.append(String.join("\n", lines));
    }

    /** Bytes damaged by flips, cuts, copies and overwrites: for binary inputs (tar archives). */
    static byte[] mutateBytes(byte[] seed, Random r, int edits) {
        byte[] b = seed.clone();
        for (int i = 0; i < edits; i++) {
            if (b.length == 0) return b;
            int at = r.nextInt(b.length);
            switch (r.nextInt(5)) {
                case 0 -> b[at] = (byte) r.nextInt(256);
                case 1 -> b = java.util.Arrays.copyOf(b, at);
                case 2 -> {
                    int n = 1 + r.nextInt(Math.min(512, b.length - at));
                    byte[] fill = new byte[n];
                    r.nextBytes(fill);
                    System.arraycopy(fill, 0, b, at, n);
                }
                case 3 -> {
                    // An octal size or checksum field of a tar header (offsets 124 and 148 of a 512-byte block).
                    int block = at - at % 512;
                    int field = block + (r.nextBoolean() ? 124 : 148);
                    byte[] digits = Long.toOctalString(r.nextLong() & Long.MAX_VALUE).getBytes(StandardCharsets.US_ASCII);
                    for (int k = 0; k < 11 && field + k < b.length; k++) b[field + k] = digits[k % digits.length];
                }
                default -> {
                    int n = Math.min(b.length - at, 1 + r.nextInt(1024));
                    byte[] grown = new byte[b.length + n];
                    System.arraycopy(b, 0, grown, 0, at + n);
                    System.arraycopy(b, at, grown, at + n, b.length - at);
                    b = grown;
                }
            }
        }
        return b;
    }

    /** Runs one input under the time bound, turning any escaping throwable into a test failure that names it. */
    static <T> T run(String what, java.util.concurrent.Callable<T> body) {
        long start = CpuTime.nanos(); // not the wall clock: a loaded machine must not fail a linear input
        T result;
        try {
            result = body.call();
        } catch (StackOverflowError | OutOfMemoryError e) {
            throw new AssertionError(what + ": " + e.getClass().getSimpleName() + " escaped", e);
        } catch (Throwable e) {
            throw new AssertionError(what + ": uncaught " + e, e);
        }
        long millis = CpuTime.millisSince(start);
        assertTrue(millis < MAX_MILLIS_PER_INPUT, what + " took " + millis + " ms of CPU time");
        return result;
    }

    /** Every diagnostic names the file it is about, a line, and is not an internal error. */
    static void assertLocated(List<Diagnostic> diagnostics, Set<String> files) {
        for (Diagnostic d : diagnostics) {
            if (INTERNAL_ERRORS.contains(d.code())) fail("internal error reported: " + d.headline());
            // A file inside an archive is named archive!/path.
            String file = d.span().file();
            assertTrue(files.contains(file) || files.stream().anyMatch(f -> file.startsWith(f + "!/")),
                () -> "diagnostic about an unknown file: " + d.headline());
            assertTrue(d.span().line() >= 1 && d.span().column() >= 1, () -> "diagnostic without a line: " + d.headline());
            assertTrue(!d.message().isBlank(), () -> "diagnostic without a message: " + d.headline());
        }
    }

    /** A loader's result is well formed, and the standard library evaluates its documents without a bug. */
    static void assertLoadsAndEvaluates(LoadResult loaded, String file) {
        assertLocated(loaded.diagnostics(), Set.of(file));
        for (Document d : loaded.documents()) {
            // Every view the schema declares, including those no stdlib rule happens to read.
            for (String view : Schemas.standard().views(d.kind()).keySet()) d.view(view);
        }
        Report report = STDLIB.checkDocuments(loaded.documents());
        for (Diagnostic d : report.diagnostics()) {
            if (INTERNAL_ERRORS.contains(d.code())) fail("internal error reported: " + d.headline());
        }
    }
}
