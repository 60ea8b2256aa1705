package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.diag.Suggestions;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Resource;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds the views of a merged, interpolated compose project (see {@code compose.schema}): the services with
 * their short and long syntaxes normalized, the top-level networks, volumes, secrets and configs, and the
 * unified {@code Container} view of every service. Values keep the spans of the text they came from; values the
 * model derives (a hostNetwork flag from {@code network_mode: host}) take the span of the text that implies them.
 */
final class ComposeModel {
    /** A port range in one entry is expanded up to this many ports; past it the range is cut, with a warning. */
    private static final int MAX_PORTS_PER_ENTRY = 4096;

    private static final Set<String> SERVICE_KEYS = Set.of("annotations", "attach", "blkio_config", "build", "cap_add",
        "cap_drop", "cgroup", "cgroup_parent", "command", "configs", "container_name", "cpu_count", "cpu_percent",
        "cpu_shares", "cpu_quota", "cpu_period", "cpu_rt_period", "cpu_rt_runtime", "cpus", "cpuset", "credential_spec",
        "depends_on", "deploy", "develop", "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "domainname",
        "driver_opts", "entrypoint", "env_file", "environment", "expose", "extends", "external_links", "extra_hosts",
        "gpus", "group_add", "healthcheck", "hostname", "image", "init", "ipc", "isolation", "labels", "label_file",
        "links", "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness", "memswap_limit", "models",
        "network_mode", "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform", "ports",
        "post_start", "pre_stop", "privileged", "profiles", "provider", "pull_policy", "pull_refresh_after", "read_only",
        "restart", "runtime", "scale", "secrets", "security_opt", "shm_size", "stdin_open", "stop_grace_period",
        "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty", "ulimits", "use_api_socket", "user", "userns_mode",
        "uts", "volumes", "volumes_from", "working_dir");

    private final Value.MapV root;
    private final List<String> files;
    private final String projectName;
    private final Function<String, String> environment;
    private final Map<String, BaseDirectory> directories;
    private final ComposeProjectReader reader;
    private final List<Diagnostic> diagnostics;
    private final Set<String> enabledProfiles = new LinkedHashSet<>();
    private final List<Resource> parts = new ArrayList<>();
    private final Map<String, Value> views = new LinkedHashMap<>();

    ComposeModel(Value.MapV root, List<String> files, String projectName, Function<String, String> environment,
                 Map<String, BaseDirectory> directories, ComposeProjectReader reader, List<Diagnostic> diagnostics) {
        this.root = root;
        this.files = files;
        this.projectName = projectName;
        this.environment = environment;
        this.directories = directories;
        this.reader = reader;
        this.diagnostics = diagnostics;
        String profiles = environment.apply("COMPOSE_PROFILES");
        if (profiles != null) {
            for (String p : profiles.split(",")) if (!p.isBlank()) enabledProfiles.add(p.strip());
        }
        build();
    }

    String projectName() {
        return projectName;
    }

    List<Resource> parts() {
        return parts;
    }

    Map<String, Value> views() {
        return views;
    }

    private static final Set<String> TOP_LEVEL_KEYS = Set.of("version", "name", "services", "networks", "volumes",
        "secrets", "configs", "include", "models");

    private void build() {
        for (String key : root.entries().keySet()) {
            if (!TOP_LEVEL_KEYS.contains(key) && !key.startsWith("x-")) {
                diagnostics.add(Diagnostic.warning("I3016", "unknown top-level field '" + key + "'", root.keySpan(key),
                    Suggestions.hint(key, TOP_LEVEL_KEYS)));
            }
        }
        Obj project = new Obj()
            .put("name", new Value.Str(projectName, root.get("name").span()))
            .put("files", Values.list(files.stream().map(Values::string).toList()))
            .put("enabledProfiles", Values.list(enabledProfiles.stream().map(Values::string).toList()))
            .put("version", str(root.get("version"), "version"));
        views.put("project", project.build(root.span()));

        List<Value> services = new ArrayList<>();
        List<Value> containers = new ArrayList<>();
        if (root.get("services") instanceof Value.MapV serviceMap) {
            for (Map.Entry<String, Value> e : serviceMap.entries().entrySet()) {
                Value.MapV service = (Value.MapV) e.getValue();
                Span keySpan = serviceMap.keySpan(e.getKey());
                Span whole = partSpan(keySpan, service);
                parts.add(new Resource(InputKind.COMPOSE, "service", "", e.getKey(), whole));
                Value.MapV[] both = service(e.getKey(), keySpan, service);
                services.add(both[0]);
                containers.add(both[1]);
            }
        } else {
            diagnostics.add(Diagnostic.warning("I3014", "the project defines no services", root.span()));
        }
        views.put("services", listOf(services, root.get("services").span()));
        views.put("containers", listOf(containers, root.get("services").span()));
        views.put("networks", section("networks", this::network));
        views.put("volumes", section("volumes", this::volume));
        views.put("secrets", section("secrets", this::fileObject));
        views.put("configs", section("configs", this::fileObject));
    }

    /**
     * The text of one service: from its name to the end of the last value written inside its definition. A block
     * mapping's own span ends where the next key starts, so the end is taken from the values instead; only those
     * written between the name and that end count, as a {@code <<: *anchor} or an {@code extends} brings in values
     * written elsewhere in the file (before the name, or after the service), which would turn the span around.
     */
    private static Span partSpan(Span keySpan, Value.MapV service) {
        Span whole = service.span();
        if (!keySpan.isKnown() || !keySpan.file().equals(whole.file())) return whole;
        Span[] last = {keySpan};
        // A merged mapping may carry the span of one side and values of the other: look at every value inside.
        Values.forEachLeaf(service, v -> {
            Span s = v.span();
            boolean here = s.isKnown() && s.file().equals(keySpan.file())
                && !before(s.line(), s.column(), keySpan.line(), keySpan.column())
                && !before(whole.endLine(), whole.endColumn(), s.endLine(), s.endColumn());
            if (here && before(last[0].endLine(), last[0].endColumn(), s.endLine(), s.endColumn())) last[0] = s;
        });
        return keySpan.to(last[0]);
    }

    private static boolean before(int line, int column, int otherLine, int otherColumn) {
        return line < otherLine || (line == otherLine && column < otherColumn);
    }

    // ---- services ----

    /** The service view and the container view of one service. */
    private Value.MapV[] service(String name, Span nameSpan, Value.MapV svc) {
        Obj s = new Obj();
        Obj c = new Obj();
        for (Map.Entry<String, Value> e : svc.entries().entrySet()) {
            String key = e.getKey();
            if (!SERVICE_KEYS.contains(key) && !key.startsWith("x-")) {
                diagnostics.add(Diagnostic.warning("I3041", "unknown field '" + key + "' in service '" + name + "'",
                    svc.keySpan(key), Suggestions.hint(key, SERVICE_KEYS)));
            }
        }
        Value nameValue = new Value.Str(name, nameSpan);
        s.put("name", nameValue);
        c.put("kind", new Value.Str("service", nameSpan)).put("name", nameValue);

        Value.ListV profiles = strList(svc.get("profiles"), "profiles");
        boolean active = profiles.items().isEmpty() || enabledProfiles.contains("*")
            || profiles.items().stream().anyMatch(p -> enabledProfiles.contains(Values.display(p)));
        Value activeValue = new Value.Bool(active, profiles.items().isEmpty() ? Span.NONE : profiles.span());
        s.put("active", activeValue).put("profiles", profiles);
        c.put("active", activeValue).put("profiles", profiles);

        Value image = str(svc.get("image"), "image");
        Value build = build(svc.get("build"));
        s.put("image", image).put("build", build);
        c.put("image", image).put("build", build);
        if (image == null && build == null) {
            diagnostics.add(Diagnostic.warning("I3040", "service '" + name + "' has neither an image nor a build", svc.span()));
        }
        s.put("containerName", str(svc.get("container_name"), "container_name"));
        s.put("command", present(svc.get("command"))).put("entrypoint", present(svc.get("entrypoint")));
        c.put("command", wordsList(svc.get("entrypoint"), "entrypoint")).put("args", wordsList(svc.get("command"), "command"));
        Value workingDir = str(svc.get("working_dir"), "working_dir");
        s.put("workingDir", workingDir);
        c.put("workingDir", workingDir);

        List<Value> envFiles = new ArrayList<>();
        Value.ListV env = environment(svc, envFiles);
        s.put("environment", env).put("envFiles", listOf(envFiles, svc.get("env_file").span()));
        c.put("env", env);

        List<Value> portMappings = new ArrayList<>();
        for (Value item : asList(svc.get("ports")).items()) ports(item, portMappings);
        Value.ListV expose = strList(svc.get("expose"), "expose");
        s.put("ports", listOf(portMappings, svc.get("ports").span())).put("expose", expose);
        c.put("ports", containerPorts(portMappings, expose));

        List<Value> volumes = new ArrayList<>();
        for (Value item : asList(svc.get("volumes")).items()) volume(item, volumes);
        Value.ListV tmpfs = strList(svc.get("tmpfs"), "tmpfs");
        s.put("volumes", listOf(volumes, svc.get("volumes").span())).put("tmpfs", tmpfs);
        c.put("mounts", mounts(volumes, tmpfs));
        Value.ListV volumesFrom = strList(svc.get("volumes_from"), "volumes_from");
        s.put("volumesFrom", volumesFrom);
        c.put("volumesFrom", volumesFrom);

        Value.ListV secrets = grants(svc.get("secrets"), "secrets");
        s.put("secrets", secrets).put("configs", grants(svc.get("configs"), "configs"));
        c.put("secrets", secrets);

        Value.ListV capAdd = strList(svc.get("cap_add"), "cap_add");
        Value.ListV capDrop = strList(svc.get("cap_drop"), "cap_drop");
        s.put("capAdd", capAdd).put("capDrop", capDrop);
        c.put("capAdd", capabilities(capAdd)).put("capDrop", capabilities(capDrop));

        Value privileged = bool(svc.get("privileged"), "privileged");
        s.put("privileged", privileged);
        c.put("privileged", privileged);

        Value user = str(svc.get("user"), "user");
        s.put("user", user);
        c.put("user", user);
        if (user instanceof Value.Str u) userIds(u, c);
        Value.ListV groupAdd = strList(svc.get("group_add"), "group_add");
        s.put("groupAdd", groupAdd);
        c.put("groupAdd", groupAdd);

        Value networkMode = str(svc.get("network_mode"), "network_mode");
        s.put("networkMode", networkMode).put("networks", names(svc.get("networks"), "networks"));
        c.put("networkMode", networkMode).put("hostNetwork", isHost(networkMode));
        Value pid = str(svc.get("pid"), "pid");
        Value ipc = str(svc.get("ipc"), "ipc");
        Value uts = str(svc.get("uts"), "uts");
        Value userns = str(svc.get("userns_mode"), "userns_mode");
        s.put("pid", pid).put("ipc", ipc).put("uts", uts).put("usernsMode", userns);
        s.put("cgroup", str(svc.get("cgroup"), "cgroup"));
        c.put("pidMode", pid).put("ipcMode", ipc).put("utsMode", uts).put("usernsMode", userns);
        c.put("hostPID", isHost(pid)).put("hostIPC", isHost(ipc)).put("hostUTS", isHost(uts)).put("hostUsers", isHost(userns));

        Value.ListV securityOpt = strList(svc.get("security_opt"), "security_opt");
        s.put("securityOpt", securityOpt);
        c.put("securityOpts", securityOpt);
        securityOptions(securityOpt, c);

        Value.ListV devices = devices(svc.get("devices"));
        s.put("devices", devices);
        c.put("devices", hostDevices(devices));

        Value.MapV sysctls = strMap(svc.get("sysctls"), "sysctls");
        s.put("sysctls", sysctls);
        c.put("sysctls", sysctlList(sysctls));

        Value readOnly = bool(svc.get("read_only"), "read_only");
        s.put("readOnly", readOnly);
        c.put("readOnlyRootFilesystem", readOnly);
        Value init = bool(svc.get("init"), "init");
        Value restart = str(svc.get("restart"), "restart");
        s.put("init", init).put("restart", restart);
        c.put("init", init).put("restart", restart);

        Value memLimit = scalar(svc.get("mem_limit"), "mem_limit");
        Value memReservation = scalar(svc.get("mem_reservation"), "mem_reservation");
        Value cpus = scalar(svc.get("cpus"), "cpus");
        Value pidsLimit = integer(svc.get("pids_limit"), "pids_limit");
        s.put("memLimit", memLimit).put("memReservation", memReservation).put("cpus", cpus).put("pidsLimit", pidsLimit);
        Value deploy = svc.get("deploy");
        Value.MapV limits = null;
        Value.MapV reservations = null;
        if (deploy instanceof Value.MapV d && d.get("resources") instanceof Value.MapV r) {
            limits = resources(r.get("limits"), "deploy.resources.limits");
            reservations = resources(r.get("reservations"), "deploy.resources.reservations");
        }
        s.put("deploy", present(deploy)).put("limits", limits).put("reservations", reservations);
        c.put("resources", new Obj()
            .put("cpuLimit", first(field(limits, "cpus"), cpus))
            .put("memoryLimit", first(field(limits, "memory"), memLimit))
            .put("cpuRequest", field(reservations, "cpus"))
            .put("memoryRequest", first(field(reservations, "memory"), memReservation))
            .put("pidsLimit", first(field(limits, "pids"), pidsLimit))
            .build(deploy.span().isKnown() ? deploy.span() : svc.span()));

        Value healthcheck = healthcheck(svc.get("healthcheck"));
        s.put("healthcheck", healthcheck);
        List<Value> healthchecks = new ArrayList<>();
        if (healthcheck instanceof Value.MapV h) {
            Value test = h.get("test");
            boolean none = test instanceof Value.ListV l && !l.items().isEmpty() && "NONE".equals(ComposeSyntax.text(l.items().get(0)))
                || test instanceof Value.Str t && t.value().equals("NONE");
            Value disabled = Values.isTrue(h.get("disable")) ? h.get("disable") : new Value.Bool(none, none ? test.span() : h.span());
            healthchecks.add(new Obj().put("kind", new Value.Str("healthcheck", h.span())).put("test", present(test))
                .put("disabled", disabled).build(h.span()));
        }
        c.put("healthchecks", listOf(healthchecks, healthcheck == null ? Span.NONE : healthcheck.span()));

        Value.MapV labels = strMap(svc.get("labels"), "labels");
        s.put("labels", labels);
        c.put("labels", labels);
        s.put("dependsOn", names(svc.get("depends_on"), "depends_on"));
        s.put("extraHosts", extraHosts(svc.get("extra_hosts")));
        s.put("dns", strList(svc.get("dns"), "dns"));
        s.put("logging", present(svc.get("logging"))).put("ulimits", present(svc.get("ulimits")));
        Value pullPolicy = str(svc.get("pull_policy"), "pull_policy");
        s.put("pullPolicy", pullPolicy);
        c.put("imagePullPolicy", pullPolicy);
        s.put("platform", str(svc.get("platform"), "platform")).put("hostname", str(svc.get("hostname"), "hostname"));
        s.put("stdinOpen", bool(svc.get("stdin_open"), "stdin_open")).put("tty", bool(svc.get("tty"), "tty"));
        return new Value.MapV[] {s.build(svc.span()), c.build(svc.span())};
    }

    private Value build(Value v) {
        if (v instanceof Value.Null) return null;
        Value.MapV b;
        if (v instanceof Value.Str str) {
            b = new Value.MapV(Map.of("context", str), Map.of(), str.span());
        } else if (v instanceof Value.MapV m) {
            b = m;
        } else {
            diagnostics.add(Diagnostic.warning("I3042", "build must be a path or a mapping, not a " + v.typeName(), v.span()));
            return null;
        }
        Obj out = new Obj();
        Value contextValue = str(b.get("context"), "build.context");
        Value dockerfileValue = str(b.get("dockerfile"), "build.dockerfile");
        Value inline = str(b.get("dockerfile_inline"), "build.dockerfile_inline");
        String context = contextValue instanceof Value.Str cs ? cs.value() : ".";
        Span contextSpan = contextValue != null ? contextValue.span() : b.span();
        out.put("context", contextValue).put("dockerfile", dockerfileValue).put("dockerfileInline", inline);
        boolean remote = context.contains("://") || context.startsWith("git@") || context.startsWith("github.com/");
        if (remote) {
            out.put("contextPath", new Value.Str(context, contextSpan));
        } else {
            Optional<Path> contextPath = resolve(context, contextSpan);
            contextPath.ifPresent(p -> out.put("contextPath", new Value.Str(p.toString(), contextSpan)));
            if (inline == null && contextPath.isPresent()) {
                String dockerfile = dockerfileValue instanceof Value.Str ds ? ds.value() : "Dockerfile";
                Span at = dockerfileValue != null ? dockerfileValue.span() : contextSpan;
                try {
                    out.put("dockerfilePath", new Value.Str(contextPath.get().resolve(dockerfile).normalize().toString(), at));
                } catch (InvalidPathException e) {
                    diagnostics.add(Diagnostic.warning("I3043", "build.dockerfile '" + dockerfile + "' is not a valid path", at));
                }
            }
        }
        out.put("args", strMap(b.get("args"), "build.args")).put("target", str(b.get("target"), "build.target"))
            .put("network", str(b.get("network"), "build.network")).put("privileged", bool(b.get("privileged"), "build.privileged"));
        return out.build(b.span());
    }

    // ---- environment ----

    private Value.ListV environment(Value.MapV svc, List<Value> envFiles) {
        Map<String, Value> vars = new LinkedHashMap<>();
        Value envFile = svc.get("env_file");
        for (Value item : asList(envFile).items()) envFile(item, envFiles, vars);
        Value env = svc.get("environment");
        if (env instanceof Value.MapV m) {
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                Value raw = e.getValue();
                Value value = raw instanceof Value.Null ? fromEnvironment(e.getKey(), raw.span()) : str(raw, "environment." + e.getKey());
                putVar(vars, e.getKey(), m.keySpan(e.getKey()), value,
                    raw instanceof Value.Null ? value instanceof Value.Str : reader.fromVariable(raw.span()));
            }
        } else if (env instanceof Value.ListV l) {
            for (Value item : l.items()) {
                String text = ComposeSyntax.text(item);
                if (text == null) {
                    diagnostics.add(Diagnostic.warning("I3044", "an environment entry must be NAME=VALUE, not a " + item.typeName(), item.span()));
                    continue;
                }
                int eq = text.indexOf('=');
                String name = eq < 0 ? text : text.substring(0, eq);
                Span[] parts = nameAndValueSpans(item.span(), text, eq);
                Value value = eq < 0 ? fromEnvironment(name, item.span()) : new Value.Str(text.substring(eq + 1), parts[1]);
                putVar(vars, name, parts[0], value, eq < 0 ? value instanceof Value.Str : reader.fromVariable(item.span()));
            }
        } else if (!(env instanceof Value.Null)) {
            diagnostics.add(Diagnostic.warning("I3044", "environment must be a mapping or a list, not a " + env.typeName(), env.span()));
        }
        return listOf(new ArrayList<>(vars.values()), env.span().isKnown() ? env.span() : envFile.span());
    }

    /**
     * Where the name and the value of a {@code NAME=VALUE} list item are written, so a finding on the value points
     * at the value (and a snippet masking it leaves the name readable). Only when the item is written on one line
     * exactly as read (plain, or quoted without escapes, not changed by interpolation); else the item's span for both.
     */
    private Span[] nameAndValueSpans(Span item, String text, int eq) {
        Span[] whole = {item, item};
        if (eq <= 0 || eq == text.length() - 1) return whole;
        Optional<String> written = reader.writtenAt(item);
        if (written.isEmpty()) return whole;
        String w = written.get();
        int quote;
        if (w.equals(text)) {
            quote = 0;
        } else if (w.length() == text.length() + 2 && (w.startsWith("\"") || w.startsWith("'"))
            && w.charAt(w.length() - 1) == w.charAt(0) && w.substring(1, w.length() - 1).equals(text)) {
            quote = 1;
        } else {
            return whole;
        }
        int start = item.column() + quote;
        return new Span[] {
            new Span(item.file(), item.line(), start, item.line(), start + eq - 1),
            new Span(item.file(), item.line(), start + eq + 1, item.line(), item.endColumn() - quote)};
    }

    private Value fromEnvironment(String name, Span at) {
        String v = environment.apply(name);
        return v != null ? new Value.Str(v, at) : new Value.Null(at);
    }

    /** @param fromVariable the value came from the environment or .env, not from what the file says */
    private static void putVar(Map<String, Value> vars, String name, Span nameSpan, Value value, boolean fromVariable) {
        vars.remove(name);
        vars.put(name, new Obj().put("name", new Value.Str(name, nameSpan)).put("value", value)
            .put("fromSecret", new Value.Bool(false, Span.NONE)).put("fromVariable", new Value.Bool(fromVariable, Span.NONE))
            .build(nameSpan.to(value == null ? Span.NONE : value.span())));
    }

    private void envFile(Value item, List<Value> envFiles, Map<String, Value> vars) {
        Value pathValue;
        boolean required = true;
        Value requiredValue = null;
        if (item instanceof Value.MapV m) {
            pathValue = str(m.get("path"), "env_file.path");
            requiredValue = bool(m.get("required"), "env_file.required");
            if (requiredValue instanceof Value.Bool b) required = b.value();
        } else {
            pathValue = str(item, "env_file");
        }
        if (!(pathValue instanceof Value.Str path)) {
            diagnostics.add(Diagnostic.warning("I3045", "env_file needs a path", item.span()));
            return;
        }
        Obj out = new Obj().put("path", path).put("required", requiredValue != null ? requiredValue : new Value.Bool(true, Span.NONE));
        Optional<Path> resolved = resolve(path.value(), path.span());
        boolean found = false;
        if (resolved.isPresent()) {
            out.put("resolvedPath", new Value.Str(resolved.get().toString(), path.span()));
            if (Files.isRegularFile(resolved.get())) {
                Optional<SourceFile> text = reader.readReferenced(displayPath(path.value(), path.span()), resolved.get(), path.span());
                if (text.isPresent()) {
                    found = true;
                    for (EnvFile.Entry e : EnvFile.parse(text.get(), environment, diagnostics).values()) {
                        putVar(vars, e.name(), e.nameSpan(), new Value.Str(e.value(), e.valueSpan()), false);
                    }
                }
            } else if (required) {
                diagnostics.add(Diagnostic.error("I3046", "env_file " + path.value() + " not found", path.span(),
                    "create it, or mark it optional with the long form: {path: " + path.value() + ", required: false}"));
            }
        }
        envFiles.add(out.put("found", new Value.Bool(found, path.span())).build(item.span()));
    }

    /** The name spans of an env file carry: the path as written, in the base directory of the compose file naming it. */
    private String displayPath(String written, Span at) {
        BaseDirectory base = directories.get(at.file());
        if (base != null) return base.show(written);
        Path dir = Path.of(at.file()).getParent();
        return dir == null ? Path.of(written).normalize().toString() : dir.resolve(written).normalize().toString();
    }

    // ---- ports ----

    private void ports(Value item, List<Value> out) {
        if (item instanceof Value.Int i) {
            // Checked as its text is: a number past 65535 or below 0 is no port (and must not wrap around in an int).
            int[] port = range(Long.toString(i.value()), item.span());
            if (port != null) addPorts(out, port, null, null, null, "tcp", item.span(), new Obj());
        } else if (item instanceof Value.Str s) {
            shortPort(s.value(), s.span(), out);
        } else if (item instanceof Value.MapV m) {
            Value target = m.get("target");
            String targetText = ComposeSyntax.text(target);
            int[] targetRange = targetText == null ? null : range(targetText, target.span());
            if (targetRange == null) {
                if (targetText == null) diagnostics.add(Diagnostic.warning("I3050", "a port needs a target (the container port)", m.span()));
                return;
            }
            Value published = m.get("published");
            String publishedText = ComposeSyntax.text(published);
            int[] hostRange = publishedText == null || publishedText.isEmpty() ? null : range(publishedText, published.span());
            if (publishedText != null && !publishedText.isEmpty() && hostRange == null) return;
            Value protocol = str(m.get("protocol"), "protocol");
            String proto = protocol instanceof Value.Str p ? p.value().toLowerCase(Locale.ROOT) : "tcp";
            Obj extra = new Obj().put("mode", str(m.get("mode"), "mode")).put("name", str(m.get("name"), "name"))
                .put("appProtocol", str(m.get("app_protocol"), "app_protocol"));
            Value hostIp = str(m.get("host_ip"), "host_ip");
            addPorts(out, targetRange, hostRange, publishedText != null && !publishedText.isEmpty() ? publishedText : null,
                hostIp instanceof Value.Str h && !h.value().isEmpty() ? h : null, proto, m.span(), extra,
                target.span(), published.span(), protocol == null ? m.span() : protocol.span());
        } else {
            diagnostics.add(Diagnostic.warning("I3050", "a port must be a number, a string or a mapping, not a " + item.typeName(), item.span()));
        }
    }

    /** {@code [HOST_IP:][HOST:]CONTAINER[/PROTOCOL]}, with ranges and bracketed IPv6 addresses. */
    private void shortPort(String text, Span at, List<Value> out) {
        String proto = "tcp";
        String rest = text.strip();
        int slash = rest.lastIndexOf('/');
        if (slash >= 0) {
            proto = rest.substring(slash + 1).toLowerCase(Locale.ROOT);
            rest = rest.substring(0, slash);
        }
        String hostIp = null;
        String host = null;
        String container;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
                diagnostics.add(Diagnostic.warning("I3051", "port '" + text + "' is not [IP]:HOST:CONTAINER", at));
                return;
            }
            hostIp = rest.substring(1, close);
            String hostAndContainer = rest.substring(close + 2);
            int colon = hostAndContainer.indexOf(':');
            if (colon < 0) {
                diagnostics.add(Diagnostic.warning("I3051", "port '" + text + "' is not [IP]:HOST:CONTAINER", at));
                return;
            }
            host = hostAndContainer.substring(0, colon);
            container = hostAndContainer.substring(colon + 1);
        } else {
            int last = rest.lastIndexOf(':');
            if (last < 0) {
                container = rest;
            } else {
                container = rest.substring(last + 1);
                String left = rest.substring(0, last);
                int ipEnd = left.lastIndexOf(':');
                if (ipEnd < 0) {
                    host = left;
                } else {
                    hostIp = left.substring(0, ipEnd);
                    host = left.substring(ipEnd + 1);
                }
            }
        }
        int[] containerRange = range(container, at);
        if (containerRange == null) return;
        int[] hostRange = null;
        if (host != null && !host.isEmpty()) {
            hostRange = range(host, at);
            if (hostRange == null) return;
        }
        Value ip = hostIp == null || hostIp.isEmpty() ? null : new Value.Str(hostIp, at);
        addPorts(out, containerRange, hostRange, host == null || host.isEmpty() ? null : host, ip, proto, at, new Obj());
    }

    private void addPorts(List<Value> out, int[] container, int[] host, String publishedText, Value hostIp, String proto,
                          Span at, Obj extra) {
        addPorts(out, container, host, publishedText, hostIp, proto, at, extra, at, at, at);
    }

    private void addPorts(List<Value> out, int[] container, int[] host, String publishedText, Value hostIp, String proto,
                          Span at, Obj extra, Span targetSpan, Span publishedSpan, Span protocolSpan) {
        int count = container[1] - container[0] + 1;
        if (host != null && host[1] - host[0] + 1 != count && count != 1) {
            diagnostics.add(Diagnostic.warning("I3052", "port ranges of different sizes: host " + publishedText + " and container "
                + container[0] + "-" + container[1], at));
            return;
        }
        if (count > MAX_PORTS_PER_ENTRY) {
            diagnostics.add(Diagnostic.warning("I3053", "port range of " + count + " ports; only the first " + MAX_PORTS_PER_ENTRY
                + " are in the model", at));
            count = MAX_PORTS_PER_ENTRY;
        }
        Span pubSpan = publishedSpan.isKnown() ? publishedSpan : at;
        for (int i = 0; i < count; i++) {
            int published = host == null ? 0 : (count == 1 ? host[0] : host[0] + i);
            Obj port = new Obj()
                .put("target", new Value.Int(container[0] + i, targetSpan))
                .put("published", new Value.Int(published, host == null ? at : pubSpan))
                .put("publishedRange", publishedText == null ? null : new Value.Str(publishedText, pubSpan))
                .put("hostIP", hostIp)
                .put("protocol", new Value.Str(proto, protocolSpan));
            port.entries.putAll(extra.entries);
            out.add(port.build(at));
        }
    }

    /** {@code 80} or {@code 8000-8010}; null, with a warning, when it is not a port or range. */
    private int[] range(String text, Span at) {
        String t = text.strip();
        int dash = t.indexOf('-', 1);
        try {
            int start = portNumber(dash < 0 ? t : t.substring(0, dash));
            int end = dash < 0 ? start : portNumber(t.substring(dash + 1));
            if (start < 0 || end > 65535 || end < start) throw new NumberFormatException();
            return new int[] {start, end};
        } catch (NumberFormatException e) {
            diagnostics.add(Diagnostic.warning("I3051", "'" + text + "' is not a port or port range (0-65535)", at));
            return null;
        }
    }

    /**
     * A port number as Compose parses it (Go's strconv): ASCII digits only. Integer.parseInt also takes a '+' and
     * other scripts' digits ("٨٠" would be port 80).
     */
    private static int portNumber(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new NumberFormatException(text);
        }
        return Integer.parseInt(text);
    }

    private Value.ListV containerPorts(List<Value> mappings, Value.ListV expose) {
        List<Value> ports = new ArrayList<>();
        for (Value v : mappings) {
            Value.MapV m = (Value.MapV) v;
            Value proto = m.get("protocol");
            ports.add(new Obj().put("containerPort", m.get("target")).put("hostPort", m.get("published"))
                .put("hostIP", present(m.get("hostIP")))
                .put("protocol", new Value.Str(Values.display(proto).toUpperCase(Locale.ROOT), proto.span()))
                .put("name", present(m.get("name"))).build(m.span()));
        }
        for (Value e : expose.items()) {
            String text = Values.display(e);
            String proto = "TCP";
            int slash = text.indexOf('/');
            if (slash >= 0) {
                proto = text.substring(slash + 1).toUpperCase(Locale.ROOT);
                text = text.substring(0, slash);
            }
            int dash = text.indexOf('-');
            try {
                int start = portNumber(dash < 0 ? text : text.substring(0, dash));
                int end = dash < 0 ? start : portNumber(text.substring(dash + 1));
                if (start < 0 || end > 65535 || end < start) throw new NumberFormatException();
                if (end - start + 1 > MAX_PORTS_PER_ENTRY) {
                    diagnostics.add(Diagnostic.warning("I3053", "expose range of " + (end - start + 1) + " ports; only the first "
                        + MAX_PORTS_PER_ENTRY + " are in the model", e.span()));
                }
                for (int p = start; p <= end && p - start < MAX_PORTS_PER_ENTRY; p++) {
                    ports.add(new Obj().put("containerPort", new Value.Int(p, e.span()))
                        .put("protocol", new Value.Str(proto, e.span())).build(e.span()));
                }
            } catch (NumberFormatException notAPort) {
                diagnostics.add(Diagnostic.warning("I3051", "expose entry '" + Values.display(e) + "' is not a port or port range (0-65535)",
                    e.span()));
            }
        }
        return listOf(ports, Span.NONE);
    }

    // ---- volumes and mounts ----

    private void volume(Value item, List<Value> out) {
        if (item instanceof Value.Str s) {
            Optional<ComposeSyntax.ShortVolume> parsed = ComposeSyntax.shortVolume(s.value());
            if (parsed.isEmpty()) {
                diagnostics.add(Diagnostic.warning("I3055", "volume '" + s.value() + "' is not [SOURCE:]TARGET[:MODE]", s.span()));
                return;
            }
            ComposeSyntax.ShortVolume v = parsed.get();
            Span at = s.span();
            Obj o = new Obj().put("type", new Value.Str(v.bind() ? "bind" : "volume", at))
                .put("source", v.source().isEmpty() ? null : new Value.Str(v.source(), at));
            if (v.bind()) resolve(v.source(), at).ifPresent(p -> o.put("sourcePath", new Value.Str(p.toString(), at)));
            o.put("target", new Value.Str(v.target(), at)).put("readOnly", new Value.Bool(v.readOnly(), at))
                .put("mode", v.mode().isEmpty() ? null : new Value.Str(v.mode(), at));
            out.add(o.build(at));
        } else if (item instanceof Value.MapV m) {
            Value type = str(m.get("type"), "volumes.type");
            Value source = str(m.get("source"), "volumes.source");
            String sourceText = source instanceof Value.Str ss ? ss.value() : "";
            if (type == null) {
                diagnostics.add(Diagnostic.warning("I3056", "a volume in long syntax needs a type (bind, volume, tmpfs, ...)", m.span()));
                type = new Value.Str(ComposeSyntax.isHostPath(sourceText) ? "bind" : "volume", m.span());
            }
            Obj o = new Obj().put("type", type).put("source", source);
            if (Values.display(type).equals("bind") && source != null) {
                resolve(sourceText, source.span()).ifPresent(p -> o.put("sourcePath", new Value.Str(p.toString(), source.span())));
            }
            o.put("target", str(m.get("target"), "volumes.target")).put("readOnly", bool(m.get("read_only"), "volumes.read_only"));
            if (m.get("bind") instanceof Value.MapV b) {
                o.put("propagation", str(b.get("propagation"), "bind.propagation"))
                    .put("createHostPath", bool(b.get("create_host_path"), "bind.create_host_path"))
                    .put("selinux", str(b.get("selinux"), "bind.selinux"));
            }
            if (m.get("volume") instanceof Value.MapV v) o.put("nocopy", bool(v.get("nocopy"), "volume.nocopy"));
            if (m.get("tmpfs") instanceof Value.MapV t) o.put("tmpfsSize", present(t.get("size")));
            out.add(o.build(m.span()));
        } else {
            diagnostics.add(Diagnostic.warning("I3055", "a volume must be a string or a mapping, not a " + item.typeName(), item.span()));
        }
    }

    private static Value.ListV mounts(List<Value> volumes, Value.ListV tmpfs) {
        List<Value> mounts = new ArrayList<>();
        for (Value v : volumes) {
            Value.MapV m = (Value.MapV) v;
            String type = Values.display(m.get("type"));
            boolean hostPath = type.equals("bind") || type.equals("npipe");
            Value source = hostPath && m.entries().containsKey("sourcePath") ? m.get("sourcePath") : present(m.get("source"));
            mounts.add(new Obj().put("type", m.get("type")).put("source", source).put("target", present(m.get("target")))
                .put("readOnly", present(m.get("readOnly"))).put("hostPath", new Value.Bool(hostPath, m.get("type").span()))
                .build(m.span()));
        }
        for (Value t : tmpfs.items()) {
            String text = Values.display(t);
            int colon = text.indexOf(':');
            mounts.add(new Obj().put("type", new Value.Str("tmpfs", t.span()))
                .put("target", new Value.Str(colon < 0 ? text : text.substring(0, colon), t.span()))
                .put("hostPath", new Value.Bool(false, t.span())).build(t.span()));
        }
        return listOf(mounts, Span.NONE);
    }

    private Value.ListV devices(Value v) {
        List<Value> out = new ArrayList<>();
        for (Value item : asList(v).items()) {
            if (item instanceof Value.MapV m) {
                String source = ComposeSyntax.text(m.get("source"));
                if (source == null) {
                    // Without it the device read "null:/dev/x", as if a host device named "null" were mapped.
                    diagnostics.add(Diagnostic.warning("I3058", "a device in long syntax needs a source (the host device)", m.span()));
                    continue;
                }
                StringBuilder sb = new StringBuilder(source);
                String target = ComposeSyntax.text(m.get("target"));
                String permissions = ComposeSyntax.text(m.get("permissions"));
                if (target != null) sb.append(':').append(target);
                if (permissions != null) sb.append(':').append(permissions);
                out.add(new Value.Str(sb.toString(), m.span()));
            } else {
                Value s = str(item, "devices");
                if (s != null) out.add(s);
            }
        }
        return listOf(out, v.span());
    }

    /** The host side of each device mapping (a CDI name such as vendor.com/gpu=all is kept whole). */
    private static Value.ListV hostDevices(Value.ListV devices) {
        List<Value> out = new ArrayList<>();
        for (Value d : devices.items()) {
            String text = Values.display(d);
            int colon = text.indexOf(':');
            out.add(new Value.Str(text.contains("=") || colon < 0 ? text : text.substring(0, colon), d.span()));
        }
        return listOf(out, devices.span());
    }

    private Value.ListV grants(Value v, String what) {
        List<Value> out = new ArrayList<>();
        for (Value item : asList(v).items()) {
            if (item instanceof Value.MapV m) {
                out.add(new Obj().put("source", str(m.get("source"), what + ".source")).put("target", str(m.get("target"), what + ".target"))
                    .put("uid", str(m.get("uid"), what + ".uid")).put("gid", str(m.get("gid"), what + ".gid"))
                    .put("mode", integer(m.get("mode"), what + ".mode")).build(m.span()));
            } else {
                Value s = str(item, what);
                if (s != null) out.add(new Obj().put("source", s).build(s.span()));
            }
        }
        return listOf(out, v.span());
    }

    // ---- security ----

    private static Value isHost(Value mode) {
        if (!(mode instanceof Value.Str s)) return null;
        return new Value.Bool(s.value().equals("host"), s.span());
    }

    private static Value.ListV capabilities(Value.ListV caps) {
        List<Value> out = new ArrayList<>();
        for (Value c : caps.items()) {
            String name = Values.display(c).strip().toUpperCase(Locale.ROOT);
            if (name.startsWith("CAP_")) name = name.substring(4);
            out.add(new Value.Str(name, c.span()));
        }
        return listOf(out, caps.span());
    }

    /** user: {@code uid}, {@code uid:gid}, {@code root}: the numeric ids when the text shows them. */
    private static void userIds(Value.Str user, Obj c) {
        String text = user.value().strip();
        int colon = text.indexOf(':');
        String u = colon < 0 ? text : text.substring(0, colon);
        String g = colon < 0 ? null : text.substring(colon + 1);
        Long uid = numericId(u);
        if (uid != null) c.put("runAsUser", new Value.Int(uid, user.span()));
        Long gid = g == null ? null : numericId(g);
        if (gid != null) c.put("runAsGroup", new Value.Int(gid, user.span()));
    }

    private static Long numericId(String s) {
        if (s.equals("root")) return 0L; // root is uid and gid 0 on every Linux image
        // ASCII digits only: Character.isDigit (and Long.parseLong) also take other scripts' digits, but "٠" is a
        // user name to the runtime, not uid 0.
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) return null;
        return Long.parseLong(s);
    }

    /** no-new-privileges, seccomp, apparmor and label options, written with ':' or '='. */
    private static void securityOptions(Value.ListV options, Obj c) {
        Map<String, Value> selinux = new LinkedHashMap<>();
        Span selinuxSpan = Span.NONE;
        for (Value o : options.items()) {
            String text = Values.display(o).strip();
            int sep = indexOfAny(text, ":=");
            String key = (sep < 0 ? text : text.substring(0, sep)).toLowerCase(Locale.ROOT);
            String value = sep < 0 ? "" : text.substring(sep + 1);
            switch (key) {
                case "no-new-privileges" -> {
                    boolean on = value.isEmpty() || value.equalsIgnoreCase("true");
                    c.put("allowPrivilegeEscalation", new Value.Bool(!on, o.span()));
                }
                case "seccomp" -> c.put("seccompProfile", new Value.Str(value.equals("unconfined") ? "Unconfined" : value, o.span()));
                case "apparmor" -> c.put("appArmorProfile", new Value.Str(value.equals("unconfined") ? "Unconfined" : value, o.span()));
                case "label" -> {
                    int inner = value.indexOf(':');
                    String labelKey = inner < 0 ? value : value.substring(0, inner);
                    String labelValue = inner < 0 ? "true" : value.substring(inner + 1);
                    selinux.put(labelKey, new Value.Str(labelValue, o.span()));
                    selinuxSpan = selinuxSpan.isKnown() ? selinuxSpan : o.span();
                }
                default -> {
                    // Other options (systempaths=unconfined, ...) stay visible in securityOpts.
                }
            }
        }
        if (!selinux.isEmpty()) c.put("seLinuxOptions", new Value.MapV(selinux, Map.of(), selinuxSpan));
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) if (chars.indexOf(s.charAt(i)) >= 0) return i;
        return -1;
    }

    private static Value.ListV sysctlList(Value.MapV sysctls) {
        List<Value> out = new ArrayList<>();
        for (Map.Entry<String, Value> e : sysctls.entries().entrySet()) {
            Span at = sysctls.keySpan(e.getKey());
            out.add(new Obj().put("name", new Value.Str(e.getKey(), at)).put("value", present(e.getValue())).build(at));
        }
        return listOf(out, sysctls.span());
    }

    // ---- resources and healthcheck ----

    private Value.MapV resources(Value v, String what) {
        if (!(v instanceof Value.MapV m)) return null;
        return new Obj().put("cpus", scalar(m.get("cpus"), what + ".cpus")).put("memory", scalar(m.get("memory"), what + ".memory"))
            .put("pids", integer(m.get("pids"), what + ".pids")).put("devices", present(m.get("devices"))).build(m.span());
    }

    private Value healthcheck(Value v) {
        if (v instanceof Value.Null) return null;
        if (!(v instanceof Value.MapV m)) {
            diagnostics.add(Diagnostic.warning("I3057", "healthcheck must be a mapping, not a " + v.typeName(), v.span()));
            return null;
        }
        return new Obj().put("test", present(m.get("test"))).put("interval", str(m.get("interval"), "healthcheck.interval"))
            .put("timeout", str(m.get("timeout"), "healthcheck.timeout")).put("retries", integer(m.get("retries"), "healthcheck.retries"))
            .put("startPeriod", str(m.get("start_period"), "healthcheck.start_period"))
            .put("startInterval", str(m.get("start_interval"), "healthcheck.start_interval"))
            .put("disable", bool(m.get("disable"), "healthcheck.disable")).build(m.span());
    }

    // ---- top-level sections ----

    private Value.ListV section(String key, java.util.function.BiFunction<String, Value.MapV, Value> item) {
        List<Value> out = new ArrayList<>();
        if (root.get(key) instanceof Value.MapV m) {
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                Span keySpan = m.keySpan(e.getKey());
                Value.MapV def;
                if (e.getValue() instanceof Value.MapV d) {
                    def = d;
                } else if (e.getValue() instanceof Value.Null) {
                    def = new Value.MapV(Map.of(), Map.of(), keySpan);
                } else {
                    diagnostics.add(Diagnostic.warning("I3060", key + "." + e.getKey() + " must be a mapping, not a "
                        + e.getValue().typeName(), e.getValue().span()));
                    continue;
                }
                Obj o = new Obj().put("name", new Value.Str(e.getKey(), keySpan));
                Value body = item.apply(key, def);
                o.entries.putAll(((Value.MapV) body).entries());
                out.add(o.build(def.span().isKnown() ? def.span() : keySpan));
            }
        }
        return listOf(out, root.get(key).span());
    }

    private Value network(String section, Value.MapV d) {
        Obj o = external(d, section);
        return o.put("driver", str(d.get("driver"), section + ".driver")).put("driverOpts", strMap(d.get("driver_opts"), section + ".driver_opts"))
            .put("internal", bool(d.get("internal"), section + ".internal")).put("attachable", bool(d.get("attachable"), section + ".attachable"))
            .put("enableIpv6", bool(d.get("enable_ipv6"), section + ".enable_ipv6")).put("ipam", present(d.get("ipam")))
            .put("labels", strMap(d.get("labels"), section + ".labels")).build(d.span());
    }

    private Value volume(String section, Value.MapV d) {
        Obj o = external(d, section);
        return o.put("driver", str(d.get("driver"), section + ".driver")).put("driverOpts", strMap(d.get("driver_opts"), section + ".driver_opts"))
            .put("labels", strMap(d.get("labels"), section + ".labels")).build(d.span());
    }

    private Value fileObject(String section, Value.MapV d) {
        Obj o = external(d, section);
        Value file = str(d.get("file"), section + ".file");
        o.put("file", file);
        if (file instanceof Value.Str f) resolve(f.value(), f.span()).ifPresent(p -> o.put("filePath", new Value.Str(p.toString(), f.span())));
        return o.put("environment", str(d.get("environment"), section + ".environment"))
            .put("content", str(d.get("content"), section + ".content")).put("driver", str(d.get("driver"), section + ".driver"))
            .put("labels", strMap(d.get("labels"), section + ".labels")).build(d.span());
    }

    /** external: true, or the legacy {@code external: {name: x}}; and the name: property. */
    private Obj external(Value.MapV d, String section) {
        Obj o = new Obj();
        Value ext = d.get("external");
        Value name = str(d.get("name"), section + ".name");
        if (ext instanceof Value.MapV legacy) {
            o.put("external", new Value.Bool(true, ext.span()));
            if (name == null) name = str(legacy.get("name"), section + ".external.name");
        } else {
            o.put("external", bool(ext, section + ".external"));
        }
        return o.put("externalName", name);
    }

    // ---- typed access with diagnostics ----

    private Value.ListV names(Value v, String what) {
        if (v instanceof Value.MapV m) {
            List<Value> out = new ArrayList<>();
            for (String k : m.entries().keySet()) out.add(new Value.Str(k, m.keySpan(k)));
            return listOf(out, m.span());
        }
        return strList(v, what);
    }

    private Value.ListV extraHosts(Value v) {
        if (v instanceof Value.MapV m) {
            List<Value> out = new ArrayList<>();
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                out.add(new Value.Str(e.getKey() + "=" + Values.display(e.getValue()), m.keySpan(e.getKey())));
            }
            return listOf(out, m.span());
        }
        return strList(v, "extra_hosts");
    }

    private Value.ListV wordsList(Value v, String what) {
        if (v instanceof Value.Str s) {
            List<Value> out = new ArrayList<>();
            for (String w : ComposeSyntax.shellSplit(s.value())) out.add(new Value.Str(w, s.span()));
            return listOf(out, s.span());
        }
        if (v instanceof Value.Null) return null;
        return strList(v, what);
    }

    private Value str(Value v, String what) {
        if (v instanceof Value.Str) return v;
        if (v instanceof Value.Null) return null;
        if (v instanceof Value.Int || v instanceof Value.Float || v instanceof Value.Bool) return new Value.Str(Values.display(v), v.span());
        diagnostics.add(Diagnostic.warning("I3070", what + " must be a string, not a " + v.typeName(), v.span()));
        return null;
    }

    private Value scalar(Value v, String what) {
        if (v instanceof Value.Null) return null;
        if (v instanceof Value.Str || v instanceof Value.Int || v instanceof Value.Float) return v;
        diagnostics.add(Diagnostic.warning("I3070", what + " must be a number or a string, not a " + v.typeName(), v.span()));
        return null;
    }

    /** A boolean; an interpolated "true"/"false" string counts, as Compose converts it by its schema. */
    private Value bool(Value v, String what) {
        if (v instanceof Value.Bool) return v;
        if (v instanceof Value.Null) return null;
        if (v instanceof Value.Str s) {
            String t = s.value().strip().toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("false")) return new Value.Bool(t.equals("true"), s.span());
        }
        diagnostics.add(Diagnostic.warning("I3070", what + " must be true or false, not " + Values.literal(v), v.span()));
        return null;
    }

    private Value integer(Value v, String what) {
        if (v instanceof Value.Int) return v;
        if (v instanceof Value.Null) return null;
        if (v instanceof Value.Float f && f.value() == Math.rint(f.value())) return new Value.Int((long) f.value(), f.span());
        if (v instanceof Value.Str s) {
            try {
                return new Value.Int(Long.parseLong(s.value().strip()), s.span());
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        diagnostics.add(Diagnostic.warning("I3070", what + " must be an integer, not " + Values.literal(v), v.span()));
        return null;
    }

    /** A list of strings; a single string counts as a list of one (dns, tmpfs, env_file allow it). */
    private Value.ListV strList(Value v, String what) {
        if (v instanceof Value.Null) return listOf(List.of(), v.span());
        if (v instanceof Value.ListV l) {
            List<Value> out = new ArrayList<>();
            for (Value item : l.items()) {
                Value s = str(item, what);
                if (s != null) out.add(s);
            }
            return listOf(out, l.span());
        }
        Value s = str(v, what);
        return listOf(s == null ? List.of() : List.of(s), v.span());
    }

    /** A mapping of strings from a mapping or a {@code KEY=VALUE} list; a bare key has a null value. */
    private Value.MapV strMap(Value v, String what) {
        if (v instanceof Value.Null) return new Value.MapV(Map.of(), Map.of(), v.span());
        if (!(v instanceof Value.MapV || v instanceof Value.ListV)) {
            diagnostics.add(Diagnostic.warning("I3070", what + " must be a mapping or a list of KEY=VALUE, not a " + v.typeName(), v.span()));
            return new Value.MapV(Map.of(), Map.of(), v.span());
        }
        Value.MapV m = ComposeMerge.keyValueMap(v);
        Map<String, Value> out = new LinkedHashMap<>();
        for (Map.Entry<String, Value> e : m.entries().entrySet()) {
            Value s = e.getValue() instanceof Value.Null ? e.getValue() : str(e.getValue(), what + "." + e.getKey());
            out.put(e.getKey(), s == null ? new Value.Null(e.getValue().span()) : s);
        }
        return new Value.MapV(out, m.keySpans(), m.span());
    }

    private static Value present(Value v) {
        return v instanceof Value.Null ? null : v;
    }

    private static Value field(Value.MapV m, String key) {
        return m == null ? null : present(m.get(key));
    }

    private static Value first(Value a, Value b) {
        return a != null ? a : b;
    }

    private static Value.ListV asList(Value v) {
        if (v instanceof Value.ListV l) return l;
        if (v instanceof Value.Null) return new Value.ListV(List.of(), v.span());
        return new Value.ListV(List.of(v), v.span());
    }

    private static Value.ListV listOf(List<Value> items, Span span) {
        return new Value.ListV(items, span);
    }

    /**
     * A path written in a compose file, resolved against that file's base directory (known from the span's file:
     * its own folder, or the project_directory of the include that brought it in); {@code ~} is kept as written.
     * Empty when the text is not a valid path.
     */
    private Optional<Path> resolve(String written, Span at) {
        try {
            if (written.startsWith("~")) return Optional.of(Path.of(written));
            BaseDirectory base = directories.get(at.file());
            return Optional.of(base != null ? base.resolve(written) : Path.of("").toAbsolutePath().resolve(written).normalize());
        } catch (InvalidPathException e) {
            diagnostics.add(Diagnostic.warning("I3043", "'" + written + "' is not a valid path", at));
            return Optional.empty();
        }
    }

    /** A view object under construction; absent (Java null) fields are left out. */
    private static final class Obj {
        final Map<String, Value> entries = new LinkedHashMap<>();

        Obj put(String key, Value v) {
            if (v != null) entries.put(key, v);
            return this;
        }

        Value.MapV build(Span span) {
            return new Value.MapV(entries, Map.of(), span);
        }
    }
}
