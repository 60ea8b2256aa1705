package org.codomyrmex.policy.repl;

import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

import java.util.List;

/** JLine's side of {@link Completions}. */
final class ReplCompleter implements Completer {
    private final Completions completions;

    ReplCompleter(ReplSession session) {
        this.completions = new Completions(session);
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        try {
            for (Completions.Suggestion s : completions.at(line.line(), line.cursor())) {
                String descr = s.description().length() > 70 ? s.description().substring(0, 67) + "..." : s.description();
                candidates.add(new Candidate(s.value(), s.value(), s.group().isEmpty() ? null : s.group(),
                    descr.isEmpty() ? null : descr, null, null, s.complete()));
            }
        } catch (RuntimeException e) {
            // Completion is a convenience: a failure offers nothing rather than breaking the line being typed.
        }
    }
}
