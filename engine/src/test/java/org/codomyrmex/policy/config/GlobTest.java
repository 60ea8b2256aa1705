package org.codomyrmex.policy.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlobTest {
    @Test
    void patternsMatchAsGitignoreWritesThem() {
        assertTrue(Glob.of("*.yaml").matches("a/b/c.yaml", false));
        assertFalse(Glob.of("*.yaml").matches("a/b/c.yml", false));
        assertTrue(Glob.of("vendor/").matches("vendor/x/y.yaml", false));
        assertFalse(Glob.of("vendor/").matches("vendor", false));
        assertTrue(Glob.of("/build").matches("build/out.yaml", false));
        assertFalse(Glob.of("/build").matches("src/build/out.yaml", false));
        assertTrue(Glob.of("k8s/**/secret-*.yaml").matches("k8s/prod/eu/secret-db.yaml", false));
        assertTrue(Glob.of("k8s/**/secret-*.yaml").matches("k8s/secret-db.yaml", false));
        assertFalse(Glob.of("k8s/*.yaml").matches("k8s/prod/x.yaml", false));
        assertTrue(Glob.of("Dockerfile.[ab]").matches("Dockerfile.a", false));
        assertTrue(Glob.of("./docs/*.md").matches("./docs/x.md", false) || Glob.of("docs/*.md").matches("./docs/x.md", false));
    }

    /** exclude: ["./vendor/"] and an exception's file: "./k8s/a.yaml" matched nothing, without a word. */
    @Test
    void aLeadingDotSlashInTheConfigAnchorsAtTheBase() {
        assertTrue(Glob.path("./vendor/").matches("vendor/c.yaml", false));
        assertTrue(Glob.path("./k8s/gen/*.yaml").matches("k8s/gen/b.yaml", false));
        assertFalse(Glob.path("./k8s/gen/*.yaml").matches("app/k8s/gen/b.yaml", false), "anchored at the base");
        assertTrue(Glob.line("!./k8s/keep.yaml").negated());
        assertTrue(Glob.line("!./k8s/keep.yaml").matches("k8s/keep.yaml", false));
        assertTrue(Glob.path("././a.yaml").matches("a.yaml", false));
        // A .gitignore line keeps git's reading: ./x is text no path has.
        assertFalse(Glob.of("./vendor/").matches("vendor/c.yaml", false));
    }

    /** -x $PWD/vendor/ was read as anchored at the base (tmp/.../vendor under it) and matched nothing. */
    @Test
    void anAbsolutePathInsideTheBaseIsRelativeToIt() {
        Path base = Path.of("/work/repo");
        assertTrue(Glob.line("/work/repo/vendor/", base).matches("vendor/c.yaml", false));
        assertFalse(Glob.line("/work/repo/vendor/", base).matches("app/vendor/c.yaml", false));
        assertTrue(Glob.line("!/work/repo/k8s/keep.yaml", base).negated());
        assertTrue(Glob.line("!/work/repo/k8s/keep.yaml", base).matches("k8s/keep.yaml", false));
        assertTrue(Glob.line("/vendor/", base).matches("vendor/c.yaml", false), "a glob anchored at the base stays so");
        assertFalse(Glob.line("/work/repository/x", base).matches("sitory/x", false));
    }

    @Test
    void bracketsAndEscapesAsGitReadsThem() {
        assertFalse(Glob.of("[z-a].yaml").matches("m.yaml", false), "a reversed range holds nothing");
        assertTrue(Glob.of("[[:digit:]]*.yaml").matches("k8s/01-web.yaml", false));
        assertFalse(Glob.of("[[:digit:]]*.yaml").matches("k8s/web.yaml", false));
        assertFalse(Glob.of("k8s[!a]x").matches("k8s/x", false), "a set never matches a slash");
        assertFalse(Glob.of("k8s[/]x").matches("k8s/x", false));
        assertTrue(Glob.of("\\*.yaml").matches("*.yaml", false), "an escaped star is a star");
        assertFalse(Glob.of("\\*.yaml").matches("web.yaml", false));
        assertTrue(Glob.of("\\#notes").matches("#notes", false));
        assertTrue(Glob.of("foo[]").matches("foo[]", false), "an unclosed bracket is itself");
    }

    @Test
    void gitignoreAppliesInsideAWorkTreeOnly(@TempDir Path dir) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.createDirectories(repo.resolve(".git"));
        Files.writeString(repo.resolve(".gitignore"), "# rendered charts\nrendered/\n*.tmp.yaml\n!keep.tmp.yaml\n");
        Files.createDirectories(repo.resolve("k8s/rendered"));
        Files.writeString(repo.resolve("k8s/.gitignore"), "local-*.yaml\n[z-a]\n\\#draft.yaml\n\\!keep.yaml\n");
        GitIgnore ignore = new GitIgnore();
        assertTrue(ignore.ignored(repo.resolve("k8s/rendered/deploy.yaml")));
        assertTrue(ignore.ignored(repo.resolve("k8s/x.tmp.yaml")));
        assertFalse(ignore.ignored(repo.resolve("k8s/keep.tmp.yaml")));
        assertTrue(ignore.ignored(repo.resolve("k8s/local-dev.yaml")));
        assertFalse(ignore.ignored(repo.resolve("local-dev.yaml")));
        assertFalse(ignore.ignored(repo.resolve("k8s/deploy.yaml")));
        assertTrue(ignore.ignored(repo.resolve("k8s/#draft.yaml")), "\\# starts a pattern, not a comment");
        assertTrue(ignore.ignored(repo.resolve("k8s/!keep.yaml")), "\\! starts a pattern, not a negation");

        Path loose = Files.createDirectories(dir.resolve("loose"));
        Files.writeString(loose.resolve(".gitignore"), "*.yaml\n");
        assertFalse(new GitIgnore().ignored(loose.resolve("a.yaml")), "no .git above: nothing is ignored");
    }
}
