package org.codomyrmex.policy.server;

import org.codomyrmex.policy.api.FindingHook;
import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.input.yaml.YamlLoader;
import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.model.Value;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the webhook enforces, read from the YAML file given with {@code --config} (see {@code docs/webhook.md}):
 *
 * <pre>
 * enforce: high                 # deny on findings at or above this severity; lower ones become warnings
 * audit: false                  # true: never deny; what would be denied is logged and annotated
 * exemptNamespaces: [kube-system]
 * exemptUsers: [system:serviceaccount:kube-system:replicaset-controller]
 * exemptGroups: []
 * disabledRules: [IMG-002]
 * severities: {ESC-002: medium}
 * parameters: {trusted_registries: [registry.example.com/]}
 * </pre>
 *
 * With a project config ({@link ServerOptions#policyConfig()}) too, these settings' {@code disabledRules},
 * {@code severities} and {@code parameters} win over the config's (see {@link PolicyStore}).
 *
 * @param enforce          findings at or above this severity deny a request
 * @param audit            never deny; report what would be denied
 * @param exemptNamespaces requests in these namespaces are allowed unchecked
 * @param exemptUsers      requests by these user names are allowed unchecked
 * @param exemptGroups     requests by members of these groups are allowed unchecked
 * @param disabledRules    rules whose findings are dropped
 * @param severities       severity overrides by rule id
 * @param parameters       values for the policies' {@code param} declarations
 */
public record WebhookSettings(Severity enforce, boolean audit, Set<String> exemptNamespaces, Set<String> exemptUsers,
                              Set<String> exemptGroups, Set<String> disabledRules, Map<String, Severity> severities,
                              Map<String, Value> parameters) {

    public WebhookSettings {
        exemptNamespaces = Set.copyOf(exemptNamespaces);
        exemptUsers = Set.copyOf(exemptUsers);
        exemptGroups = Set.copyOf(exemptGroups);
        disabledRules = Set.copyOf(disabledRules);
        severities = Map.copyOf(severities);
        parameters = Map.copyOf(parameters);
    }

    /** Deny at high and above, no exemptions, nothing disabled. */
    public static WebhookSettings defaults() {
        return new WebhookSettings(Severity.HIGH, false, Set.of(), Set.of(), Set.of(), Set.of(), Map.of(), Map.of());
    }

    /** The same settings in audit mode. */
    public WebhookSettings withAudit(boolean on) {
        return new WebhookSettings(enforce, on, exemptNamespaces, exemptUsers, exemptGroups, disabledRules, severities, parameters);
    }

    /** The engine hook that applies {@code disabledRules} and {@code severities}. */
    public FindingHook findingHook() {
        return FindingHook.disableRules(disabledRules).andThen(FindingHook.overrideSeverities(severities));
    }

    /** Settings read from a file, or the errors (located) that stop them being used. */
    public record Parsed(WebhookSettings settings, List<Diagnostic> diagnostics) {
        /** True when the settings can be used. */
        public boolean ok() {
            return diagnostics.stream().noneMatch(Diagnostic::isError);
        }
    }

    /** Reads settings from YAML text; unknown keys and wrong types are located errors. */
    public static Parsed parse(String name, String text) {
        YamlLoader.Result yaml = YamlLoader.load(new SourceFile(name, text), YamlLoader.Options.defaults(YamlLoader.Profile.CORE));
        List<Diagnostic> diagnostics = new ArrayList<>(yaml.diagnostics());
        WebhookSettings d = defaults();
        if (yaml.documents().isEmpty()) return new Parsed(d, diagnostics);
        if (!(yaml.documents().get(0) instanceof Value.MapV root)) {
            diagnostics.add(Diagnostic.error("W0001", "the webhook config must be a mapping", yaml.documents().get(0).span()));
            return new Parsed(d, diagnostics);
        }
        Severity enforce = d.enforce();
        boolean audit = false;
        Set<String> namespaces = Set.of(), users = Set.of(), groups = Set.of(), disabled = Set.of();
        Map<String, Severity> severities = new LinkedHashMap<>();
        Map<String, Value> parameters = new LinkedHashMap<>();
        for (Map.Entry<String, Value> e : root.entries().entrySet()) {
            Value v = e.getValue();
            Span at = root.keySpan(e.getKey());
            switch (e.getKey()) {
                case "enforce" -> enforce = severity(v, diagnostics, enforce);
                case "audit" -> {
                    if (v instanceof Value.Bool b) audit = b.value();
                    else diagnostics.add(Diagnostic.error("W0002", "audit takes true or false", v.span()));
                }
                case "exemptNamespaces" -> namespaces = strings(e.getKey(), v, diagnostics);
                case "exemptUsers" -> users = strings(e.getKey(), v, diagnostics);
                case "exemptGroups" -> groups = strings(e.getKey(), v, diagnostics);
                case "disabledRules" -> disabled = strings(e.getKey(), v, diagnostics);
                case "severities" -> {
                    if (v instanceof Value.MapV m) {
                        m.entries().forEach((rule, s) -> severities.put(rule, severity(s, diagnostics, Severity.INFO)));
                    } else {
                        diagnostics.add(Diagnostic.error("W0002", "severities takes a mapping of rule id to severity", v.span()));
                    }
                }
                case "parameters" -> {
                    if (v instanceof Value.MapV m) parameters.putAll(m.entries());
                    else diagnostics.add(Diagnostic.error("W0002", "parameters takes a mapping of name to value", v.span()));
                }
                default -> diagnostics.add(Diagnostic.error("W0003", "unknown webhook setting '" + e.getKey() + "'", at,
                    "known settings: enforce, audit, exemptNamespaces, exemptUsers, exemptGroups, disabledRules, severities, parameters"));
            }
        }
        return new Parsed(new WebhookSettings(enforce, audit, namespaces, users, groups, disabled, severities, parameters), diagnostics);
    }

    private static Severity severity(Value v, List<Diagnostic> diagnostics, Severity fallback) {
        if (v instanceof Value.Str s && Severity.parse(s.value()).isPresent()) return Severity.parse(s.value()).get();
        diagnostics.add(Diagnostic.error("W0002", "a severity is one of critical, high, medium, low, info", v.span()));
        return fallback;
    }

    private static Set<String> strings(String key, Value v, List<Diagnostic> diagnostics) {
        Set<String> out = new LinkedHashSet<>();
        if (!(v instanceof Value.ListV list)) {
            diagnostics.add(Diagnostic.error("W0002", key + " takes a list of strings", v.span()));
            return out;
        }
        for (Value item : list.items()) {
            if (item instanceof Value.Str s) out.add(s.value());
            else diagnostics.add(Diagnostic.error("W0002", key + " takes a list of strings", item.span()));
        }
        return out;
    }
}
