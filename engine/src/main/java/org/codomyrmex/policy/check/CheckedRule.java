package org.codomyrmex.policy.check;

import org.codomyrmex.policy.model.InputKind;
import org.codomyrmex.policy.model.Severity;
import org.codomyrmex.policy.model.Threat;
import org.codomyrmex.policy.syntax.Decl;

import java.util.List;
import java.util.Set;

/**
 * A rule that passed the checker: its metadata in typed form, the input kinds it applies to (those whose views
 * it type-checks against, narrowed by {@code on}), the resource kinds it is limited to, and its frame size.
 */
public record CheckedRule(Decl.Rule decl, String packageName, String file, Severity severity, Threat threat,
                          Set<InputKind> formats, List<String> resourceKinds, int frameSize) {
    public String id() {
        return decl.name();
    }
}
