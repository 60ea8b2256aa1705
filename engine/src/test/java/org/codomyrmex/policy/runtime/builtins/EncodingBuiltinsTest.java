package org.codomyrmex.policy.runtime.builtins;

import org.junit.jupiter.api.Test;

import static org.codomyrmex.policy.runtime.builtins.Calls.NULL;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertNull;
import static org.codomyrmex.policy.runtime.builtins.Calls.assertValue;
import static org.codomyrmex.policy.runtime.builtins.Calls.b;
import static org.codomyrmex.policy.runtime.builtins.Calls.call;
import static org.codomyrmex.policy.runtime.builtins.Calls.i;
import static org.codomyrmex.policy.runtime.builtins.Calls.s;

class EncodingBuiltinsTest {
    @Test
    void decodesBothAlphabetsWithOrWithoutPadding() {
        assertValue(s("password"), call("base64_decode", s("cGFzc3dvcmQ=")));
        assertValue(s("password"), call("base64_decode", s("cGFzc3dvcmQ")));
        assertValue(s("admin"), call("base64_decode", s("YWRtaW4=")));
        assertValue(s("??>"), call("base64_decode", s("Pz8+")));
        assertValue(s("??>"), call("base64_decode", s("Pz8-")));
        assertValue(s("???"), call("base64_decode", s("Pz8/")));
        assertValue(s("???"), call("base64_decode", s("Pz8_")));
        assertValue(s("user:secret-token-123"), call("base64_decode", s("dXNlcjpz\nZWNyZXQt\r\ndG9rZW4tMTIz")));
        assertValue(s("héllo"), call("base64_decode", s("aMOpbGxv")));
        assertValue(s(""), call("base64_decode", s("")));
    }

    @Test
    void refusesWhatIsNotBase64OrNotText() {
        for (String bad : new String[] {"not base64!", "a", "abcde", "YWRtaW4===", "YW=Rt", "Pz8+Pz8-", "YQ=",
            "cGFzc3dvcmQ=x"}) {
            assertNull(call("base64_decode", s(bad)));
        }
        assertNull(call("base64_decode", s("/w==")));  // the byte 0xFF is not UTF-8
        assertNull(call("base64_decode", i(1)));
        assertNull(call("base64_decode", NULL));
    }

    @Test
    void encodesUtf8WithPadding() {
        assertValue(s("YWRtaW4="), call("base64_encode", s("admin")));
        assertValue(s("aMOpbGxv"), call("base64_encode", s("héllo")));
        assertValue(s(""), call("base64_encode", s("")));
        assertValue(s("héllo"), call("base64_decode", call("base64_encode", s("héllo"))));
        assertNull(call("base64_encode", i(1)));
    }

    @Test
    void isBase64AcceptsWhatDecodeAcceptsWhateverTheBytes() {
        assertValue(b(true), call("is_base64", s("c2VjcmV0")));
        assertValue(b(true), call("is_base64", s("/w==")));
        assertValue(b(true), call("is_base64", s("abcd")));
        assertValue(b(false), call("is_base64", s("")));
        assertValue(b(false), call("is_base64", s("  \n")));
        assertValue(b(false), call("is_base64", s("secret!")));
        assertValue(b(false), call("is_base64", s("abcde")));
        assertNull(call("is_base64", NULL));
    }
}
