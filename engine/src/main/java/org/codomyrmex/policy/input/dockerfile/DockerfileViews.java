package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The views rules see of a Dockerfile ({@code dockerfile.schema}): the whole model, stages, the final stage,
 * instructions, RUN commands, ARGs and the final stage as a container. Every value carries the span of the text
 * that set it.
 */
final class DockerfileViews {
    private static final Set<String> SHELLS = Set.of("sh", "bash", "ash", "dash", "zsh", "ksh", "busybox");
    private static final Pattern PORT = Pattern.compile("^(\\d+)(?:-(\\d+))?(?:/([A-Za-z]+))?$");
    private static final Pattern HEREDOC_WORD = Pattern.compile("^\\d*<<-?.+$");

    private final ParsedDockerfile df;
    private final StageGraph.Result graph;
    private final SourceFile source;
    private final int[] lineStarts;

    DockerfileViews(ParsedDockerfile df, StageGraph.Result graph) {
        this.df = df;
        this.graph = graph;
        this.source = df.source();
        String text = source.text();
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') starts.add(i + 1);
        this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The view of that name, or null when the Dockerfile input has no such view. */
    Value view(String name) {
        return switch (name) {
            case "dockerfile" -> whole();
            case "stages" -> list(graph.stages().stream().map(this::stage).toList(), df.span());
            case "final" -> graph.finalStageOf().<Value>map(this::stage).orElse(Values.NULL);
            case "instructions" -> list(graph.steps().stream().map(s -> instruction(s, s.instruction())).toList(), df.span());
            case "runs" -> list(graph.steps().stream().filter(s -> s.instruction().name().equals("RUN"))
                .map(this::run).toList(), df.span());
            case "args" -> args();
            case "containers" -> graph.finalStageOf().<Value>map(s -> list(List.of(container(s)), s.span()))
                .orElse(Values.EMPTY_LIST);
            default -> null;
        };
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static final class Obj {
        private final Map<String, Value> entries = new LinkedHashMap<>();
        private final Map<String, Span> keySpans = new LinkedHashMap<>();

        Obj put(String key, Value v) {
            entries.put(key, v);
            if (v.span().isKnown()) keySpans.put(key, v.span());
            return this;
        }

        Obj put(String key, String s, Span span) {
            return put(key, new Value.Str(s, span));
        }

        Obj put(String key, boolean b, Span span) {
            return put(key, new Value.Bool(b, span));
        }

        Obj put(String key, long n, Span span) {
            return put(key, new Value.Int(n, span));
        }

        Value.MapV build(Span span) {
            return new Value.MapV(entries, keySpans, span);
        }
    }

    private static Value.ListV list(List<? extends Value> items, Span span) {
        return new Value.ListV(new ArrayList<>(items), span);
    }

    private static Value.ListV strings(List<String> items, Span span) {
        return list(items.stream().map(s -> (Value) new Value.Str(s, span)).toList(), span);
    }

    private static Value.ListV words(List<Word> items, Span span) {
        return list(items.stream().map(w -> (Value) new Value.Str(w.text(), w.span())).toList(), span);
    }

    private String stageName(int index) {
        if (index < 0 || index >= graph.stages().size()) return "";
        return graph.stages().get(index).id();
    }

    private boolean isFinal(int index) {
        return graph.finalStage().isPresent() && graph.finalStage().get() == index;
    }

    // ---- instructions ----------------------------------------------------------------------------------------

    private Value.MapV instruction(StageGraph.Step step, Instruction instr) {
        return instructionFields(step, instr).build(instr.span());
    }

    private Obj instructionFields(StageGraph.Step step, Instruction instr) {
        Span span = instr.span();
        List<Expanded> expanded = step != null && step.instruction() == instr ? step.args()
            : instr.args().stream().map(w -> Expanded.literal(w.text(), w.span())).toList();
        List<Optional<Expanded>> flagValues = step != null && step.instruction() == instr ? step.flagValues()
            : instr.flags().stream().map(f -> f.value().map(v -> Expanded.literal(v, f.span()))).toList();
        Set<String> unresolvedVars = new TreeSet<>();
        boolean unresolved = false;
        for (Expanded e : expanded) {
            unresolvedVars.addAll(e.unresolved());
            unresolved |= !e.isResolved();
        }
        List<Value> flags = new ArrayList<>();
        for (int i = 0; i < instr.flags().size(); i++) {
            Flag f = instr.flags().get(i);
            Obj o = new Obj().put("name", f.name(), f.span()).put("text", f.text(), f.span());
            Optional<Expanded> v = i < flagValues.size() ? flagValues.get(i) : Optional.empty();
            if (f.value().isPresent()) o.put("value", f.value().get(), f.span());
            if (v.isPresent()) {
                o.put("expanded", v.get().value(), f.span()).put("unresolved", !v.get().isResolved(), f.span());
                unresolvedVars.addAll(v.get().unresolved());
                unresolved |= !v.get().isResolved();
            } else {
                o.put("unresolved", false, f.span());
            }
            flags.add(o.build(f.span()));
        }
        int stage = step == null ? -1 : step.stage();
        Obj o = new Obj()
            .put("keyword", instr.name(), instr.keywordSpan())
            .put("original", instr.original(), span)
            .put("args", words(instr.args(), instr.rest().span()))
            .put("expanded", list(expanded.stream().map(e -> (Value) new Value.Str(e.value(), e.span())).toList(),
                instr.rest().span()))
            .put("unresolved", unresolved, span)
            .put("unresolvedVars", strings(List.copyOf(unresolvedVars), span))
            .put("flags", list(flags, span))
            .put("form", instr.json() ? "exec" : "shell", instr.rest().span())
            .put("heredocs", list(instr.heredocs().stream().map(this::heredoc).toList(), span))
            .put("stage", stage, span)
            .put("stageName", stageName(stage), span)
            .put("is_final_stage", isFinal(stage), span)
            .put("line", instr.startLine(), span)
            .put("endLine", instr.endLine(), span);
        // An ONBUILD trigger runs in a later build: it is shown as written, nothing substituted.
        instr.onbuild().ifPresent(child -> o.put("onbuild", instruction(new StageGraph.Step(child, stage,
            child.args().stream().map(w -> Expanded.literal(w.text(), w.span())).toList(),
            child.flags().stream().map(f -> f.value().map(v -> Expanded.literal(v, f.span()))).toList()), child)));
        return o;
    }

    private Value heredoc(Heredoc h) {
        Span span = h.span().isKnown() ? h.span() : h.markerSpan();
        return new Obj()
            .put("name", h.name(), h.markerSpan())
            .put("fd", h.fileDescriptor(), h.markerSpan())
            .put("expand", h.expand(), h.markerSpan())
            .put("chomp", h.chomp(), h.markerSpan())
            .put("content", h.body(), span)
            .put("lines", words(h.lines(), span))
            .put("terminated", h.terminated(), span)
            .build(span);
    }

    // ---- RUN -------------------------------------------------------------------------------------------------

    private Value run(StageGraph.Step step) {
        Instruction instr = step.instruction();
        Obj o = instructionFields(step, instr);
        StringBuilder command = new StringBuilder(instr.json()
            ? String.join(" ", instr.args().stream().map(Word::text).toList()) : instr.rest().text());
        for (Heredoc h : instr.heredocs()) command.append('\n').append(h.body());
        o.put("command", command.toString(), instr.span());
        o.put("shellForm", !instr.json(), instr.rest().span());
        o.put("commands", list(commands(instr), instr.span()));
        List<Value> mounts = new ArrayList<>();
        for (int i = 0; i < instr.flags().size(); i++) {
            Flag f = instr.flags().get(i);
            Optional<Expanded> v = step.flagValues().get(i);
            if (v.isEmpty()) continue;
            switch (f.name()) {
                case "mount" -> mounts.add(mount(v.get().value(), f.span()));
                case "network" -> o.put("network", v.get().value(), f.span());
                case "security" -> o.put("security", v.get().value(), f.span());
                default -> { }
            }
        }
        o.put("mounts", list(mounts, instr.span()));
        return o.build(instr.span());
    }

    private Value mount(String value, Span span) {
        Map<String, String> options = StageGraph.mountOptions(value);
        Obj o = new Obj().put("type", options.getOrDefault("type", "bind"), span);
        String target = first(options, "target", "dst", "destination");
        if (target != null) o.put("target", target, span);
        String src = first(options, "source", "src");
        if (src != null) o.put("source", src, span);
        if (options.containsKey("from")) o.put("from", options.get("from"), span);
        if (options.containsKey("id")) o.put("id", options.get("id"), span);
        if (options.containsKey("ro") || options.containsKey("readonly")) {
            String ro = options.containsKey("ro") ? options.get("ro") : options.get("readonly");
            o.put("readOnly", ro.isEmpty() || ro.equalsIgnoreCase("true"), span);
        } else if (options.containsKey("rw") || options.containsKey("readwrite")) {
            String rw = options.containsKey("rw") ? options.get("rw") : options.get("readwrite");
            o.put("readOnly", !(rw.isEmpty() || rw.equalsIgnoreCase("true")), span);
        }
        Map<String, Value> opts = new LinkedHashMap<>();
        options.forEach((k, v) -> opts.put(k, new Value.Str(v, span)));
        o.put("options", new Value.MapV(opts, Map.of(), span));
        return o.build(span);
    }

    private static String first(Map<String, String> options, String... keys) {
        for (String k : keys) if (options.containsKey(k)) return options.get(k);
        return null;
    }

    /** The simple commands of a RUN: its shell text, an exec-form {@code sh -c} script, and heredoc scripts. */
    private List<Value> commands(Instruction instr) {
        List<Value> out = new ArrayList<>();
        if (instr.json()) {
            List<Word> args = instr.args();
            if (args.size() >= 3 && SHELLS.contains(basename(args.get(0).text())) && args.get(1).text().startsWith("-")
                && args.get(1).text().contains("c")) {
                Word script = args.get(2);
                List<ShellCommands.SimpleCommand> cmds = ShellCommands.split(script.text());
                for (ShellCommands.SimpleCommand c : cmds) out.add(withPipes(c, cmds, script.span(), false));
            } else if (!args.isEmpty()) {
                List<String> argv = args.stream().map(Word::text).toList();
                ShellCommands.SimpleCommand c = new ShellCommands.SimpleCommand(String.join(" ", argv), argv, 0, 0, 0, 0);
                out.add(command(c, instr.rest().span()));
            }
            return out;
        }
        List<ShellCommands.SimpleCommand> line = ShellCommands.split(instr.restText().text());
        boolean scriptIsHeredoc = false;
        int heredocFedToShell = -1;
        for (ShellCommands.SimpleCommand c : line) {
            boolean onlyMarkers = c.argv().stream().allMatch(w -> HEREDOC_WORD.matcher(w).matches());
            if (onlyMarkers && c.position() == 0) {
                scriptIsHeredoc = true;
                continue;
            }
            if (SHELLS.contains(c.program()) && c.argv().stream().anyMatch(w -> HEREDOC_WORD.matcher(w).matches())) {
                heredocFedToShell = 0;
            }
            out.add(withPipes(c, line, instr.restText().span(source, c.start(), c.end()), false));
        }
        if ((scriptIsHeredoc || heredocFedToShell == 0) && !instr.heredocs().isEmpty()) {
            Heredoc h = instr.heredocs().get(0);
            String body = h.body();
            boolean shellScript = !body.startsWith("#!") || SHELLS.contains(basename(body.lines().findFirst()
                .orElse("").substring(2).trim().split("\\s+")[0]));
            if (shellScript) {
                LocatedText script = heredocText(h);
                List<ShellCommands.SimpleCommand> cmds = ShellCommands.split(script.text());
                for (ShellCommands.SimpleCommand c : cmds) {
                    out.add(withPipes(c, cmds, script.span(source, c.start(), c.end()), true));
                }
            }
        }
        return out;
    }

    private Value withPipes(ShellCommands.SimpleCommand c, List<ShellCommands.SimpleCommand> all, Span span,
                            boolean fromHeredoc) {
        String pipedFrom = null;
        String pipesTo = null;
        for (ShellCommands.SimpleCommand other : all) {
            if (other.pipeline() != c.pipeline()) continue;
            if (other.position() == c.position() - 1) pipedFrom = other.program();
            if (other.position() == c.position() + 1) pipesTo = other.program();
        }
        Obj o = commandObj(c, span, fromHeredoc);
        if (pipedFrom != null) o.put("pipedFrom", pipedFrom, span);
        if (pipesTo != null) o.put("pipesTo", pipesTo, span);
        return o.build(span);
    }

    private Value command(ShellCommands.SimpleCommand c, Span span) {
        return commandObj(c, span, false).build(span);
    }

    private Obj commandObj(ShellCommands.SimpleCommand c, Span span, boolean fromHeredoc) {
        return new Obj()
            .put("text", c.text(), span)
            .put("program", c.program(), span)
            .put("argv", strings(c.argv(), span))
            .put("pipeline", c.pipeline(), span)
            .put("position", c.position(), span)
            .put("fromHeredoc", fromHeredoc, span);
    }

    /** A heredoc body as located text: each line keeps the offsets of its characters in the file. */
    private LocatedText heredocText(Heredoc h) {
        LocatedText.Builder b = new LocatedText.Builder();
        String text = source.text();
        for (Word line : h.lines()) {
            Span s = line.span();
            int start = lineStarts[s.line() - 1] + s.column() - 1;
            if (line.text().isEmpty()) start = lineStarts[s.line() - 1];
            int end = Math.min(text.length(), start + line.text().length());
            b.append(text, start, end);
            if (end < text.length()) b.append(text, end, Math.min(text.length(), end + 1));
        }
        return b.build();
    }

    private static String basename(String path) {
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }

    // ---- stages ----------------------------------------------------------------------------------------------

    private Value.MapV stage(Stage s) {
        Span span = s.span();
        Obj o = new Obj();
        s.name().ifPresent(n -> o.put("name", n, s.from().args().size() == 3 ? s.from().args().get(2).span() : span));
        o.put("index", s.index(), s.from().keywordSpan())
            .put("id", s.id(), s.from().span())
            .put("baseImage", s.base().value(), s.base().span())
            .put("baseRaw", s.base().raw(), s.base().span())
            .put("baseUnresolved", !s.base().isResolved(), s.base().span())
            .put("baseIsStage", s.baseStage().isPresent(), s.base().span());
        s.baseStage().ifPresent(b -> o.put("baseStage", b, s.base().span()));
        o.put("rootImage", s.rootImage().value(), s.rootImage().span());
        s.platform().ifPresent(p -> o.put("platform", p.value(), p.span()));
        o.put("isFinal", s.isFinal(), s.from().span())
            .put("reachable", s.reachable(), s.from().span());
        List<Value> instrs = new ArrayList<>();
        for (StageGraph.Step step : graph.steps()) {
            if (step.stage() == s.index() && step.instruction() != s.from()) instrs.add(instruction(step, step.instruction()));
        }
        o.put("instructions", list(instrs, span));
        List<Value> deps = new ArrayList<>();
        for (Stage.Dependency d : s.dependencies()) {
            Obj dep = new Obj().put("kind", d.kind(), d.span()).put("ref", d.reference().value(), d.span())
                .put("unresolved", !d.reference().isResolved(), d.span());
            d.stage().ifPresent(i -> dep.put("stage", i, d.span()));
            deps.add(dep.build(d.span()));
        }
        o.put("dependencies", list(deps, span));
        o.put("config", config(s.config(), span));
        o.put("line", span.line(), span).put("endLine", span.endLine(), span);
        return o.build(span);
    }

    private Value config(Stage.Config c, Span span) {
        Obj o = new Obj();
        c.user().ifPresent(u -> o.put("user", u.value(), u.span()).put("userUnresolved", !u.isResolved(), u.span()));
        c.workdir().ifPresent(w -> o.put("workdir", w.value(), w.span()));
        o.put("env", list(c.env().stream().map(this::setting).toList(), span));
        o.put("exposed", list(c.exposed().stream().map(e -> (Value) new Value.Str(e.value(), e.span())).toList(), span));
        c.healthcheck().ifPresent(h -> o.put("healthcheck", health(h)));
        c.entrypoint().ifPresent(e -> o.put("entrypoint", command(e)));
        c.cmd().ifPresent(e -> o.put("cmd", command(e)));
        Map<String, Value> labels = new LinkedHashMap<>();
        Map<String, Span> labelKeys = new LinkedHashMap<>();
        for (Stage.Setting l : c.labels()) {
            labels.put(l.key().text(), new Value.Str(l.value().value(), l.value().span()));
            labelKeys.put(l.key().text(), l.key().span());
        }
        o.put("labels", new Value.MapV(labels, labelKeys, span));
        c.shell().ifPresent(sh -> o.put("shell", strings(sh.effective(), sh.span())));
        o.put("volumes", list(c.volumes().stream().map(v -> (Value) new Value.Str(v.value(), v.span())).toList(), span));
        c.stopSignal().ifPresent(s -> o.put("stopSignal", s.value(), s.span()));
        o.put("onbuild", list(c.onbuild().stream().map(i -> (Value) new Value.Str(i.original(), i.span())).toList(), span));
        return o.build(span);
    }

    private Value setting(Stage.Setting s) {
        Span span = s.key().span().to(s.value().span());
        return new Obj().put("name", s.key().text(), s.key().span()).put("value", s.value().value(), s.value().span())
            .put("raw", s.value().raw(), s.value().span()).put("unresolved", !s.value().isResolved(), s.value().span())
            .build(span);
    }

    private Value command(Stage.Command c) {
        return new Obj().put("form", c.json() ? "exec" : "shell", c.span())
            .put("written", words(c.written(), c.span()))
            .put("effective", strings(c.effective(), c.span()))
            .build(c.span());
    }

    private Value health(Stage.Health h) {
        Obj o = new Obj().put("disabled", h.disabled(), h.span());
        h.test().ifPresent(t -> o.put("test", strings(t.effective(), t.span())));
        Map<String, String> names = Map.of("interval", "interval", "timeout", "timeout", "start-period", "startPeriod",
            "start-interval", "startInterval", "retries", "retries");
        h.options().forEach((k, v) -> {
            if (names.containsKey(k)) o.put(names.get(k), v, h.span());
        });
        return o.build(h.span());
    }

    // ---- ARGs ------------------------------------------------------------------------------------------------

    private Value args() {
        List<Value> out = new ArrayList<>();
        List<Stage.ArgDeclaration> all = new ArrayList<>(graph.globalArgs());
        graph.stages().forEach(s -> all.addAll(s.args()));
        for (Stage.ArgDeclaration a : all) {
            Obj o = new Obj().put("name", a.name().text(), a.name().span());
            a.defaultValue().ifPresent(d -> o.put("default", d.text(), d.span()));
            o.put("value", a.value().value(), a.span())
                .put("unresolved", !a.value().isResolved(), a.span())
                .put("global", a.global(), a.span())
                .put("predefined", a.predefined(), a.span())
                .put("stage", a.stage(), a.span())
                .put("stageName", stageName(a.stage()), a.span())
                .put("is_final_stage", isFinal(a.stage()), a.span());
            out.add(o.build(a.span()));
        }
        return list(out, df.span());
    }

    // ---- container -------------------------------------------------------------------------------------------

    private Value container(Stage s) {
        Stage.Config c = s.config();
        Span span = s.span();
        Obj o = new Obj().put("kind", "stage", s.from().keywordSpan())
            .put("name", s.id(), s.from().span())
            .put("stage", s.id(), s.from().span())
            .put("image", s.rootImage().value(), s.rootImage().span());
        c.entrypoint().ifPresent(e -> o.put("command", strings(e.effective(), e.span())));
        c.cmd().ifPresent(e -> o.put("args", strings(e.effective(), e.span())));
        c.workdir().ifPresent(w -> o.put("workingDir", w.value(), w.span()));
        c.user().ifPresent(u -> {
            o.put("user", u.value(), u.span()).put("userUnresolved", !u.isResolved(), u.span());
            if (u.isResolved()) {
                Matcher m = Pattern.compile("^(\\d+)(?::(\\d+))?$").matcher(u.value().trim());
                if (m.matches()) {
                    parseLong(m.group(1)).ifPresent(n -> o.put("runAsUser", n, u.span()));
                    if (m.group(2) != null) parseLong(m.group(2)).ifPresent(n -> o.put("runAsGroup", n, u.span()));
                }
            }
        });
        List<Value> ports = new ArrayList<>();
        for (Expanded e : c.exposed()) ports.add(port(e));
        o.put("ports", list(ports, span));
        List<Value> env = new ArrayList<>();
        for (Stage.Setting st : c.env()) {
            env.add(new Obj().put("name", st.key().text(), st.key().span())
                .put("value", st.value().value(), st.value().span())
                .put("fromSecret", false, st.value().span())
                .build(st.key().span().to(st.value().span())));
        }
        o.put("env", list(env, span));
        List<Value> health = new ArrayList<>();
        c.healthcheck().ifPresent(h -> {
            Obj ho = new Obj().put("kind", "healthcheck", h.span()).put("disabled", h.disabled(), h.span());
            h.test().ifPresent(t -> ho.put("test", strings(t.effective(), t.span())));
            health.add(ho.build(h.span()));
        });
        o.put("healthchecks", list(health, span));
        Map<String, Value> labels = new LinkedHashMap<>();
        Map<String, Span> labelKeys = new LinkedHashMap<>();
        for (Stage.Setting l : c.labels()) {
            labels.put(l.key().text(), new Value.Str(l.value().value(), l.value().span()));
            labelKeys.put(l.key().text(), l.key().span());
        }
        o.put("labels", new Value.MapV(labels, labelKeys, span));
        o.put("volumes", list(c.volumes().stream().map(v -> (Value) new Value.Str(v.value(), v.span())).toList(), span));
        c.stopSignal().ifPresent(st -> o.put("stopSignal", st.value(), st.span()));
        c.shell().ifPresent(sh -> o.put("shell", strings(sh.effective(), sh.span())));
        return o.build(span);
    }

    private static Optional<Long> parseLong(String s) {
        try {
            return Optional.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private Value port(Expanded e) {
        Span span = e.span();
        Obj o = new Obj().put("raw", e.raw(), span).put("unresolved", !e.isResolved(), span);
        if (e.isResolved()) {
            Matcher m = PORT.matcher(e.value());
            if (m.matches()) {
                parseLong(m.group(1)).ifPresent(n -> o.put("containerPort", n, span));
                if (m.group(2) != null) parseLong(m.group(2)).ifPresent(n -> o.put("endPort", n, span));
                o.put("protocol", m.group(3) == null ? "TCP" : m.group(3).toUpperCase(java.util.Locale.ROOT), span);
            }
        }
        return o.build(span);
    }

    // ---- whole -----------------------------------------------------------------------------------------------

    private Value whole() {
        Span span = df.span();
        List<Value> directives = new ArrayList<>();
        for (Directive d : df.directives()) {
            directives.add(new Obj().put("name", d.name(), d.span()).put("value", d.value(), d.span()).build(d.span()));
        }
        Obj o = new Obj().put("file", source.name(), span)
            .put("escape", String.valueOf(df.escape()), span)
            .put("directives", list(directives, span))
            .put("stages", view("stages"))
            .put("args", view("args"));
        graph.finalStage().ifPresent(f -> o.put("finalStage", f, span));
        return o.build(span);
    }
}
