package org.codomyrmex.policy.repl;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What Tab offers, from the models of the loaded input and the session. */
class CompletionsTest {
    private ReplSession session;
    private Completions completions;

    @BeforeEach
    void setUp() {
        session = new ReplSession(new PrintWriter(new StringWriter()));
        completions = new Completions(session);
    }

    private List<String> values(String buffer) {
        return completions.at(buffer, buffer.length()).stream().map(Completions.Suggestion::value).toList();
    }

    private Optional<Completions.Suggestion> find(String buffer, String value) {
        return completions.at(buffer, buffer.length()).stream().filter(s -> s.value().equals(value)).findFirst();
    }

    @Test
    void fieldsOfTheStaticTypeBeforeTheDot() {
        session.handle(":load " + ReplTerminalTest.DEPLOYMENT);
        session.handle("let c = containers[0]");
        List<String> fields = values("c.securityContext.");
        assertTrue(fields.containsAll(List.of("privileged", "runAsNonRoot", "capabilities")), fields.toString());
        assertEquals("fields of KubeSecurityContext", find("c.securityContext.", "privileged").get().group());
        // The word being typed is "priv": JLine keeps the candidates that start with it.
        assertEquals("priv", ReplParser.Word.at("c.securityContext.priv", 22).word());
        // Without a binding, straight from a view, through an index.
        assertTrue(values("containers[0].securityContext.").contains("privileged"));
        assertTrue(values("containers[0].").contains("securityContext"));
    }

    @Test
    void namesBoundEarlierInARuleBeingTyped() {
        session.handle(":load " + ReplTerminalTest.DEPLOYMENT);
        String rule = "rule X-1 \"t\" {\n  for c in containers\n  let sc = c.securityContext\n  where sc.";
        assertTrue(values(rule).contains("runAsNonRoot"), values(rule).toString());
        assertTrue(values("rule X-1 \"t\" {\n  for c in containers\n  where ").contains("sc") == false);
        assertTrue(values("rule X-1 \"t\" {\n  for c in containers\n  where ").contains("c"));
        // A quantifier's variable, before its ':' is closed.
        assertTrue(values("any p in containers[0].ports: p.").contains("hostPort"), values("any p in containers[0].ports: p.").toString());
    }

    private static final String RULE_HEAD = "rule X-1 \"t\" { severity low threat image-security ";

    @Test
    void clausesOnTheSameLineAreSeen() {
        session.handle(":load " + ReplTerminalTest.DEPLOYMENT);
        assertTrue(values(RULE_HEAD + "for c in containers where c.").contains("securityContext"),
            values(RULE_HEAD + "for c in containers where c.").toString());
        assertTrue(values(RULE_HEAD + "for c in containers let sc = c.securityContext where sc.").contains("runAsNonRoot"));
        // A `for` whose value is still being typed is not in scope yet; the one before it is.
        String secondFor = RULE_HEAD + "for c in containers for p in c.";
        assertTrue(values(secondFor).contains("ports"), values(secondFor).toString());
        assertTrue(values(RULE_HEAD + "for c in containers for p in c.ports where p.").contains("hostPort"));
        // A let clause whose value holds a quantifier's `in` and a nested let's `in`.
        String nested = RULE_HEAD + "for c in containers let n = count p in c.ports: let h = p.hostPort in h != null where c.";
        assertTrue(values(nested).contains("securityContext"), values(nested).toString());
        assertTrue(values(RULE_HEAD + "for c in containers where c.privileged ").contains("c"));
    }

    @Test
    void clausesOfEarlierLinesAreSeenWhateverSharesTheirLine() {
        session.handle(":load " + ReplTerminalTest.DEPLOYMENT);
        // The first line's `for` is followed by a `where` on the same line: its value is `containers`, not the rest of the line.
        String rule = "rule X-1 \"t\" {\n  for c in containers where c.privileged == true\n  let sc = c.securityContext\n  where sc.";
        assertTrue(values(rule).contains("runAsNonRoot"), values(rule).toString());
        String split = "rule X-1 \"t\" {\n  for c in\n    containers\n  where c.";
        assertTrue(values(split).contains("securityContext"), values(split).toString());
    }

    @Test
    void comprehensionsAndClosedBracketsScopeTheirNames() {
        session.handle(":load " + ReplTerminalTest.DEPLOYMENT);
        assertTrue(values("[c.name for c in containers if c.").contains("securityContext"));
        // Out of scope once the bracket that bound it closes.
        assertFalse(values("len([c for c in containers]) + c.").contains("securityContext"));
        assertFalse(values("(any p in containers[0].ports: true) and ").contains("p"));
        assertTrue(values("(any p in containers[0].ports: p.").contains("hostPort"));
        // Completing the value of a `let ... in` sees the names bound before it, not its own.
        assertTrue(values("let c = containers[0] in let sc = c.").contains("securityContext"));
    }

    @Test
    void membersOfAnImportedPackage() {
        session.handle("import escape as e");
        List<String> members = values("e.");
        assertTrue(members.containsAll(List.of("under", "is_root_user", "safe_sysctls")), members.toString());
        assertEquals("package escape", find("e.", "under").get().group());
        assertTrue(find("e.", "under").get().description().startsWith("func under(p, dir)"));
        assertTrue(values("").contains("e"));
        // A name bound in the text hides the package, as the checker sees it.
        assertFalse(values("let e = containers[0] in e.").contains("under"));
    }

    @Test
    void keysOfUntypedValuesComeFromTheValue() {
        session.handle("let m = {team: 1, \"not a name\": 2}");
        List<String> keys = values("m.");
        assertTrue(keys.contains("team"), keys.toString());
        assertFalse(keys.contains("not a name"), keys.toString()); // m.not a name would not parse: use m["..."]
    }

    @Test
    void namesKeywordsBuiltinsViewsRules() {
        session.handle("func danger(cap) = cap == \"SYS_ADMIN\"");
        session.handle("rule R-1 \"t\" { severity low threat image-security for c in containers where danger(c.name) report \"x\" }");
        List<String> all = values("");
        assertTrue(all.containsAll(List.of("danger", "containers", "startswith", "count", "R-1")), all.toString());
        assertEquals("startswith(s: string, prefix: string) -> bool", find("", "startswith").get().description());
        assertEquals("func danger(cap)", find("", "danger").get().description());
        assertFalse(find("", "startswith").get().complete()); // a call: no space after the name
    }

    /** A completed path must load as inserted: spaces and quotes escaped, or kept inside the quote the user opened. */
    @Test
    void pathsWithSpacesAreCompletedEscapedOrInsideTheQuoteTyped(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path folder = java.nio.file.Files.createDirectories(tmp.resolve("my dir"));
        java.nio.file.Files.copy(java.nio.file.Path.of(ReplTerminalTest.DEPLOYMENT), folder.resolve("my pod.yaml"));
        java.nio.file.Files.createDirectories(folder.resolve("sub dir"));
        String base = tmp.toString().replace(" ", "\\ ") + "/";

        assertTrue(values(":load " + base).contains(base + "my\\ dir/"), values(":load " + base).toString());
        assertEquals(List.of(base + "my\\ dir/my\\ pod.yaml", base + "my\\ dir/sub\\ dir/"), values(":load " + base + "my\\ dir/"));
        assertEquals(List.of(base + "my\\ dir/my\\ pod.yaml", base + "my\\ dir/sub\\ dir/"), values(":load " + base + "my\\ dir/m"));
        String quoted = "\"" + tmp + "/my dir/";
        assertEquals(List.of(quoted + "my pod.yaml\"", quoted + "sub dir/"), values(":load " + quoted + "m"));
        assertEquals(List.of(base + "my\\ dir/\"my pod.yaml\"", base + "my\\ dir/\"sub dir/"), values(":load " + base + "my\\ dir/\"m"));
        // The word completed starts where the path does, escaped spaces and quotes included.
        String line = ":load other.yaml " + base + "my\\ dir/m";
        assertEquals(line.indexOf(base), ReplParser.Word.at(line, line.length()).start());
        String open = ":load \"" + tmp + "/my d";
        assertEquals(6, ReplParser.Word.at(open, open.length()).start());

        // Each file offered loads as inserted.
        for (Completions.Suggestion s : completions.at(":load " + quoted + "m", (":load " + quoted + "m").length())) {
            if (!s.complete()) continue;
            StringWriter said = new StringWriter();
            new ReplSession(new PrintWriter(said)).handle(":load " + s.value());
            assertTrue(said.toString().startsWith("[1] "), s.value() + ": " + said);
        }
        StringWriter said = new StringWriter();
        new ReplSession(new PrintWriter(said)).handle(":load " + base + "my\\ dir/my\\ pod.yaml");
        assertTrue(said.toString().startsWith("[1] "), said.toString());
    }

    @Test
    void commandsFilesAndKinds() {
        assertTrue(values(":").contains(":load"));
        assertTrue(values(":input ").contains("k8s"));
        String dir = ReplTerminalTest.DEPLOYMENT.substring(0, ReplTerminalTest.DEPLOYMENT.lastIndexOf('/') + 1);
        assertTrue(values(":load " + dir).contains(dir + "deployment.yaml"), values(":load " + dir).toString());
        assertTrue(values(":doc ").contains("KubeSecurityContext"));
        assertTrue(values(":trace containers[0].").contains("image"));
    }

    @Test
    void receiverChains() {
        assertEquals(Optional.of("c.securityContext"), Completions.receiver("where c.securityContext"));
        assertEquals(Optional.of("containers[0].ports"), Completions.receiver("x + containers[0].ports"));
        assertEquals(Optional.of("image(c.image)"), Completions.receiver("not image(c.image)"));
        assertEquals(Optional.of("(a + b)"), Completions.receiver("1 * (a + b)"));
        assertEquals(Optional.empty(), Completions.receiver("1 + "));
    }

    /** The lexer counts code points: an emoji before the chain must not shift it a char to the left. */
    @Test
    void receiverAfterAnEmoji() {
        assertEquals(Optional.of("c.securityContext"), Completions.receiver("\"\uD83D\uDE00\" != c.securityContext"));
        assertEquals(Optional.of("c.name"), Completions.receiver("/* \uD83D\uDE00\uD83D\uDE00 */ c.name"));
    }

    @Test
    void textBindingsAfterAnEmoji() {
        List<ReplSession.TextBinding> in = TextBindings.inScopeAt("[x for x in \"\uD83D\uDE00\" + \"ab\" if x");
        assertEquals(1, in.size(), in.toString());
        assertEquals("\"\uD83D\uDE00\" + \"ab\"", in.get(0).source());
    }
}
