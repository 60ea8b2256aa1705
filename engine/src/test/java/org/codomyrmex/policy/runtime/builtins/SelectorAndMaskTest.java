package org.codomyrmex.policy.runtime.builtins;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.codomyrmex.policy.testing.Expressions.eval;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SelectorAndMaskTest {
    @ParameterizedTest(name = "{0} => {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "selects({}, {app: 'x'}) | true",
        "selects({}, null) | true",
        "selects({matchLabels: {app: 'web'}}, {app: 'web', tier: 'front'}) | true",
        "selects({matchLabels: {app: 'web'}}, {app: 'api'}) | false",
        "selects({matchLabels: {app: 'web'}}, null) | false",
        "selects({matchExpressions: [{key: 'tier', operator: 'In', values: ['front', 'back']}]}, {tier: 'back'}) | true",
        "selects({matchExpressions: [{key: 'tier', operator: 'NotIn', values: ['front']}]}, {tier: 'front'}) | false",
        "selects({matchExpressions: [{key: 'tier', operator: 'NotIn', values: ['front']}]}, {}) | true",
        "selects({matchExpressions: [{key: 'tier', operator: 'Exists'}]}, {tier: ''}) | true",
        "selects({matchExpressions: [{key: 'tier', operator: 'DoesNotExist'}]}, {tier: 'x'}) | false",
        "selects({matchExpressions: [{key: 'tier', operator: 'Bogus'}]}, {tier: 'x'}) | false",
        "selects('not a selector', {}) | null",
        "mask('AKIAIOSFODNN7EXAMPLE') | \"AKIA****************\"",
        "mask('hunter22') | \"hu******\"",
        "mask('abc') | \"***\"",
        "mask('') | \"\"",
        "mask(null) | null",
    })
    void evaluates(String source, String expected) {
        assertEquals(expected, org.codomyrmex.policy.model.Values.literal(eval(source)));
    }
}
