package org.codomyrmex.policy.report;

import org.codomyrmex.policy.diag.Diagnostic;
import org.codomyrmex.policy.model.Finding;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JUnit XML, for CI systems that show test reports: one test suite per file, one test case per finding (a
 * {@code failure} when it fails the run, {@code skipped} when suppressed, passing when it is advisory or below
 * {@code --fail-on}), and one {@code error} test case per input or policy error.
 */
public final class JunitReport {
    private JunitReport() {
    }

    public static String render(Results results) {
        Map<String, List<Results.Result>> byFile = new LinkedHashMap<>();
        for (Results.Result r : results.results()) byFile.computeIfAbsent(r.finding().location().file(), k -> new ArrayList<>()).add(r);
        Map<String, List<Diagnostic>> errorsByFile = new LinkedHashMap<>();
        for (Diagnostic d : results.report().errors()) errorsByFile.computeIfAbsent(d.span().file(), k -> new ArrayList<>()).add(d);
        for (String file : errorsByFile.keySet()) byFile.putIfAbsent(file, List.of());

        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeCharacters("\n");
            int failures = (int) results.results().stream().filter(Results.Result::failing).count();
            int errors = results.report().errors().size();
            w.writeStartElement("testsuites");
            w.writeAttribute("name", "policy check");
            w.writeAttribute("tests", Integer.toString(results.results().size() + errors));
            w.writeAttribute("failures", Integer.toString(failures));
            w.writeAttribute("errors", Integer.toString(errors));
            w.writeCharacters("\n");
            for (Map.Entry<String, List<Results.Result>> e : byFile.entrySet()) {
                String file = e.getKey().isEmpty() ? "(no file)" : e.getKey();
                List<Diagnostic> fileErrors = errorsByFile.getOrDefault(e.getKey(), List.of());
                w.writeCharacters("  ");
                w.writeStartElement("testsuite");
                w.writeAttribute("name", xml(file));
                w.writeAttribute("tests", Integer.toString(e.getValue().size() + fileErrors.size()));
                w.writeAttribute("failures", Long.toString(e.getValue().stream().filter(Results.Result::failing).count()));
                w.writeAttribute("errors", Integer.toString(fileErrors.size()));
                w.writeAttribute("skipped", Long.toString(e.getValue().stream().filter(Results.Result::suppressed).count()));
                w.writeCharacters("\n");
                for (Results.Result r : e.getValue()) testCase(w, file, r);
                for (Diagnostic d : fileErrors) {
                    w.writeCharacters("    ");
                    w.writeStartElement("testcase");
                    w.writeAttribute("classname", xml(file));
                    w.writeAttribute("name", xml(d.code() + " at " + d.span().line() + ":" + d.span().column()));
                    w.writeStartElement("error");
                    w.writeAttribute("type", xml(d.code()));
                    w.writeAttribute("message", xml(d.message()));
                    w.writeCharacters(xml(d.headline() + d.hint().map(h -> "\nhint: " + h).orElse("")));
                    w.writeEndElement();
                    w.writeEndElement();
                    w.writeCharacters("\n");
                }
                w.writeCharacters("  ");
                w.writeEndElement();
                w.writeCharacters("\n");
            }
            w.writeEndElement();
            w.writeCharacters("\n");
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("writing XML to a string cannot fail", e);
        }
        return text.toString();
    }

    private static void testCase(XMLStreamWriter w, String file, Results.Result r) throws XMLStreamException {
        Finding f = r.finding();
        w.writeCharacters("    ");
        w.writeStartElement("testcase");
        w.writeAttribute("classname", xml(file));
        w.writeAttribute("name", xml(f.ruleId() + " " + f.resource().display() + " at " + f.location().line() + ":" + f.location().column()));
        String detail = f.location() + " " + f.severity().id() + " " + f.ruleId() + " " + f.message()
            + " [" + f.resource().display() + "]" + (r.notes().isEmpty() ? "" : "\nnote: " + String.join("\nnote: ", r.notes()));
        if (r.suppressed()) {
            w.writeEmptyElement("skipped");
            w.writeAttribute("message", xml("suppressed by " + TextReport.describe(r.suppression().orElseThrow())));
        } else if (r.failing()) {
            w.writeStartElement("failure");
            w.writeAttribute("type", xml(f.ruleId()));
            w.writeAttribute("message", xml(f.severity().id() + ": " + f.message()));
            w.writeCharacters(xml(detail));
            w.writeEndElement();
        } else {
            w.writeStartElement("system-out");
            w.writeCharacters(xml(detail + " (" + r.enforcement().id() + ", does not fail the run)"));
            w.writeEndElement();
        }
        w.writeEndElement();
        w.writeCharacters("\n");
    }

    /**
     * The text with each character XML 1.0 does not allow (control characters but tab and line breaks, lone
     * surrogates, U+FFFE and U+FFFF) as U+FFFD: the writer escapes markup but passes these through, and one of
     * them quoted from an input made the whole report not well-formed.
     */
    static String xml(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int n = Character.charCount(c);
            boolean allowed = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || c >= 0x10000;
            if (!allowed && out == null) out = new StringBuilder(s.length()).append(s, 0, i);
            if (out != null) {
                if (allowed) out.appendCodePoint(c);
                else out.append('\uFFFD');
            }
            i += n;
        }
        return out == null ? s : out.toString();
    }
}
