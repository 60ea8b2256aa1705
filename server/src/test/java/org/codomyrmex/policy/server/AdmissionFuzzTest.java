package org.codomyrmex.policy.server;

import com.fasterxml.jackson.databind.JsonNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AdmissionReview decoder on damaged and random bodies: it answers every body (400 for what is not an
 * AdmissionReview, 200 with a response otherwise), never throws, and when the webhook fails closed an object
 * that could not be checked is never allowed.
 */
class AdmissionFuzzTest {
    static final List<String> SEEDS = seeds();
    static final List<String> TOKENS = List.of("{", "}", "[", "]", ",", ":", "\"", "null", "true", "false", "-1", "1e999",
        "\"uid\":\"x\"", "\"operation\":\"CREATE\"", "\"operation\":\"DELETE\"", "\"subResource\":\"status\"", "\"dryRun\":true",
        "\"object\":", "\"object\":null", "\"object\":[]", "\"kind\":\"Pod\"", "\"namespace\":\"kube-system\"",
        "\"metadata\":{}", "\"metadata\":null", "\\u0000", "\\ud800", "\u0000", "\uFEFF", "[".repeat(2000), "{\"a\":".repeat(600));
    static final PolicyStore.Loaded LOADED = AdmissionTest.loaded(WebhookSettings.defaults());

    static List<String> seeds() {
        List<String> out = new ArrayList<>();
        for (String name : List.of("privileged-pod.json", "deployment-update.json", "compliant-pod.json")) {
            try {
                out.add(WebhookServerTest.fixture(name));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return out;
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> mutated = Combinators.combine(Arbitraries.of(SEEDS), Arbitraries.longs(), Arbitraries.of(1, 1, 2, 3, 6))
            .as((seed, random, edits) -> mutate(seed, new Random(random), edits));
        Arbitrary<String> soup = Arbitraries.oneOf(Arbitraries.of(TOKENS), Arbitraries.strings().ofMaxLength(4))
            .list().ofMaxSize(40).map(l -> String.join("", l));
        return Arbitraries.oneOf(mutated, mutated, soup);
    }

    static String mutate(String seed, Random r, int edits) {
        StringBuilder s = new StringBuilder(seed);
        for (int i = 0; i < edits && s.length() > 0; i++) {
            int at = r.nextInt(s.length());
            switch (r.nextInt(4)) {
                case 0 -> s.delete(at, Math.min(s.length(), at + 1 + r.nextInt(20)));
                case 1 -> s.insert(at, TOKENS.get(r.nextInt(TOKENS.size())));
                case 2 -> s.setCharAt(at, (char) r.nextInt(128));
                default -> s.setLength(at);
            }
        }
        return s.toString();
    }

    @Property
    void everyBodyGetsAnAnswer(@ForAll("bodies") String body) {
        Admission admission = new Admission(new Metrics(), line -> { }, false);
        Admission.Answer a = admission.review(body.getBytes(StandardCharsets.UTF_8), LOADED, AdmissionTest.DIRECT);
        assertTrue(a.status() == 200 || a.status() == 400, a.toString());
        if (a.status() == 200) {
            JsonNode response = a.body().get("response");
            assertTrue(response.has("uid") && response.has("allowed"), a.body().toString());
        }
    }

    /** Fail-closed: whatever the body, a check that fails or times out never yields allowed: true for a checked object. */
    @Property
    void failingChecksNeverAdmitWhenClosed(@ForAll("bodies") String body, @ForAll boolean timeout) {
        Admission.Checker broken = (engine, name, json) -> {
            if (timeout) throw new TimeoutException();
            throw new IllegalStateException("boom");
        };
        Admission.Answer a = new Admission(new Metrics(), line -> { }, false)
            .review(body.getBytes(StandardCharsets.UTF_8), LOADED, broken);
        Admission.Answer direct = new Admission(new Metrics(), line -> { }, false)
            .review(body.getBytes(StandardCharsets.UTF_8), LOADED, AdmissionTest.DIRECT);
        assertEquals(direct.status(), a.status());
        if (a.status() != 200) return;
        boolean allowed = a.body().at("/response/allowed").asBoolean();
        boolean checked = a.body().at("/response/status/message").asText().contains("could not be checked");
        // Allowed only when the request was not one that is checked at all (a delete, a status update, an exemption).
        if (allowed) assertFalse(checked, a.body().toString());
        if (!allowed) assertEquals(500, a.body().at("/response/status/code").asInt(), a.body().toString());
    }
}
