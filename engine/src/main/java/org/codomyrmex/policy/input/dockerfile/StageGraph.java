package org.codomyrmex.policy.input.dockerfile;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.Span;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The meaning of a parsed Dockerfile: its stages, the graph between them (FROM a stage, COPY --from, RUN
 * --mount=from=), ARG and ENV substitution as BuildKit does it, and the image config in effect at the end of
 * every stage. Build arguments given by the caller take the place of ARG defaults; everything else whose value
 * depends on the build (ARGs without value, TARGETPLATFORM and friends, variables the base image may set) stays
 * visibly unresolved. ONBUILD triggers are recorded, not run.
 */
public final class StageGraph {

    /** ARGs BuildKit defines without a declaration (in the global scope; a stage must re-declare them). */
    public static final Set<String> PREDEFINED_ARGS = Set.of("TARGETPLATFORM", "TARGETOS", "TARGETARCH",
        "TARGETVARIANT", "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT", "TARGETSTAGE", "HTTP_PROXY",
        "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY",
        "all_proxy");

    private static final Pattern STAGE_NAME = Pattern.compile("^[a-z][a-z0-9-_.]*$");
    private static final Set<String> EXPANDING = Set.of("ADD", "COPY", "ENV", "EXPOSE", "FROM", "LABEL", "STOPSIGNAL",
        "USER", "VOLUME", "WORKDIR", "ARG");

    /** One instruction with the stage it belongs to (-1 before the first FROM) and its substituted arguments. */
    public record Step(Instruction instruction, int stage, List<Expanded> args, List<Optional<Expanded>> flagValues) {
        public Step {
            args = List.copyOf(args);
            flagValues = List.copyOf(flagValues);
        }

        /** Whether any argument or flag depends on a value not known here. */
        public boolean unresolved() {
            return args.stream().anyMatch(e -> !e.isResolved())
                || flagValues.stream().anyMatch(f -> f.isPresent() && !f.get().isResolved());
        }
    }

    public record Result(List<Stage> stages, List<Stage.ArgDeclaration> globalArgs, List<Step> steps,
                         Optional<Integer> finalStage, List<Diagnostic> diagnostics) {
        public Result {
            stages = List.copyOf(stages);
            globalArgs = List.copyOf(globalArgs);
            steps = List.copyOf(steps);
            diagnostics = List.copyOf(diagnostics);
        }

        public Optional<Stage> finalStageOf() {
            return finalStage.map(stages::get);
        }
    }

    private final ParsedDockerfile df;
    private final Map<String, String> buildArgs;
    private final ShellLexer lexer;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final Map<String, Optional<String>> globalScope = new LinkedHashMap<>();
    private final List<Stage.ArgDeclaration> globalArgs = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();
    private final List<StageState> states = new ArrayList<>();
    /** The name of every stage of the file (null for an unnamed one), known before any is read, as in BuildKit. */
    private final List<String> allStageNames = new ArrayList<>();

    private StageGraph(ParsedDockerfile df, Map<String, String> buildArgs) {
        this.df = df;
        this.buildArgs = buildArgs;
        this.lexer = new ShellLexer(df.escape());
    }

    /**
     * @param buildArgs values given for ARGs ({@code --build-arg}); may be empty
     * @param target    the stage to build ({@code --target}); the last stage when empty
     */
    public static Result build(ParsedDockerfile df, Map<String, String> buildArgs, Optional<String> target) {
        StageGraph g = new StageGraph(df, buildArgs);
        return g.run(target);
    }

    private Result run(Optional<String> target) {
        for (String p : PREDEFINED_ARGS) globalScope.put(p, Optional.ofNullable(buildArgs.get(p)));
        for (Instruction instr : df.instructions()) {
            if (!instr.name().equals("FROM")) continue;
            List<Word> a = instr.args();
            allStageNames.add(a.size() == 3 && a.get(1).text().equalsIgnoreCase("as")
                ? a.get(2).text().toLowerCase(Locale.ROOT) : null);
        }
        for (Instruction instr : df.instructions()) {
            String name = instr.name();
            diagnostics.addAll(BuilderFlags.check(instr));
            if (name.equals("FROM")) {
                from(instr);
            } else if (states.isEmpty()) {
                if (name.equals("ARG")) {
                    steps.add(new Step(instr, -1, arg(instr, null), flagsLiteral(instr)));
                } else {
                    diagnostics.add(Diagnostic.error("I2011", name + " before the first FROM: only ARG may come first",
                        instr.keywordSpan(), "add a FROM instruction above it"));
                    steps.add(new Step(instr, -1, literal(instr), flagsLiteral(instr)));
                }
            } else {
                apply(states.get(states.size() - 1), instr);
            }
        }
        Optional<Integer> finalIndex = states.isEmpty() ? Optional.empty() : Optional.of(states.size() - 1);
        if (target.isPresent() && !states.isEmpty()) {
            String t = target.get().toLowerCase(Locale.ROOT);
            // As docker build --target: a stage is found by its name only, never by its number.
            Optional<Integer> found = states.stream().filter(s -> t.equals(s.name)).map(s -> s.index).findFirst();
            if (found.isEmpty()) {
                diagnostics.add(Diagnostic.error("I2012", "target stage '" + target.get() + "' could not be found",
                    Span.of(df.source().name(), 1, 1)));
            } else {
                finalIndex = found;
            }
        }
        circularDependency();
        Set<Integer> reachable = new TreeSet<>();
        if (finalIndex.isPresent()) {
            Deque<Integer> todo = new ArrayDeque<>(List.of(finalIndex.get()));
            while (!todo.isEmpty()) {
                int s = todo.pop();
                if (!reachable.add(s)) continue;
                StageState st = states.get(s);
                st.baseStage.ifPresent(todo::push);
                for (Stage.Dependency d : st.deps) d.stage().ifPresent(todo::push);
            }
        }
        List<Stage> stages = new ArrayList<>();
        for (StageState s : states) {
            Expanded root = s.base;
            Optional<Integer> b = s.baseStage;
            int guard = 0;
            while (b.isPresent() && guard++ < states.size()) {
                root = states.get(b.get()).base;
                b = states.get(b.get()).baseStage;
            }
            Span span = s.from.span();
            if (!s.instructions.isEmpty()) span = span.to(s.instructions.get(s.instructions.size() - 1).span());
            int idx = s.index;
            stages.add(new Stage(idx, Optional.ofNullable(s.name), s.from, s.base, s.platform, s.baseStage, root,
                s.instructions, s.deps, s.args, s.config.freeze(), span,
                finalIndex.isPresent() && finalIndex.get() == idx, reachable.contains(idx)));
        }
        return new Result(stages, globalArgs, steps, finalIndex, diagnostics);
    }

    // ---- stages ----------------------------------------------------------------------------------------------

    private static final class StageState {
        int index;
        String name;
        Instruction from;
        Expanded base;
        Optional<Expanded> platform = Optional.empty();
        Optional<Integer> baseStage = Optional.empty();
        final List<Instruction> instructions = new ArrayList<>();
        final List<Stage.Dependency> deps = new ArrayList<>();
        final List<Stage.ArgDeclaration> args = new ArrayList<>();
        final Map<String, Optional<String>> argScope = new HashMap<>();
        /** ENV values of the stage; an empty value is an ENV whose value is not known here. */
        final Map<String, Optional<String>> envScope = new HashMap<>();
        ConfigBuilder config = new ConfigBuilder();
        boolean cmdSet;

        Optional<String> lookup(String var) {
            // An ENV shadows an ARG of the same name even when its own value is not known.
            Optional<String> e = envScope.get(var);
            if (e != null) return e;
            Optional<String> a = argScope.get(var);
            return a != null ? a : Optional.empty();
        }
    }

    private void from(Instruction instr) {
        StageState s = new StageState();
        s.index = states.size();
        s.from = instr;
        List<Word> args = instr.args();
        ShellLexer.Env meta = this::globalLookup;
        if (args.size() != 1 && args.size() != 3 || args.size() == 3 && !args.get(1).text().equalsIgnoreCase("as")) {
            diagnostics.add(Diagnostic.error("I2013", "FROM requires either one argument, or three: FROM <image> AS <name>",
                instr.span()));
        }
        s.base = args.isEmpty() ? Expanded.literal("", instr.keywordSpan()) : expand(args.get(0), meta);
        if (s.base.isResolved() && s.base.value().isBlank()) {
            diagnostics.add(Diagnostic.error("I2013", "base name (" + s.base.raw() + ") should not be blank", s.base.span()));
        }
        if (args.size() == 3 && args.get(1).text().equalsIgnoreCase("as")) {
            String stageName = args.get(2).text().toLowerCase(Locale.ROOT);
            if (!STAGE_NAME.matcher(stageName).matches()) {
                diagnostics.add(Diagnostic.error("I2013", "invalid stage name '" + args.get(2).text()
                    + "': it must start with a letter and hold only letters, digits, '-', '_' and '.'", args.get(2).span()));
            }
            for (StageState other : states) {
                if (stageName.equals(other.name)) {
                    diagnostics.add(Diagnostic.error("I2013", "duplicate stage name '" + stageName + "' (first at line "
                        + other.from.startLine() + ")", args.get(2).span()));
                }
            }
            s.name = stageName;
        }
        List<Optional<Expanded>> flagValues = new ArrayList<>();
        for (Flag f : instr.flags()) {
            Optional<Expanded> v = f.value().map(text -> expand(new Word(text, f.span()), meta));
            flagValues.add(v);
            if (f.name().equals("platform")) s.platform = v;
        }
        if (s.base.isResolved()) {
            String baseName = s.base.value().toLowerCase(Locale.ROOT);
            for (StageState other : states) {
                if (baseName.equals(other.name)) {
                    s.baseStage = Optional.of(other.index);
                    s.config = other.config.copy();
                    s.envScope.putAll(other.envScope);
                }
            }
        }
        s.deps.add(new Stage.Dependency("from", s.base, s.baseStage, s.base.span()));
        states.add(s);
        List<Expanded> expandedArgs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            expandedArgs.add(i == 0 ? s.base : Expanded.literal(args.get(i).text(), args.get(i).span()));
        }
        steps.add(new Step(instr, s.index, expandedArgs, flagValues));
    }

    private Optional<String> globalLookup(String var) {
        if (buildArgs.containsKey(var) && globalScope.containsKey(var)) return Optional.of(buildArgs.get(var));
        Optional<String> v = globalScope.get(var);
        return v != null ? v : Optional.empty();
    }

    private void apply(StageState s, Instruction instr) {
        s.instructions.add(instr);
        String name = instr.name();
        ShellLexer.Env env = s::lookup;
        List<Expanded> args = EXPANDING.contains(name) && !name.equals("ARG") && !name.equals("ENV") && !name.equals("LABEL")
            ? expandAll(instr.args(), env) : literal(instr);
        List<Optional<Expanded>> flags = name.equals("COPY") || name.equals("ADD") || name.equals("RUN")
            ? expandFlags(instr, env) : flagsLiteral(instr);
        ConfigBuilder c = s.config;
        switch (name) {
            case "ARG" -> args = arg(instr, s);
            case "ENV", "LABEL" -> {
                if (instr.pairs().isEmpty()) missing(instr, name + " requires at least one argument");
                args = new ArrayList<>();
                List<Stage.Setting> settings = new ArrayList<>();
                for (KeyValue kv : instr.pairs()) {
                    Expanded key = expand(kv.key(), env);
                    Expanded value = expand(kv.value(), env);
                    args.add(key);
                    args.add(value);
                    settings.add(new Stage.Setting(new Word(key.value(), kv.key().span()), value));
                }
                for (Stage.Setting st : settings) {
                    if (name.equals("ENV")) {
                        c.env.put(st.key().text(), st);
                        s.envScope.put(st.key().text(),
                            st.value().isResolved() ? Optional.of(st.value().value()) : Optional.empty());
                    } else {
                        c.labels.put(st.key().text(), st);
                    }
                }
            }
            case "USER" -> {
                if (!args.isEmpty()) c.user = Optional.of(args.get(0));
                else missing(instr, "USER requires an argument");
            }
            case "WORKDIR" -> {
                if (args.isEmpty()) {
                    missing(instr, "WORKDIR requires an argument");
                } else {
                    Expanded w = args.get(0);
                    if (w.isResolved() && !w.value().startsWith("/") && c.workdir.isPresent() && c.workdir.get().isResolved()) {
                        String prev = c.workdir.get().value();
                        String joined = (prev.endsWith("/") ? prev : prev + "/") + w.value();
                        w = new Expanded(w.raw(), joined, w.unresolved(), false, w.span());
                    }
                    c.workdir = Optional.of(w);
                }
            }
            case "EXPOSE" -> {
                if (args.isEmpty()) missing(instr, "EXPOSE requires at least one argument");
                for (Expanded e : args) {
                    if (!e.isResolved()) {
                        c.exposed.add(e);
                        continue;
                    }
                    for (String port : e.value().trim().split("\\s+")) {
                        if (port.isEmpty()) continue;
                        Optional<String> problem = exposeProblem(port);
                        problem.ifPresent(p -> diagnostics.add(Diagnostic.error("I2014", p, e.span(),
                            "write a port, a range or either with a protocol: 80, 8000-8010, 53/udp")));
                        c.exposed.add(new Expanded(e.raw(), port, Set.of(), false, e.span()));
                    }
                }
            }
            case "VOLUME" -> {
                if (args.isEmpty()) missing(instr, "VOLUME requires at least one argument");
                c.volumes.addAll(args);
            }
            case "STOPSIGNAL" -> {
                if (!args.isEmpty()) c.stopSignal = Optional.of(args.get(0));
                else missing(instr, "STOPSIGNAL requires an argument");
            }
            case "CMD" -> {
                c.cmd = Optional.of(command(instr, c, instr.args()));
                s.cmdSet = true;
            }
            case "ENTRYPOINT" -> {
                c.entrypoint = Optional.of(command(instr, c, instr.args()));
                // As in BuildKit: an ENTRYPOINT resets a CMD inherited from the base, not one set in this stage.
                if (!s.cmdSet) c.cmd = Optional.empty();
            }
            case "SHELL" -> {
                if (!instr.json()) {
                    diagnostics.add(Diagnostic.error("I2014", "SHELL requires the arguments to be in JSON form",
                        instr.span(), "write SHELL [\"/bin/bash\", \"-c\"]"));
                } else if (instr.args().isEmpty()) {
                    missing(instr, "SHELL requires at least one argument");
                } else {
                    List<String> words = instr.args().stream().map(Word::text).toList();
                    c.shell = Optional.of(new Stage.Command(instr.args(), true, words, instr.span()));
                }
            }
            case "HEALTHCHECK" -> c.healthcheck = Optional.ofNullable(health(instr, c)).or(() -> c.healthcheck);
            case "ONBUILD" -> instr.onbuild().ifPresentOrElse(trigger -> onbuild(c, trigger),
                () -> missing(instr, "ONBUILD requires an instruction"));
            case "COPY", "ADD" -> {
                copyFrom(s, instr, flags);
                if (instr.args().size() + instr.heredocs().size() < 2) {
                    missing(instr, name + " requires at least two arguments, but only one was provided");
                }
            }
            case "RUN" -> {
                mounts(s, instr, flags);
                if (instr.args().isEmpty()) missing(instr, "RUN requires at least one argument");
            }
            case "MAINTAINER" -> { }
            default -> { }
        }
        steps.add(new Step(instr, s.index, args, flags));
    }

    /** Records an ONBUILD trigger; BuildKit refuses ONBUILD, FROM and MAINTAINER as triggers. */
    private void onbuild(ConfigBuilder c, Instruction trigger) {
        String name = trigger.name();
        if (name.equals("ONBUILD")) {
            diagnostics.add(Diagnostic.error("I2014", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
                trigger.keywordSpan()));
        } else if (name.equals("FROM") || name.equals("MAINTAINER")) {
            diagnostics.add(Diagnostic.error("I2014", name + " isn't allowed as an ONBUILD trigger",
                trigger.keywordSpan()));
        } else {
            c.onbuild.add(trigger);
        }
    }

    /**
     * What BuildKit (Docker's {@code nat.ParsePortSpecs}) says about one EXPOSE value, empty when it reads it:
     * {@code [ip:[hostPort]:]port[-endPort][/tcp|udp|sctp]}, a range not running backwards. A number above 65535
     * is left to the rules (NET-024 reports it at the port).
     */
    static Optional<String> exposeProblem(String spec) {
        String port = spec;
        String proto = "tcp";
        int slash = spec.indexOf('/');
        if (slash >= 0) {
            port = spec.substring(0, slash);
            String[] parts = spec.split("/", -1);
            if (parts.length > 1 && !parts[1].isEmpty()) proto = parts[1];
        }
        if (port.isEmpty()) return Optional.of("no port specified in EXPOSE " + spec);
        String lower = proto.toLowerCase(Locale.ROOT);
        if (!lower.equals("tcp") && !lower.equals("udp") && !lower.equals("sctp")) {
            return Optional.of("invalid protocol " + proto + " in EXPOSE " + spec + ": use tcp, udp or sctp");
        }
        int colon = port.lastIndexOf(':');
        String container = colon < 0 ? port : port.substring(colon + 1);
        String[] range = container.split("-", -1);
        if (range.length > 2) return Optional.of("invalid container port " + container + " in EXPOSE " + spec);
        long[] bounds = new long[range.length];
        for (int i = 0; i < range.length; i++) {
            if (!range[i].matches("[0-9]{1,18}")) {
                return Optional.of("invalid container port " + container + " in EXPOSE " + spec
                    + ": a port is a number from 0 to 65535");
            }
            bounds[i] = Long.parseLong(range[i]);
        }
        if (bounds.length == 2 && bounds[1] < bounds[0]) {
            return Optional.of("invalid range " + container + " in EXPOSE " + spec + ": it ends before it starts");
        }
        return Optional.empty();
    }

    private void missing(Instruction instr, String message) {
        // Arguments the parser could not read were reported there; "requires an argument" would be a second,
        // wrong, error about them.
        boolean unreadable = instr.args().isEmpty() && !instr.json() && !instr.rest().text().isBlank();
        if (unreadable) return;
        diagnostics.add(Diagnostic.error("I2014", message, instr.span()));
    }

    private Stage.Command command(Instruction instr, ConfigBuilder c, List<Word> words) {
        if (instr.json()) return new Stage.Command(words, true, words.stream().map(Word::text).toList(), instr.span());
        List<String> effective = new ArrayList<>(c.shell.map(Stage.Command::effective).orElse(List.of("/bin/sh", "-c")));
        if (words.isEmpty()) return new Stage.Command(words, false, List.of(), instr.span());
        effective.add(words.get(0).text());
        return new Stage.Command(words, false, effective, instr.span());
    }

    private Stage.Health health(Instruction instr, ConfigBuilder c) {
        List<Word> args = instr.args();
        if (args.isEmpty()) {
            missing(instr, "Missing command after HEALTHCHECK");
            return null;
        }
        String type = args.get(0).text().toUpperCase(Locale.ROOT);
        Map<String, String> options = new LinkedHashMap<>();
        for (Flag f : instr.flags()) options.put(f.name(), f.value().orElse(""));
        if (type.equals("NONE")) {
            if (args.size() > 1) {
                diagnostics.add(Diagnostic.error("I2014", "HEALTHCHECK NONE takes no arguments", instr.span()));
            }
            return new Stage.Health(true, Optional.empty(), options, instr.span());
        }
        if (!type.equals("CMD")) {
            diagnostics.add(Diagnostic.error("I2014", "unknown type " + args.get(0).text() + " in HEALTHCHECK (try CMD)",
                args.get(0).span()));
            return null;
        }
        List<Word> cmd = args.subList(1, args.size());
        if (cmd.isEmpty()) {
            missing(instr, "Missing command after HEALTHCHECK CMD");
            return null;
        }
        for (Flag f : instr.flags()) {
            String value = f.value().orElse("");
            Optional<String> problem = switch (f.name()) {
                case "interval", "timeout", "start-period", "start-interval" -> BuilderFlags.durationProblem(f.name(), value);
                case "retries" -> BuilderFlags.retriesProblem(value);
                default -> Optional.empty();
            };
            problem.ifPresent(p -> diagnostics.add(Diagnostic.error("I2016", p, f.span())));
        }
        List<String> test = new ArrayList<>();
        if (instr.json()) {
            test.add("CMD");
            cmd.forEach(w -> test.add(w.text()));
        } else {
            test.add("CMD-SHELL");
            test.add(cmd.get(0).text());
        }
        return new Stage.Health(false, Optional.of(new Stage.Command(cmd, instr.json(), test, instr.span())), options,
            instr.span());
    }

    private void copyFrom(StageState s, Instruction instr, List<Optional<Expanded>> flags) {
        for (int i = 0; i < instr.flags().size(); i++) {
            Flag f = instr.flags().get(i);
            if (!f.name().equals("from") || flags.get(i).isEmpty()) continue;
            Expanded ref = flags.get(i).get();
            s.deps.add(new Stage.Dependency("copy", ref, stageRef(ref, true, f.span()), f.span()));
        }
    }

    private void mounts(StageState s, Instruction instr, List<Optional<Expanded>> flags) {
        for (int i = 0; i < instr.flags().size(); i++) {
            Flag f = instr.flags().get(i);
            if (!f.name().equals("mount") || flags.get(i).isEmpty()) continue;
            Expanded v = flags.get(i).get();
            Map<String, String> options = mountOptions(v.value());
            String from = options.get("from");
            if (from == null) continue;
            Expanded ref = new Expanded(from, from, v.unresolved(), v.failed(), v.span());
            // BuildKit looks a mount's from= up by stage name only: from=0 is an image called 0, not stage 0.
            s.deps.add(new Stage.Dependency("mount", ref, stageRef(ref, false, f.span()), f.span()));
        }
    }

    /** The options of a {@code --mount} value: {@code type=cache,target=/root/.cache,from=build}. */
    static Map<String, String> mountOptions(String value) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : splitCsv(value)) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String key = (eq < 0 ? part : part.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            out.put(key, eq < 0 ? "" : part.substring(eq + 1).trim());
        }
        return out;
    }

    private static List<String> splitCsv(String value) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ',' && !quoted) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        parts.add(cur.toString());
        return parts;
    }

    /**
     * The stage a --from names, by name or (for COPY/ADD) index; empty for an image. As in BuildKit, any stage of the file may be
     * named, a later one too (only a cycle is an error, see {@link #circularDependency()}); an index past the last
     * stage is an error.
     */
    private Optional<Integer> stageRef(Expanded ref, boolean byIndex, Span at) {
        if (!ref.isResolved()) return Optional.empty();
        String v = ref.value().toLowerCase(Locale.ROOT);
        if (byIndex && v.matches("[0-9]+")) {
            int idx;
            try {
                idx = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                idx = Integer.MAX_VALUE;
            }
            if (idx >= allStageNames.size()) {
                diagnostics.add(Diagnostic.error("I2015", "invalid stage index " + v + ": the file has "
                    + allStageNames.size() + " stage" + (allStageNames.size() == 1 ? "" : "s") + ", numbered from 0", at));
                return Optional.empty();
            }
            return Optional.of(idx);
        }
        int idx = allStageNames.indexOf(v);
        return idx < 0 ? Optional.empty() : Optional.of(idx);
    }

    /**
     * BuildKit refuses a file whose stages depend on each other in a circle through COPY --from or RUN
     * --mount=from= (a stage copying from itself included); the error is given at the --from of the first stage
     * found on a circle, at the --from that closes it.
     */
    private void circularDependency() {
        int n = states.size();
        int[] mark = new int[n]; // 0 not seen, 1 on the current path, 2 done
        for (int start = 0; start < n; start++) {
            if (mark[start] != 0) continue;
            Deque<int[]> stack = new ArrayDeque<>(); // {stage, next dependency to follow}
            stack.push(new int[] {start, 0});
            mark[start] = 1;
            while (!stack.isEmpty()) {
                int[] top = stack.peek();
                List<Stage.Dependency> deps = states.get(top[0]).deps;
                if (top[1] == deps.size()) {
                    mark[top[0]] = 2;
                    stack.pop();
                    continue;
                }
                Stage.Dependency d = deps.get(top[1]++);
                if (d.stage().isEmpty() || d.stage().get() >= n) continue;
                int next = d.stage().get();
                if (mark[next] == 1) {
                    StageState on = states.get(next);
                    String name = on.name != null ? on.name : "stage-" + on.index;
                    diagnostics.add(Diagnostic.error("I2015", "circular dependency detected on stage: " + name,
                        d.span()));
                    return;
                }
                if (mark[next] == 0) {
                    mark[next] = 1;
                    stack.push(new int[] {next, 0});
                }
            }
        }
    }

    // ---- ARG -------------------------------------------------------------------------------------------------

    /** Declares the ARGs of one instruction, in the global scope when {@code s} is null. */
    private List<Expanded> arg(Instruction instr, StageState s) {
        List<Expanded> out = new ArrayList<>();
        if (instr.args().isEmpty()) missing(instr, "ARG requires at least one argument");
        for (Word w : instr.args()) {
            String text = w.text();
            int eq = text.indexOf('=');
            String name = eq < 0 ? text : text.substring(0, eq);
            Span nameSpan = eq < 0 ? w.span() : new Span(w.span().file(), w.span().line(), w.span().column(),
                w.span().line(), w.span().column() + Math.max(0, eq - 1));
            Optional<Word> def = eq < 0 ? Optional.empty() : Optional.of(new Word(text.substring(eq + 1), w.span()));
            if (name.isEmpty()) {
                diagnostics.add(Diagnostic.error("I2014", "ARG names can not be blank", w.span()));
                continue;
            }
            ShellLexer.Env env = s == null ? this::globalLookup : s::lookup;
            Optional<Expanded> defValue = def.map(d -> expand(d, env));
            Expanded value;
            boolean predefined = PREDEFINED_ARGS.contains(name);
            if (buildArgs.containsKey(name)) {
                value = new Expanded(text, buildArgs.get(name), Set.of(), false, w.span());
            } else if (defValue.isPresent()) {
                value = defValue.get();
            } else if (s != null && globalScope.containsKey(name) && globalScope.get(name).isPresent()) {
                value = new Expanded(text, globalScope.get(name).get(), Set.of(), false, w.span());
            } else {
                value = new Expanded(text, "${" + name + "}", Set.of(name), false, w.span());
            }
            Optional<String> known = value.isResolved() ? Optional.of(value.value()) : Optional.empty();
            Stage.ArgDeclaration decl = new Stage.ArgDeclaration(new Word(name, nameSpan), def, s == null,
                s == null ? -1 : s.index, value, predefined, w.span());
            if (s == null) {
                globalScope.put(name, known);
                globalArgs.add(decl);
            } else {
                s.argScope.put(name, known);
                s.args.add(decl);
            }
            out.add(value);
        }
        return out;
    }

    // ---- expansion -------------------------------------------------------------------------------------------

    private Expanded expand(Word w, ShellLexer.Env env) {
        try {
            ShellLexer.Result r = lexer.processWord(w.text(), env);
            return new Expanded(w.text(), r.text(), r.unresolved(), false, w.span());
        } catch (ShellLexer.ShellException e) {
            diagnostics.add(Diagnostic.error("I2010", e.getMessage() + " in '" + w.text() + "'", w.span()));
            return new Expanded(w.text(), w.text(), Set.of(), true, w.span());
        }
    }

    private List<Expanded> expandAll(List<Word> words, ShellLexer.Env env) {
        List<Expanded> out = new ArrayList<>();
        for (Word w : words) out.add(expand(w, env));
        return out;
    }

    private static List<Expanded> literal(Instruction instr) {
        return instr.args().stream().map(w -> Expanded.literal(w.text(), w.span())).toList();
    }

    private static List<Optional<Expanded>> flagsLiteral(Instruction instr) {
        return instr.flags().stream().map(f -> f.value().map(v -> Expanded.literal(v, f.span()))).toList();
    }

    private List<Optional<Expanded>> expandFlags(Instruction instr, ShellLexer.Env env) {
        List<Optional<Expanded>> out = new ArrayList<>();
        for (Flag f : instr.flags()) out.add(f.value().map(v -> expand(new Word(v, f.span()), env)));
        return out;
    }

    // ---- config ----------------------------------------------------------------------------------------------

    /** The config of a stage while its instructions are applied. */
    private static final class ConfigBuilder {
        Optional<Expanded> user = Optional.empty();
        Optional<Expanded> workdir = Optional.empty();
        final LinkedHashMap<String, Stage.Setting> env = new LinkedHashMap<>();
        final List<Expanded> exposed = new ArrayList<>();
        Optional<Stage.Health> healthcheck = Optional.empty();
        Optional<Stage.Command> entrypoint = Optional.empty();
        Optional<Stage.Command> cmd = Optional.empty();
        final LinkedHashMap<String, Stage.Setting> labels = new LinkedHashMap<>();
        Optional<Stage.Command> shell = Optional.empty();
        final List<Expanded> volumes = new ArrayList<>();
        Optional<Expanded> stopSignal = Optional.empty();
        final List<Instruction> onbuild = new ArrayList<>();

        ConfigBuilder copy() {
            ConfigBuilder c = new ConfigBuilder();
            c.user = user;
            c.workdir = workdir;
            c.env.putAll(env);
            c.exposed.addAll(exposed);
            c.healthcheck = healthcheck;
            c.entrypoint = entrypoint;
            c.cmd = cmd;
            c.labels.putAll(labels);
            c.shell = shell;
            c.volumes.addAll(volumes);
            c.stopSignal = stopSignal;
            // ONBUILD triggers of a base stage run in the child, and are not passed further on.
            return c;
        }

        Stage.Config freeze() {
            return new Stage.Config(user, workdir, List.copyOf(env.values()), exposed, healthcheck, entrypoint, cmd,
                List.copyOf(labels.values()), shell, volumes, stopSignal, onbuild);
        }
    }
}
