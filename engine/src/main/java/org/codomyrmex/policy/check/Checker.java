package org.codomyrmex.policy.check;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.diag.Suggestions;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.model.Threat;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.runtime.builtins.Builtin;
import org.codomyrmex.policy.runtime.builtins.BuiltinRegistry;
import org.codomyrmex.policy.syntax.Decl;
import org.codomyrmex.policy.syntax.Expr;
import org.codomyrmex.policy.syntax.Module;
import org.codomyrmex.policy.types.ObjectType;
import org.codomyrmex.policy.types.Schemas;
import org.codomyrmex.policy.types.Type;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Names, types and schemas. Resolves every name, checks calls against builtin signatures and field accesses
 * against the input models, rejects recursion (so evaluation always terminates), and works out which input
 * kinds each rule applies to: those whose views the rule type-checks against, narrowed by its {@code on}.
 */
public final class Checker {
    private final Schemas schemas;
    private final BuiltinRegistry builtins;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final Map<Expr, Resolution> resolutions = new IdentityHashMap<>();
    private final Map<Expr, Type> types = new IdentityHashMap<>();
    private final Map<Span, Integer> bindingSlots = new java.util.HashMap<>();
    private final Map<String, PackageScope> packages = new LinkedHashMap<>();
    private final Map<String, CheckedFunction> functions = new LinkedHashMap<>();
    private final Map<String, CheckedConstant> constants = new LinkedHashMap<>();
    /** Call graph over functions and constants (qualified names), for the recursion check. */
    private final Map<String, Set<String>> calls = new LinkedHashMap<>();
    private final Map<String, Span> callSites = new LinkedHashMap<>();
    /** A use of a package that is not loaded, as {@link Env#uses} records it. */
    private static final String MISSING_PACKAGE = "package ";
    /** Functions and constants that could not be checked, and every one that uses them: they cannot run. */
    private final Set<String> failed = new LinkedHashSet<>();
    /** What each checked rule uses, by rule id. */
    private final Map<String, Set<String>> ruleUses = new LinkedHashMap<>();

    private Checker(Schemas schemas, BuiltinRegistry builtins) {
        this.schemas = schemas;
        this.builtins = builtins;
    }

    public static CheckedProgram check(List<Module> modules) {
        return check(modules, Schemas.standard(), BuiltinRegistry.standard());
    }

    public static CheckedProgram check(List<Module> modules, Schemas schemas, BuiltinRegistry builtins) {
        return new Checker(schemas, builtins).run(modules);
    }

    /** The result of checking one expression in the context of a policy set (the REPL's input). */
    public record CheckedExpression(CheckedProgram program, Expr expr, Type type, int frameSize, List<Diagnostic> diagnostics) {
        public boolean ok() {
            return diagnostics.stream().noneMatch(Diagnostic::isError);
        }
    }

    /**
     * Checks {@code expr} as if written in {@code context} (one of {@code modules}), seeing the views of
     * {@code kind} when given.
     */
    public static CheckedExpression checkExpression(List<Module> modules, Module context, Expr expr, Optional<InputKind> kind) {
        Checker c = new Checker(Schemas.standard(), BuiltinRegistry.standard());
        CheckedProgram program = c.run(modules);
        List<Diagnostic> out = new ArrayList<>();
        PackageScope pkg = c.packages.computeIfAbsent(packageOf(context), PackageScope::new);
        Env env = c.new Env(pkg, context, kind, "expression", out);
        Type t = c.type(expr, env);
        return new CheckedExpression(program, expr, t, env.maxSlots, out);
    }

    private static final class PackageScope {
        final String name;
        final Map<String, Decl.Function> functions = new LinkedHashMap<>();
        final Map<String, Decl> constants = new LinkedHashMap<>();  // Decl.Const or Decl.Parameter
        final Map<String, Module> moduleOf = new LinkedHashMap<>();

        PackageScope(String name) {
            this.name = name;
        }
    }

    static String packageOf(Module m) {
        return m.packageName().orElse("main");
    }

    // ------------------------------------------------------------------ driver

    private CheckedProgram run(List<Module> modules) {
        Map<String, SourceFile> sources = new LinkedHashMap<>();
        for (Module m : modules) {
            sources.put(m.source().name(), m.source());
            collect(m);
        }
        for (Module m : modules) checkImports(m);
        for (PackageScope p : packages.values()) {
            for (Decl c : p.constants.values()) checkConstant(p, c);
            for (Decl.Function f : p.functions.values()) checkFunction(p, f);
        }
        Set<String> recursive = checkRecursion();
        recursive.forEach(q -> {
            functions.remove(q);
            constants.remove(q);
        });
        markFailed(recursive);
        List<CheckedRule> rules = new ArrayList<>();
        Map<String, Span> ruleIds = new LinkedHashMap<>();
        for (Module m : modules) {
            for (Decl.Rule r : m.declarations(Decl.Rule.class)) {
                Span previous = ruleIds.putIfAbsent(r.name(), r.idSpan());
                if (previous != null) {
                    error("C2001", "rule " + r.name() + " is defined twice (first at " + previous + ")", r.idSpan(), null);
                    continue;
                }
                Optional<CheckedRule> checked = checkRule(m, r);
                Optional<String> broken = ruleUses.getOrDefault(r.name(), Set.of()).stream()
                    .filter(u -> failed.contains(u) || u.startsWith(MISSING_PACKAGE)).findFirst();
                if (checked.isPresent() && broken.isPresent()) {
                    // Its own text is fine; what it uses has errors (reported there), so it cannot run.
                    String used = broken.get();
                    diagnostics.add(Diagnostic.warning("C3010", "rule " + r.name() + " cannot run: it uses "
                        + (used.startsWith(MISSING_PACKAGE) ? used + ", which is not loaded"
                            : display(used) + ", which has an error or uses one"), r.idSpan()));
                    continue;
                }
                checked.ifPresent(rules::add);
            }
        }
        List<CheckedTest> tests = new ArrayList<>();
        for (Module m : modules) {
            for (Decl.Test t : m.declarations(Decl.Test.class)) {
                if (checkTest(t, ruleIds.keySet())) tests.add(new CheckedTest(t, packageOf(m), m.source().name()));
            }
        }
        return new CheckedProgram(List.copyOf(rules), Map.copyOf(functions), Map.copyOf(constants), List.copyOf(tests),
            resolutions, types, bindingSlots, sources, List.copyOf(diagnostics));
    }

    private void collect(Module m) {
        PackageScope p = packages.computeIfAbsent(packageOf(m), PackageScope::new);
        for (Decl d : m.declarations()) {
            if (d instanceof Decl.Function f) {
                if (builtins.lookup(f.name()).isPresent()) {
                    error("C2002", "'" + f.name() + "' is a builtin; choose another name for this function", f.nameSpan(), null);
                } else if (p.functions.containsKey(f.name()) || p.constants.containsKey(f.name())) {
                    error("C2003", "'" + f.name() + "' is already defined in package " + p.name, f.nameSpan(), null);
                } else {
                    p.functions.put(f.name(), f);
                    p.moduleOf.put(f.name(), m);
                }
            } else if (d instanceof Decl.Const || d instanceof Decl.Parameter) {
                Span nameSpan = d instanceof Decl.Const c ? c.nameSpan() : ((Decl.Parameter) d).nameSpan();
                if (p.functions.containsKey(d.name()) || p.constants.containsKey(d.name())) {
                    error("C2003", "'" + d.name() + "' is already defined in package " + p.name, nameSpan, null);
                } else {
                    p.constants.put(d.name(), d);
                    p.moduleOf.put(d.name(), m);
                }
            }
        }
    }

    private void checkImports(Module m) {
        for (Module.Import i : m.imports()) {
            if (!packages.containsKey(i.packageName())) {
                error("C2004", "no package named '" + i.packageName() + "'", i.span(),
                    Suggestions.hint(i.packageName(), packages.keySet()));
            }
        }
    }

    // ------------------------------------------------------------------ environments

    /** A binding in scope. */
    private static final class Binding {
        final String name;
        final Type type;
        final int slot;
        final Span span;
        boolean used;

        Binding(String name, Type type, int slot, Span span) {
            this.name = name;
            this.type = type;
            this.slot = slot;
            this.span = span;
        }
    }

    /** Everything an expression is checked in: the package, the views of one input kind, the local frame. */
    private final class Env {
        final PackageScope pkg;
        final Module module;
        final Optional<InputKind> kind;
        final Map<String, ObjectType.Field> views;
        final String owner;
        final List<Diagnostic> out;
        final List<Binding> scope = new ArrayList<>();
        final List<Binding> all = new ArrayList<>();
        int nextSlot;
        int maxSlots;
        /** The functions and constants this declaration refers to, and packages it names that do not exist. */
        final Set<String> uses = new LinkedHashSet<>();

        Env(PackageScope pkg, Module module, Optional<InputKind> kind, String owner, List<Diagnostic> out) {
            this.pkg = pkg;
            this.module = module;
            this.kind = kind;
            this.views = kind.map(schemas::views).orElse(Map.of());
            this.owner = owner;
            this.out = out;
        }

        Binding bind(String name, Type type, Span span) {
            Binding b = new Binding(name, type, nextSlot++, span);
            bindingSlots.put(span, b.slot);
            maxSlots = Math.max(maxSlots, nextSlot);
            scope.add(b);
            all.add(b);
            return b;
        }

        /** Ends the innermost bindings opened since {@code mark}; their slots may be reused. */
        void restore(int mark, int slotMark) {
            while (scope.size() > mark) scope.remove(scope.size() - 1);
            nextSlot = slotMark;
        }

        Optional<Binding> local(String name) {
            for (int i = scope.size() - 1; i >= 0; i--) {
                if (scope.get(i).name.equals(name)) return Optional.of(scope.get(i));
            }
            return Optional.empty();
        }

        boolean isImport(String name) {
            return module.imports().stream().anyMatch(i -> i.localName().equals(name));
        }

        Optional<PackageScope> importedPackage(String localName) {
            return module.imports().stream().filter(i -> i.localName().equals(localName)).findFirst()
                .map(i -> packages.get(i.packageName()));
        }

        void error(String code, String message, Span at, String hint) {
            out.add(Diagnostic.error(code, message, at, hint));
        }

        void warning(String code, String message, Span at, String hint) {
            out.add(Diagnostic.warning(code, message, at, hint));
        }

        void unusedWarnings() {
            for (Binding b : all) {
                if (!b.used && !b.name.startsWith("_")) {
                    warning("C3001", "'" + b.name + "' is bound but never used", b.span, "remove it, or name it _" + b.name);
                }
            }
        }

        /** Names visible here, for "did you mean". */
        List<String> visibleNames() {
            List<String> names = new ArrayList<>();
            scope.forEach(b -> names.add(b.name));
            names.addAll(pkg.constants.keySet());
            names.addAll(views.keySet());
            if (kind.isEmpty() || views.isEmpty()) names.addAll(schemas.allViewNames());
            module.imports().forEach(i -> names.add(i.localName()));
            return names;
        }
    }

    private void error(String code, String message, Span at, String hint) {
        diagnostics.add(Diagnostic.error(code, message, at, hint));
    }

    // ------------------------------------------------------------------ constants and functions

    private void checkConstant(PackageScope p, Decl c) {
        String q = p.name + "." + c.name();
        Env env = new Env(p, p.moduleOf.get(c.name()), Optional.empty(), q, diagnostics);
        int before = errorCount(diagnostics);
        boolean parameter = c instanceof Decl.Parameter;
        Expr value = parameter ? ((Decl.Parameter) c).defaultValue() : ((Decl.Const) c).value();
        String doc = parameter ? ((Decl.Parameter) c).doc() : ((Decl.Const) c).doc();
        Type t = type(value, env);
        if (errorCount(diagnostics) == before) {
            constants.put(q, new CheckedConstant(q, value, t, env.maxSlots, parameter, doc, c.span()));
        }
    }

    private void checkFunction(PackageScope p, Decl.Function f) {
        String q = p.name + "." + f.name();
        Env env = new Env(p, p.moduleOf.get(f.name()), Optional.empty(), q, diagnostics);
        Set<String> seen = new LinkedHashSet<>();
        for (Decl.Param param : f.params()) {
            if (!seen.add(param.name())) env.error("C2005", "parameter '" + param.name() + "' is given twice", param.span(), null);
            Binding b = env.bind(param.name(), Type.ANY, param.span());
            b.used = true; // an unused parameter is part of a signature, not a mistake worth a warning
        }
        int before = errorCount(diagnostics);
        Type t = type(f.body(), env);
        if (errorCount(diagnostics) == before) functions.put(q, new CheckedFunction(q, f, t, env.maxSlots));
    }

    private static int errorCount(List<Diagnostic> ds) {
        int n = 0;
        for (Diagnostic d : ds) if (d.isError()) n++;
        return n;
    }

    /** Functions and constants that reach themselves through calls; each cycle is reported once. */
    private Set<String> checkRecursion() {
        Set<String> recursive = new LinkedHashSet<>();
        for (String start : calls.keySet()) {
            List<String> path = new ArrayList<>();
            if (recursive.contains(start)) continue;
            if (findCycle(start, start, path, new LinkedHashSet<>())) {
                String cycle = start + " -> " + String.join(" -> ", path);
                recursive.addAll(path);
                recursive.add(start);
                Span at = callSites.getOrDefault(start + "->" + path.get(0), Span.NONE);
                error("C2006", "recursion is not allowed: " + display(cycle), at,
                    "policies must always terminate; use a quantifier or a comprehension over the data instead");
            }
        }
        return recursive;
    }

    /**
     * Collects the functions and constants that cannot run: those whose own text has errors (they never got a
     * checked form), the recursive ones, and, to a fixed point, every one that uses another of them or a package
     * that is not loaded. Their compiled form would have unresolved nodes.
     */
    private void markFailed(Set<String> recursive) {
        failed.addAll(recursive);
        for (PackageScope p : packages.values()) {
            for (String f : p.functions.keySet()) if (!functions.containsKey(p.name + "." + f)) failed.add(p.name + "." + f);
            for (String c : p.constants.keySet()) if (!constants.containsKey(p.name + "." + c)) failed.add(p.name + "." + c);
        }
        calls.values().forEach(targets -> targets.stream().filter(t -> t.startsWith(MISSING_PACKAGE)).forEach(failed::add));
        for (boolean changed = true; changed; ) {
            changed = false;
            for (Map.Entry<String, Set<String>> e : calls.entrySet()) {
                if (!failed.contains(e.getKey()) && e.getValue().stream().anyMatch(failed::contains)) {
                    failed.add(e.getKey());
                    functions.remove(e.getKey());
                    constants.remove(e.getKey());
                    changed = true;
                }
            }
        }
    }

    private static String display(String cycle) {
        return cycle.replaceAll("[A-Za-z0-9_.]*\\.", "");
    }

    private boolean findCycle(String target, String current, List<String> path, Set<String> visited) {
        for (String next : calls.getOrDefault(current, Set.of())) {
            path.add(next);
            if (next.equals(target)) return true;
            if (visited.add(next) && findCycle(target, next, path, visited)) return true;
            path.remove(path.size() - 1);
        }
        return false;
    }

    // ------------------------------------------------------------------ rules

    /** The kinds of the Kubernetes API itself, for "did you mean" on a misspelled kind in {@code on kubernetes(...)}. */
    private static final Set<String> BUILTIN_KUBERNETES_KINDS = Set.of("Pod", "PodTemplate", "Deployment", "ReplicaSet",
        "ReplicationController", "StatefulSet", "DaemonSet", "Job", "CronJob", "Service", "Endpoints", "EndpointSlice",
        "Ingress", "IngressClass", "NetworkPolicy", "Secret", "ConfigMap", "ServiceAccount", "Role", "ClusterRole",
        "RoleBinding", "ClusterRoleBinding", "Namespace", "Node", "PersistentVolume", "PersistentVolumeClaim",
        "StorageClass", "PodDisruptionBudget", "HorizontalPodAutoscaler", "LimitRange", "ResourceQuota",
        "PriorityClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "CustomResourceDefinition",
        "PodSecurityPolicy", "Event", "Lease", "RuntimeClass", "CSIDriver", "CertificateSigningRequest");

    private Optional<CheckedRule> checkRule(Module m, Decl.Rule r) {
        PackageScope p = packages.get(packageOf(m));
        int before = errorCount(diagnostics);
        Severity severity = r.severity().flatMap(w -> {
            Optional<Severity> s = Severity.parse(w.text());
            if (s.isEmpty()) {
                error("C2010", "unknown severity '" + w.text() + "'", w.span(),
                    Suggestions.hint(w.text(), Arrays.stream(Severity.values()).map(Severity::id).toList()));
            }
            return s;
        }).orElse(null);
        if (r.severity().isEmpty()) {
            error("C2011", "rule " + r.name() + " has no severity", r.idSpan(), "add: severity critical | high | medium | low | info");
        }
        Threat threat = r.threat().flatMap(w -> {
            Optional<Threat> t = Threat.parse(w.text());
            if (t.isEmpty()) {
                error("C2012", "unknown threat '" + w.text() + "'", w.span(),
                    Suggestions.hint(w.text(), Arrays.stream(Threat.values()).map(Threat::id).toList()));
            }
            return t;
        }).orElse(null);
        if (r.threat().isEmpty()) {
            error("C2013", "rule " + r.name() + " has no threat", r.idSpan(),
                "add: threat " + String.join(" | ", Arrays.stream(Threat.values()).map(Threat::id).toList()));
        }
        Set<InputKind> candidates = EnumSet.noneOf(InputKind.class);
        List<String> resourceKinds = new ArrayList<>();
        for (Decl.Selector s : r.selectors()) {
            Optional<InputKind> k = InputKind.parse(s.input().text());
            if (k.isEmpty()) {
                List<String> names = new ArrayList<>();
                for (InputKind ik : InputKind.values()) {
                    names.add(ik.id());
                    names.add(ik.shortName());
                }
                error("C2014", "unknown input kind '" + s.input().text() + "'", s.input().span(), Suggestions.hint(s.input().text(), names));
                continue;
            }
            candidates.add(k.get());
            s.kinds().forEach(w -> resourceKinds.add(w.text()));
            for (Decl.Word w : s.kinds()) {
                // Kinds are matched exactly, so `pod` or `Deploymnet` narrowed the rule to nothing without a word.
                // Other names may be custom resources: only a near miss of a built-in kind is said.
                if (BUILTIN_KUBERNETES_KINDS.contains(w.text())) continue;
                Suggestions.closest(w.text(), BUILTIN_KUBERNETES_KINDS).ifPresent(near -> diagnostics.add(Diagnostic.warning(
                    "C3013", "no built-in Kubernetes kind is named '" + w.text() + "'", w.span(),
                    "did you mean '" + near + "'? (kinds are matched exactly, case included)")));
            }
        }
        if (r.selectors().isEmpty()) candidates = EnumSet.allOf(InputKind.class);
        if (errorCount(diagnostics) > before) return Optional.empty();

        // Check against each candidate kind; the rule applies to the kinds it is well-typed for.
        Set<InputKind> formats = EnumSet.noneOf(InputKind.class);
        List<Diagnostic> bestFailure = null;
        List<Diagnostic> firstSuccess = null;
        Map<InputKind, Diagnostic> firstErrorOf = new java.util.EnumMap<>(InputKind.class);
        int frameSize = 0;
        for (InputKind kind : candidates) {
            List<Diagnostic> out = new ArrayList<>();
            Env env = new Env(p, m, Optional.of(kind), "rule " + r.name(), out);
            checkRuleBody(r, env);
            ruleUses.computeIfAbsent(r.name(), k -> new LinkedHashSet<>()).addAll(env.uses);
            if (errorCount(out) == 0) {
                formats.add(kind);
                frameSize = Math.max(frameSize, env.maxSlots);
                if (firstSuccess == null) {
                    env.unusedWarnings();
                    firstSuccess = out;
                }
            } else {
                out.stream().filter(Diagnostic::isError).findFirst().ifPresent(d -> firstErrorOf.put(kind, d));
                if (bestFailure == null || errorCount(out) < errorCount(bestFailure)) bestFailure = out;
            }
        }
        if (formats.isEmpty()) {
            diagnostics.addAll(bestFailure);
            return Optional.empty();
        }
        diagnostics.addAll(firstSuccess);
        if (!r.selectors().isEmpty()) {
            // Without 'on' a rule quietly applies to the kinds it fits; a kind its 'on' names is a promise, so
            // dropping one (a view that kind lacks) is said, where that kind's check failed.
            for (Map.Entry<InputKind, Diagnostic> dropped : firstErrorOf.entrySet()) {
                Diagnostic why = dropped.getValue();
                diagnostics.add(Diagnostic.warning("C3011", "rule " + r.name() + " never applies to "
                    + dropped.getKey().id() + " inputs, which its 'on' names: " + why.message(), why.span()));
            }
        }
        if (!resourceKinds.isEmpty() && !formats.contains(InputKind.KUBERNETES) && r.selectors().stream().anyMatch(s -> !s.kinds().isEmpty())) {
            diagnostics.add(Diagnostic.warning("C3003", "resource kinds in 'on' only narrow Kubernetes inputs", r.selectors().get(0).span()));
        }
        return Optional.of(new CheckedRule(r, p.name, m.source().name(), severity, threat, formats, List.copyOf(resourceKinds), frameSize));
    }

    private void checkRuleBody(Decl.Rule r, Env env) {
        for (Decl.Clause c : r.clauses()) {
            if (c instanceof Decl.ForClause f) {
                Type element = elementType(type(f.source(), env), f.source().span(), env);
                env.bind(f.variable(), element, f.variableSpan());
            } else if (c instanceof Decl.LetClause l) {
                env.bind(l.variable(), type(l.value(), env), l.variableSpan());
            } else if (c instanceof Decl.WhereClause w) {
                Type t = type(w.condition(), env);
                expectBool(t, w.condition(), env, "a 'where' condition");
                if (w.condition() instanceof Expr.Literal lit && lit.value() instanceof Value.Bool b && !b.value()) {
                    env.warning("C3002", "this condition is always false: the rule can never fire", w.span(), null);
                }
            }
        }
        for (Decl.Report rep : r.reports()) {
            type(rep.message(), env);
            holesNotRead(rep.message(), env);
            rep.at().ifPresent(a -> type(a, env));
            rep.when().ifPresent(w -> expectBool(type(w, env), w, env, "a 'when' condition"));
        }
    }

    /** {@code {name...}}: what a hole looks like (a regex count such as {@code {3}} does not). */
    private static final java.util.regex.Pattern HOLE_LIKE = java.util.regex.Pattern.compile("\\{\\s*[A-Za-z_][^{}]*}");

    /**
     * Only a quoted message has {@code {...}} holes; a text block is taken as written, so a hole in one printed
     * "{c.name}" in every finding without a word. (Raw strings are for patterns: their braces are meant.)
     */
    private static void holesNotRead(Expr.Template message, Env env) {
        if (message.parts().size() != 1 || !(message.parts().get(0) instanceof Expr.TextPart text)) return;
        Span at = message.span();
        String line = env.module.source().line(at.line());
        if (at.column() < 1 || at.column() > line.length() || !line.startsWith("\"\"\"", at.column() - 1)) return;
        java.util.regex.Matcher hole = HOLE_LIKE.matcher(text.text());
        if (hole.find()) {
            env.warning("C3012", "this message is a text block, which has no holes: '" + hole.group()
                + "' is printed as written", at, "write the message as a quoted string \"...\" to fill in its holes");
        }
    }

    /** A type named with its article, as a sentence says it: "a string", "an int", "an ImageRef". */
    static String a(Type t) {
        return Values.withArticle(t.display());
    }

    private Type elementType(Type source, Span at, Env env) {
        if (source instanceof Type.ListOf l) return l.element();
        if (source instanceof Type.MapOf || source instanceof ObjectType) return Type.STRING; // iterating a map gives its keys
        if (source instanceof Type.Any || source instanceof Type.Null) return Type.ANY;
        env.error("C2020", "cannot iterate over " + a(source), at, "iterate over a list or a map");
        return Type.ANY;
    }

    private void expectBool(Type t, Expr e, Env env, String what) {
        if (!(t instanceof Type.Bool || t instanceof Type.Any || t instanceof Type.Null)) {
            env.error("C2021", what + " must be a bool, but this is " + a(t), e.span(),
                t instanceof Type.ListOf ? "use any/all/none over the list, or len(...) > 0" : null);
        }
    }

    // ------------------------------------------------------------------ tests

    private boolean checkTest(Decl.Test t, Set<String> ruleIds) {
        int before = errorCount(diagnostics);
        for (Decl.Given g : t.givens()) {
            if (InputKind.parse(g.kind().text()).isEmpty()) {
                List<String> names = new ArrayList<>();
                for (InputKind ik : InputKind.values()) {
                    names.add(ik.id());
                    names.add(ik.shortName());
                }
                error("C2030", "unknown input kind '" + g.kind().text() + "'", g.kind().span(), Suggestions.hint(g.kind().text(), names));
            }
        }
        if (t.givens().isEmpty()) error("C2031", "test \"" + t.name() + "\" has no 'given' input", t.span(), null);
        for (Decl.Expectation e : t.expectations()) {
            if (!ruleIds.contains(e.ruleId())) {
                error("C2032", "no rule named " + e.ruleId(), e.span(), Suggestions.hint(e.ruleId(), ruleIds));
            }
        }
        if (t.expectations().isEmpty() && t.expectedCount().isEmpty()) {
            error("C2033", "test \"" + t.name() + "\" expects nothing", t.span(), "add: expect RULE-ID at line N, or expect no RULE-ID");
        }
        return errorCount(diagnostics) == before;
    }

    // ------------------------------------------------------------------ expressions

    private Type type(Expr e, Env env) {
        Type t = infer(e, env);
        types.put(e, t);
        return t;
    }

    private Type infer(Expr e, Env env) {
        if (e instanceof Expr.Literal l) return literalType(l.value());
        if (e instanceof Expr.Name n) return name(n, env);
        if (e instanceof Expr.Field f) return field(f, env);
        if (e instanceof Expr.Index i) return index(i, env);
        if (e instanceof Expr.Call c) return call(c, env);
        if (e instanceof Expr.Unary u) return unary(u, env);
        if (e instanceof Expr.Binary b) return binary(b, env);
        if (e instanceof Expr.Conditional c) {
            expectBool(type(c.condition(), env), c.condition(), env, "an 'if' condition");
            return Type.join(type(c.then(), env), type(c.otherwise(), env));
        }
        if (e instanceof Expr.Let l) {
            Type vt = type(l.value(), env);
            int mark = env.scope.size();
            int slots = env.nextSlot;
            env.bind(l.name(), vt, l.nameSpan());
            Type body = type(l.body(), env);
            env.restore(mark, slots);
            return body;
        }
        if (e instanceof Expr.Quantified q) {
            Type element = elementType(type(q.source(), env), q.source().span(), env);
            int mark = env.scope.size();
            int slots = env.nextSlot;
            env.bind(q.variable(), element, q.variableSpan());
            expectBool(type(q.predicate(), env), q.predicate(), env, "the condition of '" + q.quantifier().keyword() + "'");
            env.restore(mark, slots);
            return q.quantifier() == Expr.Quantifier.COUNT ? Type.INT : Type.BOOL;
        }
        if (e instanceof Expr.Comprehension c) {
            Type element = elementType(type(c.source(), env), c.source().span(), env);
            int mark = env.scope.size();
            int slots = env.nextSlot;
            env.bind(c.variable(), element, c.variableSpan());
            c.filter().ifPresent(f -> expectBool(type(f, env), f, env, "a comprehension's 'if'"));
            Type result = type(c.element(), env);
            env.restore(mark, slots);
            return Type.list(result);
        }
        if (e instanceof Expr.ListLiteral l) {
            Type element = Type.NULL;
            for (Expr item : l.items()) element = Type.join(element, type(item, env));
            return Type.list(element instanceof Type.Null ? Type.ANY : element);
        }
        if (e instanceof Expr.MapLiteral m) {
            Type value = Type.NULL;
            for (Expr.MapEntry entry : m.entries()) value = Type.join(value, type(entry.value(), env));
            return Type.map(value instanceof Type.Null ? Type.ANY : value);
        }
        Expr.Template t = (Expr.Template) e;
        for (Expr.TemplatePart part : t.parts()) {
            if (part instanceof Expr.ExprPart p) type(p.expr(), env);
        }
        return Type.STRING;
    }

    private static Type literalType(Value v) {
        if (v instanceof Value.Null) return Type.NULL;
        if (v instanceof Value.Bool) return Type.BOOL;
        if (v instanceof Value.Int) return Type.INT;
        if (v instanceof Value.Float) return Type.FLOAT;
        if (v instanceof Value.Str) return Type.STRING;
        return Type.ANY;
    }

    private Type name(Expr.Name n, Env env) {
        Optional<Binding> local = env.local(n.name());
        if (local.isPresent()) {
            local.get().used = true;
            resolutions.put(n, new Resolution.Local(n.name(), local.get().slot));
            return local.get().type;
        }
        if (env.pkg.constants.containsKey(n.name())) return constantRef(env.pkg, n.name(), n, env);
        if (env.pkg.functions.containsKey(n.name())) {
            env.error("C2040", "'" + n.name() + "' is a function; call it with (...)", n.span(), null);
            return Type.ANY;
        }
        ObjectType.Field view = env.views.get(n.name());
        if (view != null) {
            resolutions.put(n, new Resolution.View(n.name()));
            return view.type();
        }
        if (env.isImport(n.name())) {
            env.error("C2041", "'" + n.name() + "' is a package; name one of its constants or functions: " + n.name() + ".x", n.span(), null);
            return Type.ANY;
        }
        if (env.kind.isPresent()) {
            for (InputKind other : InputKind.values()) {
                if (schemas.views(other).containsKey(n.name())) {
                    env.error("C2042", "'" + n.name() + "' is a view of " + other.id() + " inputs, not of " + env.kind.get().id(),
                        n.span(), "add 'on " + other.id() + "' to the rule");
                    return Type.ANY;
                }
            }
        }
        // A builtin named without its call ("mask" for mask(s)); a name that is also a view (image) stays unknown here.
        boolean isView = Arrays.stream(InputKind.values()).anyMatch(k -> schemas.views(k).containsKey(n.name()));
        if (builtins.lookup(n.name()).isPresent() && !isView) {
            env.error("C2040", "'" + n.name() + "' is a function; call it with (...)", n.span(), null);
            return Type.ANY;
        }
        env.error("C2043", "unknown name '" + n.name() + "'", n.span(), Suggestions.hint(n.name(), env.visibleNames()));
        return Type.ANY;
    }

    private Type constantRef(PackageScope pkg, String name, Expr at, Env env) {
        String q = pkg.name + "." + name;
        resolutions.put(at, new Resolution.Constant(q));
        recordCall(env, q, at.span());
        CheckedConstant c = constants.get(q);
        return c != null ? c.type() : Type.ANY;
    }

    private void recordCall(Env env, String target, Span at) {
        env.uses.add(target);
        if (env.owner.startsWith("rule ")) return;
        calls.computeIfAbsent(env.owner, k -> new LinkedHashSet<>()).add(target);
        callSites.putIfAbsent(env.owner + "->" + target, at);
    }

    private Type field(Expr.Field f, Env env) {
        // pkg.CONSTANT through an import
        if (f.target() instanceof Expr.Name n && env.local(n.name()).isEmpty() && env.isImport(n.name())) {
            Optional<PackageScope> pkg = env.importedPackage(n.name());
            if (pkg.isEmpty()) {
                recordCall(env, MISSING_PACKAGE + n.name(), n.span()); // reported at the import
                return Type.ANY;
            }
            if (pkg.get().constants.containsKey(f.name())) return constantRef(pkg.get(), f.name(), f, env);
            env.error("C2044", "package " + pkg.get().name + " has no constant '" + f.name() + "'", f.nameSpan(),
                Suggestions.hint(f.name(), pkg.get().constants.keySet()));
            return Type.ANY;
        }
        Type target = type(f.target(), env);
        return fieldOf(target, f.name(), f.nameSpan(), env);
    }

    private Type fieldOf(Type target, String name, Span at, Env env) {
        if (target instanceof ObjectType o) {
            Optional<ObjectType.Field> field = o.field(name);
            if (field.isPresent()) return field.get().type();
            env.error("C2045", "unknown field '" + name + "' of " + o.name(), at, Suggestions.hint(name, o.fields().keySet()));
            return Type.ANY;
        }
        if (target instanceof Type.MapOf m) return m.value();
        if (target instanceof Type.Any || target instanceof Type.Null) return Type.ANY;
        if (target instanceof Type.ListOf l) {
            String hint = l.element() instanceof ObjectType o && o.field(name).isPresent()
                ? "a list has no fields; use a quantifier (any x in ...: x." + name + ") or a comprehension ([x." + name + " for x in ...])"
                : null;
            env.error("C2046", a(target) + " has no field '" + name + "'", at, hint);
            return Type.ANY;
        }
        env.error("C2046", a(target) + " has no field '" + name + "'", at, null);
        return Type.ANY;
    }

    private Type index(Expr.Index i, Env env) {
        Type target = type(i.target(), env);
        Type index = type(i.index(), env);
        if (target instanceof Type.ListOf l) {
            requireType(index, Type.INT, i.index(), env, "a list index");
            return l.element();
        }
        if (target instanceof Type.MapOf m) {
            requireType(index, Type.STRING, i.index(), env, "a map key");
            return m.value();
        }
        if (target instanceof ObjectType o) {
            if (i.index() instanceof Expr.Literal lit && lit.value() instanceof Value.Str s) {
                return fieldOf(o, s.value(), i.index().span(), env);
            }
            requireType(index, Type.STRING, i.index(), env, "a field name");
            return Type.ANY;
        }
        if (target instanceof Type.Str) {
            requireType(index, Type.INT, i.index(), env, "a string index");
            return Type.STRING;
        }
        if (target instanceof Type.Any || target instanceof Type.Null) return Type.ANY;
        env.error("C2047", a(target) + " cannot be indexed", i.span(), null);
        return Type.ANY;
    }

    private void requireType(Type actual, Type expected, Expr e, Env env, String what) {
        if (!Type.assignable(expected, actual)) {
            env.error("C2048", what + " must be " + a(expected) + ", but this is " + a(actual), e.span(), null);
        }
    }

    private Type call(Expr.Call c, Env env) {
        List<Expr> args = c.args();
        // pkg.function(args) through an import: parsed as a method call on the package name
        if (c.method() && args.get(0) instanceof Expr.Name n && env.local(n.name()).isEmpty() && env.isImport(n.name())) {
            Optional<PackageScope> pkg = env.importedPackage(n.name());
            if (pkg.isEmpty()) {
                recordCall(env, MISSING_PACKAGE + n.name(), n.span()); // reported at the import
                args.subList(1, args.size()).forEach(a -> type(a, env));
                return Type.ANY;
            }
            List<Expr> rest = args.subList(1, args.size());
            if (!pkg.get().functions.containsKey(c.name())) {
                env.error("C2049", "package " + pkg.get().name + " has no function '" + c.name() + "'", c.nameSpan(),
                    Suggestions.hint(c.name(), pkg.get().functions.keySet()));
                rest.forEach(a -> type(a, env));
                return Type.ANY;
            }
            return userCall(pkg.get(), c, rest, env);
        }
        if (env.pkg.functions.containsKey(c.name())) return userCall(env.pkg, c, args, env);
        Optional<Builtin> b = builtins.lookup(c.name());
        if (b.isEmpty()) {
            args.forEach(a -> type(a, env));
            List<String> names = new ArrayList<>(builtins.names());
            names.addAll(env.pkg.functions.keySet());
            env.error("C2050", "unknown function '" + c.name() + "'", c.nameSpan(), Suggestions.hint(c.name(), names));
            return Type.ANY;
        }
        Builtin builtin = b.get();
        resolutions.put(c, new Resolution.BuiltinCall(builtin));
        if (!builtin.acceptsArity(args.size())) {
            args.forEach(a -> type(a, env));
            env.error("C2051", c.name() + " takes " + arity(builtin) + ", but " + args.size() + " "
                + (args.size() == 1 ? "is" : "are") + " given", c.span(), "signature: " + builtin.signature());
            return builtin.result();
        }
        for (int i = 0; i < args.size(); i++) {
            Type actual = type(args.get(i), env);
            Type expected = builtin.paramType(i);
            if (!Type.assignable(expected, actual)) {
                env.error("C2052", "argument " + (i + 1) + " of " + c.name() + " must be " + a(expected)
                    + ", but this is " + a(actual), args.get(i).span(), "signature: " + builtin.signature());
            }
            // A literal pattern RE2 cannot compile makes the call null at run time: the rule would silently never fire.
            if (builtin.category().equals("regex") && i < builtin.params().size()
                && builtin.params().get(i).name().equals("pattern") && args.get(i) instanceof Expr.Literal lit
                && lit.value() instanceof Value.Str pattern
                && org.codomyrmex.policy.runtime.builtins.RegexBuiltins.compile(pattern.value()).isEmpty()) {
                env.error("C2056", "invalid regular expression: " + regexProblem(pattern.value()), lit.span(),
                    "patterns use RE2 syntax, which has no backreferences or lookaround, and match in linear time");
            }
        }
        return builtin.result();
    }

    private static String regexProblem(String pattern) {
        try {
            com.google.re2j.Pattern.compile(pattern);
            return "the pattern is too large";
        } catch (com.google.re2j.PatternSyntaxException e) {
            return e.getDescription() + (e.getPattern().isEmpty() ? "" : " at '" + e.getPattern() + "'");
        }
    }

    private static String arity(Builtin b) {
        int n = b.params().size();
        if (b.variadic()) return "at least " + b.minArity() + " argument" + (b.minArity() == 1 ? "" : "s");
        return n + " argument" + (n == 1 ? "" : "s");
    }

    private Type userCall(PackageScope pkg, Expr.Call c, List<Expr> args, Env env) {
        Decl.Function f = pkg.functions.get(c.name());
        String q = pkg.name + "." + c.name();
        resolutions.put(c, new Resolution.FunctionCall(q));
        recordCall(env, q, c.nameSpan());
        args.forEach(a -> type(a, env));
        if (args.size() != f.params().size()) {
            env.error("C2051", c.name() + " takes " + f.params().size() + " argument" + (f.params().size() == 1 ? "" : "s")
                + ", but " + args.size() + " " + (args.size() == 1 ? "is" : "are") + " given", c.span(), null);
        }
        CheckedFunction checked = functions.get(q);
        return checked != null ? checked.resultType() : Type.ANY;
    }

    private Type unary(Expr.Unary u, Env env) {
        Type t = type(u.operand(), env);
        if (u.op() == Expr.UnaryOp.NOT) {
            expectBool(t, u.operand(), env, "the operand of 'not'");
            return Type.BOOL;
        }
        if (!(Type.isNumeric(t) || t instanceof Type.Any || t instanceof Type.Null)) {
            env.error("C2053", "cannot negate " + a(t), u.span(), null);
        }
        return t instanceof Type.Float ? Type.FLOAT : t instanceof Type.Int ? Type.INT : Type.ANY;
    }

    private Type binary(Expr.Binary b, Env env) {
        Type l = type(b.left(), env);
        Type r = type(b.right(), env);
        switch (b.op()) {
            case AND, OR -> {
                expectBool(l, b.left(), env, "an operand of '" + b.op().symbol + "'");
                expectBool(r, b.right(), env, "an operand of '" + b.op().symbol + "'");
                return Type.BOOL;
            }
            case EQ, NE -> {
                if (!Type.comparable(l, r)) {
                    env.warning("C3004", "comparing " + a(l) + " with " + a(r) + " is always "
                        + (b.op() == Expr.BinaryOp.EQ ? "false" : "true"), b.span(), null);
                }
                return Type.BOOL;
            }
            case LT, LE, GT, GE -> {
                boolean ok = (isNumberish(l) && isNumberish(r)) || (isStringish(l) && isStringish(r));
                if (!ok) {
                    env.warning("C3005", "ordering " + a(l) + " against " + a(r) + " is always false", b.span(),
                        l instanceof Type.Str || r instanceof Type.Str ? "convert with to_int(...) or quantity(...)" : null);
                }
                return Type.BOOL;
            }
            case IN, NOT_IN -> {
                if (r instanceof Type.ListOf list && !Type.comparable(l, list.element())) {
                    env.warning("C3004", a(l) + " is never in " + a(r), b.span(), null);
                } else if ((r instanceof Type.MapOf || r instanceof ObjectType || r instanceof Type.Str) && !isStringish(l)) {
                    env.warning("C3004", a(l) + " is never in " + a(r), b.span(), null);
                } else if (!(r instanceof Type.ListOf || r instanceof Type.MapOf || r instanceof ObjectType
                    || r instanceof Type.Str || r instanceof Type.Any || r instanceof Type.Null)) {
                    env.error("C2054", "'in' needs a list, map or string on its right, not " + a(r), b.right().span(), null);
                }
                return Type.BOOL;
            }
            default -> {
                return arithmetic(b, l, r, env);
            }
        }
    }

    private static boolean isNumberish(Type t) {
        return Type.isNumeric(t) || t instanceof Type.Any || t instanceof Type.Null;
    }

    private static boolean isStringish(Type t) {
        return t instanceof Type.Str || t instanceof Type.Any || t instanceof Type.Null;
    }

    private Type arithmetic(Expr.Binary b, Type l, Type r, Env env) {
        if (l instanceof Type.Any || r instanceof Type.Any || l instanceof Type.Null || r instanceof Type.Null) return Type.ANY;
        if (Type.isNumeric(l) && Type.isNumeric(r)) {
            if (b.op() == Expr.BinaryOp.DIV) return l instanceof Type.Int && r instanceof Type.Int ? Type.INT : Type.FLOAT;
            return l instanceof Type.Int && r instanceof Type.Int ? Type.INT : Type.FLOAT;
        }
        if (b.op() == Expr.BinaryOp.ADD && l instanceof Type.Str && r instanceof Type.Str) return Type.STRING;
        if (b.op() == Expr.BinaryOp.ADD && l instanceof Type.ListOf a && r instanceof Type.ListOf c) {
            return Type.list(Type.join(a.element(), c.element()));
        }
        env.error("C2055", "'" + b.op().symbol + "' cannot combine " + a(l) + " and " + a(r), b.span(),
            l instanceof Type.Str || r instanceof Type.Str ? "use a message template, or string(...) to convert" : null);
        return Type.ANY;
    }

    /** Names of all known builtins and views, sorted: for completion and docs. */
    public static Set<String> knownNames(Schemas schemas, BuiltinRegistry builtins) {
        Set<String> names = new TreeSet<>(builtins.names());
        names.addAll(schemas.allViewNames());
        return names;
    }
}
