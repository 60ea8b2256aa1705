package org.codomyrmex.policy.report;

import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.model.Threat;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** Findings counted by threat (rows) and severity (columns), with totals; suppressed ones counted apart. */
public final class SummaryTable {
    private SummaryTable() {
    }

    public static String render(Results results) {
        Map<Threat, Map<Severity, Integer>> counts = new EnumMap<>(Threat.class);
        for (Threat t : Threat.values()) counts.put(t, new EnumMap<>(Severity.class));
        for (Results.Result r : results.active()) counts.get(r.finding().threat()).merge(r.finding().severity(), 1, Integer::sum);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-20s", "threat"));
        for (Severity s : Severity.values()) sb.append(String.format(Locale.ROOT, " %8s", s.id()));
        sb.append(String.format(Locale.ROOT, " %8s%n", "total"));
        Map<Severity, Integer> totals = new EnumMap<>(Severity.class);
        for (Threat t : Threat.values()) {
            sb.append(String.format(Locale.ROOT, "%-20s", t.id()));
            int row = 0;
            for (Severity s : Severity.values()) {
                int n = counts.get(t).getOrDefault(s, 0);
                row += n;
                totals.merge(s, n, Integer::sum);
                sb.append(String.format(Locale.ROOT, " %8d", n));
            }
            sb.append(String.format(Locale.ROOT, " %8d%n", row));
        }
        sb.append(String.format(Locale.ROOT, "%-20s", "total"));
        int all = 0;
        for (Severity s : Severity.values()) {
            all += totals.get(s);
            sb.append(String.format(Locale.ROOT, " %8d", totals.get(s)));
        }
        sb.append(String.format(Locale.ROOT, " %8d%n", all));
        sb.append(String.format(Locale.ROOT, "suppressed: %d, failing: %d, errors: %d, files: %d, documents: %d%n",
            results.suppressed().size(), results.results().stream().filter(Results.Result::failing).count(),
            results.report().errors().size(), results.report().filesScanned(), results.report().documentsChecked()));
        return sb.toString();
    }
}
