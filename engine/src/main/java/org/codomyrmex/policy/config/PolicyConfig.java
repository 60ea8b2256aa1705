package org.codomyrmex.policy.config;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.diag.Suggestions;
import org.codomyrmex.policy.input.yaml.YamlLoader;
import org.codomyrmex.policy.model.Finding;
import org.codomyrmex.policy.model.RuleInfo;
import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.model.Value;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The project's {@code .policy.yaml} ({@code docs/config.md}): which rules run, how their findings count,
 * parameters for the policies, what to skip, extra policy folders, and exceptions with an owner and an expiry.
 * Every mistake in the file is a located diagnostic; what could be read is still used.
 *
 * @param baseDir the folder of the config file; its relative paths and globs are relative to it
 */
public record PolicyConfig(Optional<Path> file, Path baseDir, Selection rules, Selection threats, Selection tags,
                           Map<String, Severity> severity, Enforcement defaultEnforcement,
                           Map<String, Enforcement> enforcement, Map<String, Value> parameters, List<Glob> exclude,
                           List<Path> policies, List<Exemption> exceptions, boolean gitignore,
                           List<RuleReference> ruleReferences) {

    public static final List<String> FILE_NAMES = List.of(".policy.yaml", ".policy.yml");
    private static final List<String> KEYS = List.of("rules", "threats", "tags", "severity", "enforcement", "parameters",
        "exclude", "policies", "exceptions", "gitignore");

    public PolicyConfig {
        severity = Map.copyOf(severity);
        enforcement = Map.copyOf(enforcement);
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        exclude = List.copyOf(exclude);
        policies = List.copyOf(policies);
        exceptions = List.copyOf(exceptions);
        ruleReferences = List.copyOf(ruleReferences);
    }

    /**
     * A rule id or pattern the config names (in rules, severity, enforcement or an exception), or a tag pattern
     * ({@code tag}), and where: a typo there would otherwise change nothing without a word.
     */
    public record RuleReference(String pattern, boolean exact, Span span, boolean tag) {
        public RuleReference(String pattern, boolean exact, Span span) {
            this(pattern, exact, span, false);
        }

        boolean matchesAny(List<String> ids) {
            if (exact) return ids.contains(pattern);
            NamePattern p = NamePattern.of(pattern);
            return ids.stream().anyMatch(p::matches);
        }
    }

    /** Each rule reference that matches none of the loaded rules, as an error with a suggestion. */
    public List<Diagnostic> unknownRules(Collection<RuleInfo> loaded) {
        List<String> ids = loaded.stream().map(RuleInfo::id).toList();
        List<String> tags = loaded.stream().flatMap(r -> r.tags().stream()).distinct().sorted().toList();
        List<Diagnostic> out = new ArrayList<>();
        for (RuleReference ref : ruleReferences) {
            if (ref.tag()) {
                // A misspelt tag would select no rule (enable) or leave every rule on (disable) without a word.
                if (!ref.pattern().equals("*") && !ref.matchesAny(tags)) {
                    out.add(Diagnostic.error("K0023", "no loaded rule has a tag matching '" + ref.pattern() + "'", ref.span(),
                        Suggestions.hint(ref.pattern(), tags)));
                }
                continue;
            }
            if (ref.exact() && !ids.contains(ref.pattern()) && ref.pattern().matches(".*[*?\\[].*")) {
                // severity and enforcement keys are ids: "*" or "K8S-24*" there changed nothing without a word.
                out.add(Diagnostic.error("K0020", "severity and enforcement name rules one by one, and '" + ref.pattern()
                    + "' is a pattern", ref.span(), "list the rules by id (policy rules lists them); for every rule's enforcement use default"));
                continue;
            }
            if (!ref.exact() && ref.pattern().equals("*") || ref.matchesAny(ids)) continue;
            out.add(Diagnostic.error("K0020", (ref.exact() ? "no loaded rule is named '" : "no loaded rule matches '")
                + ref.pattern() + "'", ref.span(), Suggestions.hint(ref.pattern(), ids)));
        }
        return out;
    }

    /** No config file: every rule on, soft enforcement, {@code .gitignore} respected. */
    public static PolicyConfig defaults(Path baseDir) {
        return new PolicyConfig(Optional.empty(), baseDir, Selection.ALL, Selection.ALL, Selection.ALL, Map.of(),
            Enforcement.SOFT, Map.of(), Map.of(), List.of(), List.of(), List.of(), true, List.of());
    }

    /**
     * A config as read: what could be used, every mistake located, and the text read (for excerpts in the
     * diagnostics; empty when the file could not be read).
     */
    public record Loaded(PolicyConfig config, List<Diagnostic> diagnostics, Optional<SourceFile> source) {
        public Loaded {
            diagnostics = List.copyOf(diagnostics);
        }
    }

    /** Whether the rule runs under this config. */
    public boolean enabled(RuleInfo rule) {
        return rules.allows(rule.id()) && threats.allows(rule.threat().id())
            && (tags.enable().isEmpty() && tags.disable().isEmpty() || tags.allowsAny(rule.tags()));
    }

    public Severity severityOf(String ruleId, Severity declared) {
        return severity.getOrDefault(ruleId, declared);
    }

    public Enforcement enforcementOf(String ruleId) {
        return enforcement.getOrDefault(ruleId, defaultEnforcement);
    }

    /**
     * The finding as this config reports it: empty when the config turns its rule off, else at the config's
     * severity for the rule. {@code rule} is the rule that produced it, when known; findings of unknown rules
     * stay on.
     */
    public Optional<Finding> configured(Finding f, Optional<RuleInfo> rule) {
        if (rule.isPresent() && !enabled(rule.get())) return Optional.empty();
        Severity s = severityOf(f.ruleId(), f.severity());
        return Optional.of(s == f.severity() ? f : new Finding(f.ruleId(), f.title(), s, f.threat(), f.message(),
            f.location(), f.resource(), f.part(), f.trace()));
    }

    /** The exception that hides a finding on {@code today}, and those that matched it but expired. */
    public Exemption.Lookup exceptionFor(Finding f, LocalDate today) {
        return Exemption.lookup(exceptions, f, today);
    }

    /** Whether a scanned path (as given or found) is excluded by the config's globs. */
    public boolean excludes(Path path) {
        if (exclude.isEmpty()) return false;
        Path base = baseDir.toAbsolutePath().normalize();
        Path p = path.toAbsolutePath().normalize();
        String relative = (p.startsWith(base) ? base.relativize(p) : p).toString().replace('\\', '/');
        boolean dir = Files.isDirectory(p);
        return Glob.excluded(exclude, relative, dir);
    }

    /**
     * The config that applies to the scanned paths: the first {@code .policy.yaml} found in the folder of the
     * first path (or the working folder, for stdin) or any folder above it.
     */
    public static Optional<Path> find(List<String> scanned, Path workingDir) {
        Path start = workingDir;
        for (String s : scanned) {
            if (s.equals("-")) continue;
            Path p = Path.of(s).toAbsolutePath().normalize();
            start = Files.isDirectory(p) ? p : (p.getParent() == null ? workingDir : p.getParent());
            break;
        }
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            for (String name : FILE_NAMES) {
                Path candidate = dir.resolve(name);
                if (Files.isRegularFile(candidate)) return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static Loaded load(Path file) {
        Path base = Optional.ofNullable(file.toAbsolutePath().normalize().getParent()).orElse(Path.of("."));
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | java.io.UncheckedIOException e) {
            IOException cause = e instanceof IOException io ? io : ((java.io.UncheckedIOException) e).getCause();
            String why = cause instanceof java.nio.file.NoSuchFileException ? "no such config file"
                : "cannot read config: " + org.codomyrmex.policy.diag.IoReason.of(cause);
            return new Loaded(defaults(base), List.of(Diagnostic.error("K0001", why, Span.of(file.toString(), 0, 0))), Optional.empty());
        }
        // Strict UTF-8, so a stray byte is an error at its line and column rather than the decoder's "Input length = 1".
        java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(bytes.length);
        java.nio.charset.CoderResult result = decoder.decode(in, chars, true);
        if (!result.isError()) result = decoder.flush(chars);
        chars.flip();
        if (result.isError()) {
            SourceFile partial = new SourceFile(file.toString(), chars.toString());
            return new Loaded(defaults(base), List.of(Diagnostic.error("K0021", "the config is not UTF-8 text: invalid byte 0x"
                + String.format("%02x", bytes[in.position()] & 0xFF), partial.span(chars.length(), chars.length()),
                "save it as UTF-8")), Optional.of(partial));
        }
        return parse(new SourceFile(file.toString(), chars.toString()), file, base);
    }

    public static Loaded parse(SourceFile source, Path file, Path baseDir) {
        YamlLoader.Result yaml = YamlLoader.load(source, YamlLoader.Options.defaults(YamlLoader.Profile.CORE));
        Reader r = new Reader(source.name());
        for (Diagnostic d : yaml.diagnostics()) {
            // A duplicate key drops the first setting (a whole rules: or exceptions: block) without changing a
            // thing in a manifest's way; in the config that is a mistake like any other.
            if (d.code().equals("I1011")) {
                int cut = d.message().indexOf("; the last one wins");
                r.diagnostics.add(Diagnostic.error("K0022", (cut < 0 ? d.message() : d.message().substring(0, cut))
                    + ": the first is not used", d.span()));
            } else {
                r.diagnostics.add(d);
            }
        }
        PolicyConfig defaults = defaults(baseDir);
        if (yaml.documents().isEmpty()) return new Loaded(withFile(defaults, file), r.diagnostics, Optional.of(source));
        if (yaml.documents().size() > 1) {
            r.error("K0002", "a config has one YAML document; the others are ignored", yaml.documents().get(1).span());
        }
        Value root = yaml.documents().get(0);
        if (!(root instanceof Value.MapV map)) {
            r.error("K0003", "a config is a map of settings (rules, severity, exceptions, ...)", root.span());
            return new Loaded(withFile(defaults, file), r.diagnostics, Optional.of(source));
        }
        for (Map.Entry<String, Value> e : map.entries().entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                r.error("K0004", "unknown setting '" + e.getKey() + "'", map.keySpans().getOrDefault(e.getKey(), e.getValue().span()),
                    Suggestions.hint(e.getKey(), KEYS));
            }
        }
        Selection rules = r.selection(map.entries().get("rules"), "rules");
        if (map.entries().get("rules") instanceof Value.MapV selected) {
            r.referencesIn(selected.get("enable"));
            r.referencesIn(selected.get("disable"));
        }
        Selection threats = r.selection(map.entries().get("threats"), "threats");
        Selection tags = r.selection(map.entries().get("tags"), "tags");
        if (map.entries().get("tags") instanceof Value.MapV selected) {
            r.tagsIn(selected.get("enable"));
            r.tagsIn(selected.get("disable"));
        }
        if (map.entries().get("threats") instanceof Value.MapV selected) {
            r.threatsIn(selected.get("enable"));
            r.threatsIn(selected.get("disable"));
        }
        Map<String, Severity> severity = new LinkedHashMap<>();
        r.keyReferences(map.entries().get("severity"));
        for (Map.Entry<String, Value> e : r.map(map.entries().get("severity"), "severity").entrySet()) {
            Optional<String> written = r.scalar(e.getValue(), "severity of " + e.getKey());
            if (written.isEmpty()) continue;
            String s = written.get();
            Severity.parse(s).ifPresentOrElse(v -> severity.put(e.getKey(), v), () -> r.error("K0006",
                "'" + s + "' is not a severity; use critical, high, medium, low or info", e.getValue().span()));
        }
        Enforcement defaultEnforcement = Enforcement.SOFT;
        Map<String, Enforcement> enforcement = new LinkedHashMap<>();
        r.keyReferences(map.entries().get("enforcement"));
        for (Map.Entry<String, Value> e : r.map(map.entries().get("enforcement"), "enforcement").entrySet()) {
            Optional<String> written = r.scalar(e.getValue(), "enforcement of " + e.getKey());
            if (written.isEmpty()) continue;
            String s = written.get();
            Optional<Enforcement> level = Enforcement.parse(s);
            if (level.isEmpty()) {
                r.error("K0007", "'" + s + "' is not an enforcement level; use advisory, soft or hard", e.getValue().span());
            } else if (e.getKey().equals("default")) {
                defaultEnforcement = level.get();
            } else {
                enforcement.put(e.getKey(), level.get());
            }
        }
        Map<String, Value> parameters = r.map(map.entries().get("parameters"), "parameters");
        List<Glob> exclude = r.strings(map.entries().get("exclude"), "exclude").stream().map(g -> Glob.line(g, baseDir)).toList();
        List<Path> policies = r.strings(map.entries().get("policies"), "policies").stream().map(baseDir::resolve).toList();
        List<Exemption> exceptions = new ArrayList<>();
        Value ex = map.entries().get("exceptions");
        if (ex != null && !(ex instanceof Value.Null)) {
            if (ex instanceof Value.ListV list) {
                for (Value item : list.items()) r.exemption(item, baseDir).ifPresent(exceptions::add);
            } else {
                r.error("K0008", "exceptions is a list of {rule, resource, justification, owner, expires}", ex.span());
            }
        }
        boolean gitignore = true;
        Value gi = map.entries().get("gitignore");
        if (gi instanceof Value.Bool b) {
            gitignore = b.value();
        } else if (gi != null) {
            r.error("K0009", "gitignore is true or false", gi.span());
        }
        return new Loaded(new PolicyConfig(Optional.of(file), baseDir, rules, threats, tags, severity, defaultEnforcement,
            enforcement, parameters, exclude, policies, exceptions, gitignore, r.ruleReferences), r.diagnostics, Optional.of(source));
    }

    private static PolicyConfig withFile(PolicyConfig c, Path file) {
        return new PolicyConfig(Optional.of(file), c.baseDir(), c.rules(), c.threats(), c.tags(), c.severity(),
            c.defaultEnforcement(), c.enforcement(), c.parameters(), c.exclude(), c.policies(), c.exceptions(), c.gitignore(),
            c.ruleReferences());
    }

    /** Reads parts of the YAML tree, turning each mistake into a diagnostic at the value. */
    private static final class Reader {
        final String file;
        final List<Diagnostic> diagnostics = new ArrayList<>();
        final List<RuleReference> ruleReferences = new ArrayList<>();

        Reader(String file) {
            this.file = file;
        }

        void error(String code, String message, Span at) {
            diagnostics.add(Diagnostic.error(code, message, at.isKnown() ? at : Span.of(file, 1, 1)));
        }

        void error(String code, String message, Span at, String hint) {
            diagnostics.add(Diagnostic.error(code, message, at.isKnown() ? at : Span.of(file, 1, 1), hint));
        }

        Span spanOf(Value v) {
            return v == null ? Span.of(file, 1, 1) : v.span();
        }

        Map<String, Value> map(Value v, String what) {
            if (v == null || v instanceof Value.Null) return Map.of();
            if (v instanceof Value.MapV m) return m.entries();
            error("K0010", what + " is a map", v.span());
            return Map.of();
        }

        String string(Value v, String what) {
            return scalar(v, what).orElse("");
        }

        /** The text of a scalar; empty, after error K0011, for a list, map or null, so no second error follows. */
        Optional<String> scalar(Value v, String what) {
            if (v instanceof Value.Str s) return Optional.of(s.value());
            if (v instanceof Value.Int || v instanceof Value.Float || v instanceof Value.Bool) {
                return Optional.of(org.codomyrmex.policy.model.Values.display(v));
            }
            error("K0011", what + " is a string", v.span());
            return Optional.empty();
        }

        List<String> strings(Value v, String what) {
            if (v == null || v instanceof Value.Null) return List.of();
            if (v instanceof Value.Str s) return List.of(s.value());
            if (!(v instanceof Value.ListV l)) {
                error("K0012", what + " is a list of strings", v.span());
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (Value item : l.items()) {
                String s = string(item, "each item of " + what);
                if (!s.isEmpty()) out.add(s);
            }
            return out;
        }

        /** Records the tags or tag patterns in {@code v} (one string or a list of them). */
        void tagsIn(Value v) {
            List<Value> items = v instanceof Value.ListV l ? l.items() : v == null ? List.of() : List.of(v);
            for (Value item : items) {
                if (item instanceof Value.Str s && !s.value().isBlank()) ruleReferences.add(new RuleReference(s.value(), false, s.span(), true));
            }
        }

        /** Records the rule ids or patterns in {@code v} (one string or a list of them). */
        void referencesIn(Value v) {
            List<Value> items = v instanceof Value.ListV l ? l.items() : v == null ? List.of() : List.of(v);
            for (Value item : items) {
                if (item instanceof Value.Str s && !s.value().isBlank()) ruleReferences.add(new RuleReference(s.value(), false, s.span()));
            }
        }

        /**
         * Each threat id or pattern in {@code v} (one string or a list of them) that names no threat, as an error at
         * the item: patterns ({@code container-*}) are read as the selection reads them.
         */
        void threatsIn(Value v) {
            List<String> ids = java.util.Arrays.stream(org.codomyrmex.policy.model.Threat.values()).map(x -> x.id()).toList();
            List<Value> items = v instanceof Value.ListV l ? l.items() : v == null ? List.of() : List.of(v);
            for (Value item : items) {
                if (!(item instanceof Value.Str s) || s.value().isBlank()) continue;
                NamePattern p = NamePattern.of(s.value());
                if (ids.stream().noneMatch(p::matches)) {
                    error("K0005", "unknown threat '" + s.value() + "'", s.span(), Suggestions.hint(s.value(), ids));
                }
            }
        }

        /** Records the keys of a map by rule id ({@code default} is not a rule), at each key; ids, not patterns. */
        void keyReferences(Value v) {
            if (!(v instanceof Value.MapV m)) return;
            for (String key : m.entries().keySet()) {
                if (!key.equals("default")) ruleReferences.add(new RuleReference(key, true, m.keySpans().getOrDefault(key, m.span())));
            }
        }

        Selection selection(Value v, String what) {
            Map<String, Value> m = map(v, what);
            for (Map.Entry<String, Value> e : m.entrySet()) {
                if (!e.getKey().equals("enable") && !e.getKey().equals("disable")) {
                    error("K0013", "unknown key '" + e.getKey() + "' in " + what + "; use enable or disable", e.getValue().span());
                }
            }
            return Selection.of(new LinkedHashSet<>(strings(m.get("enable"), what + ".enable")),
                new LinkedHashSet<>(strings(m.get("disable"), what + ".disable")));
        }

        Optional<Exemption> exemption(Value item, Path baseDir) {
            if (!(item instanceof Value.MapV m)) {
                error("K0014", "an exception is a map: {rule, resource, justification, owner, expires}", item.span());
                return Optional.empty();
            }
            List<String> keys = List.of("rule", "rules", "resource", "kind", "namespace", "name", "file", "justification", "owner", "expires");
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                if (!keys.contains(e.getKey())) {
                    error("K0015", "unknown key '" + e.getKey() + "' in an exception", m.keySpans().getOrDefault(e.getKey(), item.span()),
                        Suggestions.hint(e.getKey(), keys));
                }
            }
            List<String> rules = new ArrayList<>(strings(m.entries().get("rule"), "rule"));
            rules.addAll(strings(m.entries().get("rules"), "rules"));
            referencesIn(m.entries().get("rule"));
            referencesIn(m.entries().get("rules"));
            if (rules.isEmpty()) {
                error("K0016", "an exception names its rule (rule: ESC-001, or * for every rule)", item.span());
                return Optional.empty();
            }
            String kind = text(m, "kind");
            String namespace = text(m, "namespace");
            String name = text(m, "name");
            Value resource = m.entries().get("resource");
            if (resource instanceof Value.Str s) {
                // kind/name or kind/namespace/name, as findings show resources
                String[] parts = s.value().split("/", -1);
                if (java.util.Arrays.stream(parts).anyMatch(String::isBlank)) {
                    // An empty part would select any kind or name: "Pod/" hid the findings of every pod.
                    error("K0017", "resource is Kind/name or Kind/namespace/name, none of them empty (* selects any)", s.span());
                    return Optional.empty();
                } else if (parts.length == 2) {
                    kind = parts[0];
                    name = parts[1];
                } else if (parts.length == 3) {
                    kind = parts[0];
                    namespace = parts[1];
                    name = parts[2];
                } else {
                    error("K0017", "resource is Kind/name or Kind/namespace/name", s.span());
                }
            } else if (resource != null) {
                error("K0017", "resource is Kind/name or Kind/namespace/name", resource.span());
            }
            String justification = text(m, "justification");
            if (justification.isBlank()) error("K0018", "an exception needs a justification", item.span());
            String owner = text(m, "owner");
            Optional<LocalDate> expires = Optional.empty();
            Value e = m.entries().get("expires");
            if (e != null && !(e instanceof Value.Null)) {
                Optional<String> written = scalar(e, "expires");
                try {
                    if (written.isPresent()) expires = Optional.of(LocalDate.parse(written.get()));
                } catch (DateTimeParseException x) {
                    error("K0019", "expires is a date like 2026-12-31, not '" + written.get() + "'", e.span());
                }
            }
            return Optional.of(new Exemption(rules.stream().map(NamePattern::of).toList(), NamePattern.of(kind),
                NamePattern.of(namespace), NamePattern.of(name), Optional.of(text(m, "file")).filter(f -> !f.isEmpty()).map(Glob::path),
                justification, owner, expires,
                baseDir.toString(), item.span()));
        }

        private String text(Value.MapV m, String key) {
            Value v = m.entries().get(key);
            return v == null || v instanceof Value.Null ? "" : string(v, key);
        }
    }
}
