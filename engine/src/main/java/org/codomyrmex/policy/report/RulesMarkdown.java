package org.codomyrmex.policy.report;

import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.RuleInfo;
import org.codomyrmex.policy.model.Threat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The rules reference ({@code docs/rules.md}), generated from the rules' own metadata. */
public final class RulesMarkdown {
    private RulesMarkdown() {
    }

    public static String render(List<RuleInfo> rules) {
        List<RuleInfo> sorted = new ArrayList<>(rules);
        sorted.sort(Comparator.comparing(RuleInfo::id));
        StringBuilder sb = new StringBuilder("# Standard library rules\n\n");
        sb.append("Generated from the rules' metadata (`stdlib-policies/`); do not edit by hand. ")
            .append(sorted.size()).append(" rules.\n\n");
        Map<InputKind, Integer> perFormat = new EnumMap<>(InputKind.class);
        for (RuleInfo r : sorted) r.formats().forEach(k -> perFormat.merge(k, 1, Integer::sum));
        sb.append("| format | rules |\n| --- | --- |\n");
        for (InputKind k : InputKind.values()) sb.append("| ").append(k.id()).append(" | ").append(perFormat.getOrDefault(k, 0)).append(" |\n");
        for (Threat t : Threat.values()) {
            List<RuleInfo> of = sorted.stream().filter(r -> r.threat() == t).toList();
            if (of.isEmpty()) continue;
            sb.append("\n## ").append(t.title()).append(" (`").append(t.id()).append("`)\n\n");
            sb.append("| id | severity | formats | title |\n| --- | --- | --- | --- |\n");
            for (RuleInfo r : of) {
                sb.append("| [").append(r.id()).append("](#").append(r.id().toLowerCase(java.util.Locale.ROOT)).append(") | ")
                    .append(r.severity().id()).append(" | ").append(formats(r)).append(" | ").append(cell(r.title())).append(" |\n");
            }
            for (RuleInfo r : of) {
                sb.append("\n### ").append(r.id()).append("\n\n**").append(r.title()).append("** — ").append(r.severity().id())
                    .append(", ").append(formats(r)).append('\n');
                if (!r.description().isEmpty()) sb.append('\n').append(r.description()).append('\n');
                if (!r.remediation().isEmpty()) sb.append("\nRemediation: ").append(r.remediation()).append('\n');
                if (!r.references().isEmpty()) sb.append("\nReferences: ").append(String.join("; ", r.references())).append('\n');
            }
        }
        return sb.toString();
    }

    private static String formats(RuleInfo r) {
        List<String> out = new ArrayList<>();
        for (InputKind k : InputKind.values()) if (r.formats().contains(k)) out.add(k.id());
        String s = String.join(", ", out);
        return r.resourceKinds().isEmpty() ? s : s + " (" + String.join(", ", r.resourceKinds()) + ")";
    }

    private static String cell(String s) {
        return s.replace("|", "\\|");
    }
}
