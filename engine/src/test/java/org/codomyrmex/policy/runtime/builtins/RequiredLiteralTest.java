package org.codomyrmex.policy.runtime.builtins;

import com.google.re2j.Pattern;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class RequiredLiteralTest {

    @Test
    void literalRunsAndRequiredAlternativesAreFound() {
        assertEquals(Optional.of(List.of("hvs.")), RequiredLiteral.of("\\bhvs\\.[A-Za-z0-9_-]{24,}"));
        assertEquals(Optional.of(List.of("AKIA", "ASIA", "ABIA", "ACCA")), RequiredLiteral.of("\\b(AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\\b"));
        assertEquals(Optional.of(List.of("_live_")), RequiredLiteral.of("\\b(sk|rk)_live_[0-9a-zA-Z]{20,}\\b"));
        assertEquals(Optional.of(List.of("service_accoun")), RequiredLiteral.of("\\x22type\\x22\\s*:\\s*\\x22service_accoun\\x22"),
            "hex escapes are not literal digits (no run \"22type\"); the longest run wins");
        assertEquals(Optional.of(List.of("://")), RequiredLiteral.of("\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s:@'\\x22]+:[^/\\s@]+@[^\\s/@]+"));
        assertEquals(Optional.of(List.of("colo")), RequiredLiteral.of("colou?r"), "an optional character ends the run");
        assertEquals(Optional.of(List.of("password", "secret", "pass", "pwd")), RequiredLiteral.of("(password|secret)|(^|_)(pass|pwd)(_|$)"),
            "a top-level alternation requires one of its branches' requirements");
        assertEquals(Optional.of(List.of("T3BlbkFJ")), RequiredLiteral.of("\\bsk-(proj-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}"));
    }

    @Test
    void caseInsensitivePatternsCompareAsciiIgnoringCaseAndLetOtherTextThrough() {
        RequiredLiteral.Requirement r = RequiredLiteral.requirement("(?i)aws_?secret_?(access_?)?key\\s*[=:]").orElseThrow();
        assertTrue(r.ignoreCase());
        assertEquals(List.of("secret"), r.alternatives());
        assertTrue(r.presentIn("AWS_SECRET_ACCESS_KEY="));
        assertFalse(r.presentIn("aws_token_key="));
        assertTrue(r.presentIn("aws_\u017Fecret_key="), "RE2 folds the long s into s: non-ASCII text is never ruled out");
        assertTrue(Pattern.compile("(?i)aws_?secret_?(access_?)?key\\s*[=:]").matcher("aws_\u017Fecret_key=").find());
        assertEquals(Optional.empty(), RequiredLiteral.requirement("(?i)\u212Aey"), "a non-ASCII literal folds in ways not modelled");
        assertFalse(RequiredLiteral.requirement("hvs\\.x").orElseThrow().ignoreCase());
    }

    @Test
    void whatIsNotUnderstoodGivesNoRequirement() {
        assertEquals(Optional.empty(), RequiredLiteral.of("(?i)AccountKey=[A-Za-z0-9+/]{86}=="), "flags change case");
        assertEquals(Optional.empty(), RequiredLiteral.of("password|[a-z]+"), "a branch without a requirement");
        assertEquals(Optional.empty(), RequiredLiteral.of("ab{0,2}"), "nothing of length two is required");
        assertEquals(Optional.empty(), RequiredLiteral.of("[a-z]+"));
        assertEquals(Optional.empty(), RequiredLiteral.of("\\Qa.b\\E"));
        assertEquals(Optional.empty(), RequiredLiteral.of("(abc"), "an invalid pattern");
        assertEquals(Optional.empty(), RequiredLiteral.of("(?P<name>abc)"));
    }

    /**
     * Soundness: whenever RE2J finds a match, the string contains a required alternative. Patterns of the kinds
     * the standard library uses (credential formats, shell pipelines, anchors, repeats), against strings built
     * from each pattern's own literals and some noise, so that many of them match.
     */
    @Test
    void aStringWithoutTheRequirementNeverMatches() {
        List<String> patterns = List.of("colou?r", "a(b|c)+d", "x{2}y", "(ab)*cd", "\\.tar\\.gz$", "^FROM\\s+scratch",
            "(curl|wget)[^|]*\\|\\s*(ba)?sh", "\\bgithub_pat_[A-Za-z0-9_]{8}\\b", "a\\-b+c?d{1,}e", "ab+?c", "(?:xy|zw)q",
            "\\b(AKIA|ASIA)[0-9A-Z]{4}\\b", "\\b(sk|rk)_live_[0-9a-z]{2,}\\b", "\\bhvs\\.[A-Za-z0-9_-]{2,}",
            "\\beyJ[A-Za-z0-9_-]{1,}\\.eyJ[A-Za-z0-9_-]{1,}\\.[A-Za-z0-9_-]{1,}", "\\bSG\\.[a-z]{2}\\.[a-z]{2}\\b",
            "-----BEGIN ((RSA|EC) )?PRIVATE KEY( BLOCK)?-----", "\\x22type\\x22\\s*:\\s*\\x22sa\\x22",
            "https://hooks\\.slack\\.com/services/T[A-Z0-9]+/B[A-Z0-9]+", "\\bsk-(proj-)?[a-z]{2,}T3Bl[a-z]{2,}",
            "(password|secret)|(^|_)(pass|pwd)(_|$)", "ab|cd", "x(y|z)w|^tok[0-9]", "(?i)aws_?secret_?(access_?)?key\\s*[=:]",
            "(?i)AccountKey=[a-z]{2}==", "(?i)(password|token)|bearer ",
            "\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s:@'\\x22]+:[^/\\s@'\\x22$%{<*]+@[^\\s/@]+");
        SplittableRandom random = new SplittableRandom(7);
        int checked = 0, matched = 0;
        for (String regex : patterns) {
            Optional<RequiredLiteral.Requirement> required = RequiredLiteral.requirement(regex);
            if (required.isEmpty()) continue;
            Pattern re;
            try {
                re = Pattern.compile(regex);
            } catch (RuntimeException e) {
                continue;
            }
            String alphabet = literalsOf(regex) + "abcXYZ019_-./: |=\"'";
            for (int i = 0; i < 2000; i++) {
                StringBuilder sb = new StringBuilder();
                if (i % 2 == 0) {
                    int len = random.nextInt(60);
                    for (int k = 0; k < len; k++) sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
                } else {
                    // The pattern's literals in order, a little damaged: near misses and real matches.
                    String skeleton = literalsOf(regex);
                    for (int k = 0; k < skeleton.length(); k++) {
                        int roll = random.nextInt(100);
                        if (roll < 4) continue;
                        sb.append(roll < 8 ? alphabet.charAt(random.nextInt(alphabet.length())) : skeleton.charAt(k));
                        if (roll >= 96) sb.append(skeleton.charAt(k));
                    }
                }
                // Any case, and now and then a letter RE2 folds into an ASCII one (long s, Kelvin sign).
                for (int k = 0; k < sb.length(); k++) {
                    int roll = random.nextInt(100);
                    if (roll < 25) sb.setCharAt(k, Character.toUpperCase(sb.charAt(k)));
                    else if (roll < 27 && sb.charAt(k) == 's') sb.setCharAt(k, '\u017F');
                    else if (roll < 29 && sb.charAt(k) == 'K') sb.setCharAt(k, '\u212A');
                }
                String s = sb.toString();
                boolean found = re.matcher(s).find();
                checked++;
                if (found) matched++;
                if (found && !required.get().presentIn(s)) {
                    fail("'" + regex + "' matches '" + s + "' without any of " + required.get());
                }
            }
        }
        assertTrue(checked > 20_000, "checked " + checked);
        assertTrue(matched > 500, "some strings must match for the test to mean anything: " + matched);
    }

    private static String literalsOf(String regex) {
        return regex.replaceAll("\\\\[a-zA-Z]|[\\[\\](){}*+?^$\\\\]", "");
    }
}
