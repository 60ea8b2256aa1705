package org.codomyrmex.policy.input.kubernetes;

/** Small adjustments that let the YAML parser read JSON exactly as a JSON parser would. */
final class JsonText {
    private JsonText() {
    }

    /**
     * The text with every tab outside a string replaced by a space. JSON allows tabs as white space anywhere;
     * the YAML parser refuses them where they could be indentation. One character for one keeps every line and
     * column unchanged, so spans stay exact.
     */
    static String untab(String text) {
        if (text.indexOf('\t') < 0) return text;
        StringBuilder sb = new StringBuilder(text);
        boolean inString = false;
        for (int i = 0; i < sb.length(); i++) {
            char c = sb.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '\t') {
                sb.setCharAt(i, ' ');
            }
        }
        return sb.toString();
    }
}
