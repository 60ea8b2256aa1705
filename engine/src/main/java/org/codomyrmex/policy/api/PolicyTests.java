package org.codomyrmex.policy.api;

import org.codomyrmex.policy.check.CheckedTest;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.input.InputSource;
import org.codomyrmex.policy.input.Inputs;
import org.codomyrmex.policy.input.LoadResult;
import org.codomyrmex.policy.model.Document;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.RuleInfo;
import org.codomyrmex.policy.runtime.Cancellation;
import org.codomyrmex.policy.syntax.Decl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Runs the in-language tests of a policy set: each test's inputs are checked with the whole set, then its
 * expectations are compared with the findings. A failed expectation is a diagnostic at the expectation, so
 * it shows with the test's line and a caret. Also reports rule coverage.
 */
public final class PolicyTests {
    private PolicyTests() {
    }

    /** One in-language test: the failed expectations (none when it passed) and the findings it produced. */
    public record TestResult(CheckedTest test, List<Diagnostic> failures, List<Finding> findings) {
        public boolean passed() {
            return failures.isEmpty();
        }
    }

    /**
     * @param untested rules no test names in an expectation
     * @param neverFired rules that produced no finding in any test
     */
    public record Outcome(List<TestResult> results, Set<String> untested, Set<String> neverFired) {
        public long passedCount() {
            return results.stream().filter(TestResult::passed).count();
        }

        public long failedCount() {
            return results.size() - passedCount();
        }
    }

    public static Outcome run(PolicyEngine engine, Predicate<CheckedTest> filter) {
        return run(engine, filter, Cancellation.never());
    }

    /**
     * As {@link #run(PolicyEngine, Predicate)}, stopping as soon as {@code cancellation} is cancelled.
     *
     * @throws org.codomyrmex.policy.runtime.Budget.Interrupted when it was
     */
    public static Outcome run(PolicyEngine engine, Predicate<CheckedTest> filter, Cancellation cancellation) {
        List<TestResult> results = new ArrayList<>();
        Set<String> named = new LinkedHashSet<>();
        Set<String> fired = new LinkedHashSet<>();
        for (CheckedTest test : engine.checkedProgram().tests()) {
            if (!filter.test(test)) continue;
            TestResult r = runOne(engine, test, cancellation);
            results.add(r);
            test.decl().expectations().forEach(e -> named.add(e.ruleId()));
            r.findings().forEach(f -> fired.add(f.ruleId()));
        }
        Set<String> untested = new TreeSet<>();
        Set<String> neverFired = new TreeSet<>();
        for (RuleInfo rule : engine.rules()) {
            if (!named.contains(rule.id())) untested.add(rule.id());
            if (!fired.contains(rule.id())) neverFired.add(rule.id());
        }
        return new Outcome(results, untested, neverFired);
    }

    static TestResult runOne(PolicyEngine engine, CheckedTest test, Cancellation cancellation) {
        Decl.Test t = test.decl();
        List<Diagnostic> failures = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        List<Document> documents = new ArrayList<>();
        int index = 0;
        for (Decl.Given g : t.givens()) {
            index++;
            Optional<InputKind> kind = InputKind.parse(g.kind().text());
            InputSource source;
            if (g.file().isPresent()) {
                Path base = Path.of(test.file()).toAbsolutePath().getParent();
                Path file = base == null ? Path.of(g.file().get()) : base.resolve(g.file().get());
                Optional<byte[]> bundled = java.nio.file.Files.exists(file) ? Optional.empty() : standardLibraryFile(test.file(), g.file().get());
                source = bundled.isPresent() ? InputSource.ofBytes(g.file().get(), bundled.get()) : InputSource.ofPath(g.file().get(), file);
            } else {
                source = InputSource.ofText(givenName(t, index, kind), g.text().orElse(""));
            }
            LoadResult loaded = Inputs.load(source, kind, engine.loadOptions());
            documents.addAll(loaded.documents());
            for (Diagnostic d : loaded.diagnostics()) {
                if (d.isError()) {
                    failures.add(Diagnostic.error("T0001", "the input of this test has an error: " + d.headline(), g.span()));
                }
            }
        }
        // All the inputs of a test are checked together, as one scan, so cross-document rules can be tested.
        Report report = engine.checkDocuments(documents, cancellation);
        findings.addAll(report.findings());
        for (Diagnostic d : report.errors()) {
            failures.add(Diagnostic.error("T0001", "the input of this test has an error: " + d.headline(), t.span()));
        }
        for (Decl.Expectation e : t.expectations()) {
            List<Finding> ofRule = findings.stream().filter(f -> f.ruleId().equals(e.ruleId())).toList();
            if (e.negated()) {
                List<Finding> bad = ofRule.stream().filter(f -> matchesPosition(f, e)).toList();
                if (!bad.isEmpty()) {
                    failures.add(Diagnostic.error("T0002", "expected no " + e.ruleId() + position(e) + ", but it reported: "
                        + describe(bad), e.span()));
                }
            } else if (ofRule.stream().noneMatch(f -> matchesPosition(f, e))) {
                String got = ofRule.isEmpty() ? "it reported nothing" : "it reported " + describe(ofRule);
                failures.add(Diagnostic.error("T0003", "expected " + e.ruleId() + position(e) + ", but " + got, e.span()));
            }
        }
        if (t.expectedCount().isPresent() && t.expectedCount().getAsInt() != findings.size()) {
            failures.add(Diagnostic.error("T0004", "expected " + t.expectedCount().getAsInt() + " findings, got "
                + findings.size() + (findings.isEmpty() ? "" : ": " + describe(findings)),
                t.expectedCountSpan().isKnown() ? t.expectedCountSpan() : t.span()));
        }
        return new TestResult(test, failures, findings);
    }

    /**
     * A file named by a test of the standard library, which lives on the classpath rather than on disk: its
     * policies are named {@code stdlib/NAME}, and their files are resources beside them.
     */
    private static Optional<byte[]> standardLibraryFile(String policyFile, String relative) {
        if (!policyFile.startsWith("stdlib/") || relative.contains("..") || relative.startsWith("/")) return Optional.empty();
        String folder = PolicyEngine.STDLIB_INDEX.substring(0, PolicyEngine.STDLIB_INDEX.lastIndexOf('/') + 1);
        String dir = policyFile.substring("stdlib/".length());
        dir = dir.contains("/") ? dir.substring(0, dir.lastIndexOf('/') + 1) : "";
        try (java.io.InputStream in = PolicyTests.class.getClassLoader().getResourceAsStream(folder + dir + relative)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /** Inputs written inline are named after their test, so findings in them read well. */
    private static String givenName(Decl.Test t, int index, Optional<InputKind> kind) {
        String ext = kind.map(k -> switch (k) {
            case KUBERNETES, COMPOSE -> ".yaml";
            case DOCKERFILE -> ".Dockerfile";
            case IMAGE -> ".json";
        }).orElse("");
        return "test \"" + t.name() + "\" input " + index + ext;
    }

    private static boolean matchesPosition(Finding f, Decl.Expectation e) {
        if (e.line().isPresent() && f.location().line() != e.line().getAsInt()) return false;
        return e.column().isEmpty() || f.location().column() == e.column().getAsInt();
    }

    private static String position(Decl.Expectation e) {
        if (e.line().isEmpty()) return "";
        return " at line " + e.line().getAsInt() + (e.column().isPresent() ? " column " + e.column().getAsInt() : "");
    }

    private static String describe(List<Finding> findings) {
        List<String> parts = new ArrayList<>();
        for (Finding f : findings) {
            parts.add(f.ruleId() + " at line " + f.location().line() + " column " + f.location().column());
            if (parts.size() == 5) {
                parts.add("...");
                break;
            }
        }
        return String.join(", ", parts);
    }
}
