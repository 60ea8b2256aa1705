package org.codomyrmex.policy.runtime.builtins;

import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.types.Type;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

import static org.codomyrmex.policy.runtime.builtins.Args.fn;
import static org.codomyrmex.policy.runtime.builtins.Args.p;
import static org.codomyrmex.policy.runtime.builtins.Args.str;

/**
 * Base64, as found in Kubernetes Secrets, docker config.json auths and environment variables. Decoding is
 * lenient the way people's data is: either alphabet (standard {@code +/} or URL-safe {@code -_}, not both),
 * padding optional, white space (line wrapping) ignored.
 */
final class EncodingBuiltins {
    static final String CATEGORY = "encoding";

    private EncodingBuiltins() {
    }

    static void register(Consumer<Builtin> add) {
        add.accept(fn(CATEGORY, "base64_decode", List.of(p("s", Type.STRING)), Type.STRING,
            "The text encoded in base64 (standard or URL-safe alphabet, padding optional, white space ignored). "
                + "Null when the string is not base64 or the decoded bytes are not UTF-8 text.",
            "base64_decode(\"cGFzc3dvcmQ=\") == \"password\" and base64_decode(\"cGFzc3dvcmQ\") == \"password\" "
                + "and base64_decode(\"not base64!\") == null",
            a -> {
                String s = str(a[0]);
                byte[] bytes = s == null ? null : decode(s);
                String text = bytes == null ? null : utf8(bytes);
                return text == null ? Values.NULL : Values.string(text);
            }));
        add.accept(fn(CATEGORY, "base64_encode", List.of(p("s", Type.STRING)), Type.STRING,
            "The string's UTF-8 bytes in standard base64 with padding.",
            "base64_encode(\"admin\") == \"YWRtaW4=\"",
            a -> {
                String s = str(a[0]);
                return s == null ? Values.NULL
                    : Values.string(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
            }));
        add.accept(fn(CATEGORY, "is_base64", List.of(p("s", Type.STRING)), Type.BOOL,
            "Whether the string is non-empty base64 that `base64_decode` would accept (whatever the decoded bytes "
                + "are). Short words made of letters are base64 too: combine with `entropy` or a length test.",
            "is_base64(\"c2VjcmV0\") and not is_base64(\"secret!\") and not is_base64(\"\")",
            a -> {
                String s = str(a[0]);
                if (s == null) return Values.NULL;
                byte[] bytes = decode(s);
                return Values.bool(bytes != null && bytes.length > 0);
            }));
    }

    /** The decoded bytes, or null when the text is not base64. */
    static byte[] decode(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        boolean standard = false, urlSafe = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
            standard |= c == '+' || c == '/';
            urlSafe |= c == '-' || c == '_';
            sb.append(c);
        }
        if (standard && urlSafe) return null;
        // Padding is optional, but when present it may only end the text and at most two characters long.
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == '=') end--;
        int padding = sb.length() - end;
        if (padding > 2 || end % 4 == 1 || (padding > 0 && (end + padding) % 4 != 0)) return null;
        String body = sb.substring(0, end);
        try {
            return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(body);
        } catch (IllegalArgumentException e) {
            return null; // a character outside the alphabet, or '=' inside the text
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
