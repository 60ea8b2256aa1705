package org.codomyrmex.policy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.codomyrmex.policy.api.PolicyEngine;
import org.codomyrmex.policy.config.PolicyConfig;
import org.codomyrmex.policy.diag.Suggestions;
import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.RuleInfo;
import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.model.Threat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code policy rules}: what the loaded policies check. */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "List the rules: id, severity, threat, formats, title.",
    footerHeading = "%nExamples:%n",
    footer = {"  policy rules", "  policy rules --threat secret-exposure --format json", "  policy rules --input compose --severity high",
        "  policy rules --tag pss-baseline", "  policy explain ESC-001               everything about one rule"})
final class RulesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", description = "text (default) or json.")
    String format = "text";

    @Option(names = "--threat", paramLabel = "THREAT", description = "Only rules of this threat.",
        converter = Options.ThreatConverter.class)
    Threat threat;

    @Option(names = "--severity", paramLabel = "SEVERITY", converter = Options.SeverityConverter.class,
        description = "Only rules at or above this severity.")
    Severity severity;

    @Option(names = "--input", paramLabel = "KIND", converter = Options.KindConverter.class, description = "Only rules that apply to this input kind.")
    InputKind input;

    @Option(names = "--tag", paramLabel = "TAG", description = "Only rules with this tag.")
    String tag;

    @Option(names = "--enabled", description = "Only the rules the config leaves on.")
    boolean enabledOnly;

    @CommandLine.Mixin
    PolicySetOptions policySet = new PolicySetOptions();

    @Override
    public Integer call() throws Exception {
        Optional<PolicyEngine> built = policySet.build(spec.commandLine().getErr());
        if (built.isEmpty()) return 2;
        PolicyEngine engine = built.get();
        PolicyConfig config = policySet.config();
        List<RuleInfo> rules = new ArrayList<>(engine.rules().stream()
            .filter(r -> !enabledOnly || config.enabled(r))
            .filter(r -> threat == null || r.threat() == threat)
            .filter(r -> severity == null || config.severityOf(r.id(), r.severity()).atLeast(severity))
            .filter(r -> input == null || r.formats().contains(input))
            .filter(r -> tag == null || r.tags().contains(tag))
            .toList());
        rules.sort(Comparator.comparing(RuleInfo::id));
        java.util.Set<String> tags = new java.util.TreeSet<>();
        engine.rules().forEach(r -> tags.addAll(r.tags()));
        if (tag != null && !tags.contains(tag)) {
            // Tags are whatever the loaded policies declare, so an unknown one is not an error; but a typo must
            // not read as "no rule matches".
            spec.commandLine().getErr().println("policy: no loaded rule has the tag '" + tag + "'; "
                + Suggestions.closest(tag, tags).map(c -> "did you mean '" + c + "'? ").orElse("")
                + "the tags are: " + String.join(", ", tags));
        }
        if (format.equals("json")) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = mapper.createObjectNode();
            ArrayNode list = root.putArray("rules");
            for (RuleInfo r : rules) {
                ObjectNode o = list.addObject();
                o.put("id", r.id());
                o.put("title", r.title());
                Severity effective = config.severityOf(r.id(), r.severity());
                o.put("severity", effective.id());
                if (effective != r.severity()) o.put("declaredSeverity", r.severity().id());
                o.put("enabled", config.enabled(r));
                o.put("enforcement", config.enforcementOf(r.id()).id());
                o.put("threat", r.threat().id());
                ArrayNode formats = o.putArray("formats");
                for (InputKind k : InputKind.values()) if (r.formats().contains(k)) formats.add(k.id());
                if (!r.resourceKinds().isEmpty()) r.resourceKinds().forEach(o.putArray("resourceKinds")::add);
                r.references().forEach(o.putArray("references")::add);
                r.tags().forEach(o.putArray("tags")::add);
                o.put("remediation", r.remediation());
                o.put("description", r.description());
            }
            root.put("count", rules.size());
            spec.commandLine().getOut().println(mapper.writeValueAsString(root));
        } else if (format.equals("text")) {
            for (RuleInfo r : rules) {
                List<String> formats = new ArrayList<>();
                for (InputKind k : InputKind.values()) if (r.formats().contains(k)) formats.add(k.id());
                spec.commandLine().getOut().printf("%-14s %-8s %-19s %-32s %s%s%n", r.id(), config.severityOf(r.id(), r.severity()).id(),
                    r.threat().id(), String.join(",", formats), r.title(), config.enabled(r) ? "" : "  (off in the config)");
            }
        } else {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown format '" + format + "'; use text or json");
        }
        return 0;
    }
}
