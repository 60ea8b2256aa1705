package org.codomyrmex.policy.input.compose;

import org.codomyrmex.policy.diag.SourceFile;
import org.codomyrmex.policy.diag.Span;
import org.codomyrmex.policy.model.Value;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Where a compose file uses the merge tags {@code !reset} (drop the value the files before set) and
 * {@code !override} (replace it instead of merging). The shared YAML loader keeps no tags, so the file's nodes
 * are composed once more, only when its text mentions a tag, and the tagged nodes are known by their start.
 */
final class ComposeTags {
    private final Set<String> reset = new HashSet<>();
    private final Set<String> override = new HashSet<>();

    /** Records the tagged nodes of one file (already read without error by the YAML loader). */
    void scan(SourceFile source) {
        String text = source.text();
        if (!text.contains("!reset") && !text.contains("!override")) return;
        LoaderOptions lo = new LoaderOptions();
        lo.setAllowDuplicateKeys(true);
        lo.setMaxAliasesForCollections(100);
        lo.setProcessComments(false);
        Yaml yaml = new Yaml(new SafeConstructor(lo), new Representer(new DumperOptions()), new DumperOptions(), lo,
            new Resolver() {
                @Override
                protected void addImplicitResolvers() {
                    // Tags are all that is looked at here.
                }
            });
        try {
            for (Node root : yaml.composeAll(new StringReader(text))) walk(root, source.name());
        } catch (YAMLException | StackOverflowError e) {
            // The loader already reported this file's syntax errors; there is nothing more to find here.
        }
    }

    private void walk(Node root, String file) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (!seen.add(n)) continue;
            String tag = n.getTag().getValue();
            if (tag.equals("!reset")) reset.add(key(file, n.getStartMark()));
            if (tag.equals("!override")) override.add(key(file, n.getStartMark()));
            if (n instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) todo.push(t.getValueNode());
            } else if (n instanceof SequenceNode s) {
                for (Node child : s.getValue()) todo.push(child);
            }
        }
    }

    private static String key(String file, Mark m) {
        return file + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
    }

    private static String key(Span s) {
        return s.file() + ":" + s.line() + ":" + s.column();
    }

    boolean isReset(Value v) {
        return !reset.isEmpty() && reset.contains(key(v.span()));
    }

    boolean isOverride(Value v) {
        return !override.isEmpty() && override.contains(key(v.span()));
    }

    /** True for the loader's "tag is ignored" warning about a tag this class handles. */
    boolean handles(Span warningSpan) {
        String k = key(warningSpan);
        return reset.contains(k) || override.contains(k);
    }

    boolean any() {
        return !reset.isEmpty() || !override.isEmpty();
    }
}
