package org.codomyrmex.policy.runtime.builtins;

import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.testing.SchemaConformance;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Properties every builtin of the table must have: documented, runnable example, total, honest result type. */
class BuiltinRegistryTest {
    private static final BuiltinRegistry REGISTRY = BuiltinRegistry.standard();

    /** Keywords of the grammar: a builtin with one of these names could never be called. */
    private static final Set<String> KEYWORDS = Set.of("package", "import", "as", "const", "func", "rule", "test",
        "for", "let", "where", "if", "then", "else", "in", "any", "all", "none", "count", "and", "or", "not",
        "true", "false", "null");

    @Test
    void namesAreShortSnakeCaseAndCallable() {
        for (Builtin b : REGISTRY.all()) {
            assertTrue(b.name().matches("[a-z][a-z0-9]*(_[a-z0-9]+)*"), b.name());
            assertFalse(KEYWORDS.contains(b.name()), b.name() + " is a keyword");
        }
    }

    @Test
    void everyCategoryIsRegistered() {
        assertEquals(List.of("core", "strings", "conversion", "regex", "glob", "collections", "numbers", "quantities",
            "images", "ports", "time", "encoding", "kubernetes"), new ArrayList<>(REGISTRY.byCategory().keySet()));
        assertTrue(REGISTRY.lookup("len").isPresent());
        assertTrue(REGISTRY.lookup("string").isPresent());
    }

    @TestFactory
    Stream<DynamicTest> everyExampleIsTrue() {
        return REGISTRY.all().stream().map(b -> DynamicTest.dynamicTest(b.name() + ": " + b.example(), () -> {
            assertFalse(b.doc().isBlank(), "doc of " + b.name());
            ExampleEvaluator evaluator = new ExampleEvaluator(REGISTRY);
            Value result = evaluator.eval(b.example());
            assertTrue(evaluator.called.contains(b.name()), "example of " + b.name() + " does not call it");
            assertTrue(Values.isTrue(result), "example of " + b.name() + " is " + Values.literal(result));
        }));
    }

    /** Samples of every kind of value, including awkward ones, for the totality test. */
    static List<Value> samples() {
        return List.of(Values.NULL, Values.TRUE, Values.FALSE, Values.integer(0), Values.integer(-1),
            Values.integer(Long.MIN_VALUE), Values.integer(65536), Values.number(1.5), Values.number(Double.NaN),
            Values.number(Double.NEGATIVE_INFINITY), Values.number(-0.0), Values.EMPTY_STRING, Values.string("a"),
            Values.string("80/tcp"), Values.string("[("), Values.string("\uD83D\uDE00*"), Values.EMPTY_LIST,
            Values.list(List.of(Values.integer(1), Values.string("a"), Values.NULL)),
            Values.list(List.of(Values.integer(3), Values.number(2.5))), Values.EMPTY_MAP,
            Values.map(Map.of("a", Values.integer(1))), Values.map(Map.of("target", Values.string("x"))));
    }

    @TestFactory
    Stream<DynamicTest> everyBuiltinIsTotalAndKeepsToItsResultType() {
        List<Value> samples = samples();
        return REGISTRY.all().stream().map(b -> DynamicTest.dynamicTest(b.signature(), () -> {
            List<Integer> arities = b.variadic() ? List.of(b.minArity(), b.minArity() + 1, b.minArity() + 2)
                : List.of(b.minArity());
            for (int arity : arities) {
                int combinations = (int) Math.pow(samples.size(), arity);
                for (int c = 0; c < combinations; c++) {
                    Value[] args = new Value[arity];
                    int rest = c;
                    for (int k = 0; k < arity; k++) {
                        args[k] = samples.get(rest % samples.size());
                        rest /= samples.size();
                    }
                    Value result;
                    try {
                        result = b.impl().apply(args.clone());
                    } catch (RuntimeException e) {
                        throw new AssertionError(b.name() + describe(args) + " threw " + e, e);
                    }
                    assertNotNull(result, b.name() + describe(args) + " returned a Java null");
                    List<String> violations = SchemaConformance.violations(result, b.result(), b.name() + describe(args));
                    if (!violations.isEmpty()) fail(String.join("\n", violations));
                }
            }
        }));
    }

    private static String describe(Value[] args) {
        List<String> shown = new ArrayList<>();
        for (Value v : args) shown.add(Values.literal(v));
        return "(" + String.join(", ", shown) + ")";
    }

    @Test
    void markdownTableListsEveryBuiltinWithSignatureAndExample() {
        String md = BuiltinRegistry.markdownTable();
        for (Builtin b : REGISTRY.all()) {
            assertTrue(md.contains("| `" + b.name() + "` |"), b.name());
        }
        assertTrue(md.contains("## regex\n"));
        assertTrue(md.contains("`image(ref: string) -> ImageRef`"), md);
        assertTrue(md.contains("`merge(maps: map<any>...) -> map<any>`"), md);
        // Every row has exactly the four cells of the header (split also yields the empty text outside the pipes): no unescaped pipe inside a cell.
        for (String line : md.split("\n")) {
            if (!line.startsWith("| `")) continue;
            assertEquals(6, line.replace("\\|", "").split("\\|", -1).length, line);
        }
    }
}
