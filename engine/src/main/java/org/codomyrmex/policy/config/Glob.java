package org.codomyrmex.policy.config;

import java.util.regex.Pattern;

/**
 * A path pattern as {@code .gitignore} writes them, used for config excludes and exception selectors too:
 * {@code *} and {@code ?} stay inside one path segment, {@code **} crosses segments, a pattern without a slash
 * (other than a trailing one) matches a name at any depth, a pattern with one is anchored at its base folder,
 * a trailing slash matches only a folder (and so everything under it), a backslash takes the next character as
 * itself, and brackets are read as {@link BracketExpression} says. Any text is a valid pattern.
 */
public final class Glob {
    private final String pattern;
    private final Pattern regex;
    private final boolean directoryOnly;
    private final boolean negated;

    private Glob(String pattern, Pattern regex, boolean directoryOnly, boolean negated) {
        this.pattern = pattern;
        this.regex = regex;
        this.directoryOnly = directoryOnly;
        this.negated = negated;
    }

    /**
     * One line of an exclude list of the config or the command line, as {@code .gitignore} reads it, a leading
     * {@code ./} read as {@link #path} reads it: a leading {@code !} takes back in what an earlier line left out
     * ({@code \!} is a literal {@code !}). See {@link #excluded}.
     */
    public static Glob line(String line) {
        String l = line.strip();
        if (!l.startsWith("!")) return path(line);
        Glob g = path(l.substring(1));
        return new Glob(line, g.regex, g.directoryOnly, true);
    }

    /**
     * As {@link #line(String)}, for lines relative to {@code base}: a line that spells out an absolute path inside
     * the base ({@code -x $PWD/vendor/}) is that path relative to it; read as anchored at the base it matched
     * nothing. A line like {@code /vendor/} that does not start with the base stays anchored there.
     */
    public static Glob line(String line, java.nio.file.Path base) {
        String l = line.strip();
        boolean negated = l.startsWith("!");
        String p = negated ? l.substring(1) : l;
        String prefix = base.toAbsolutePath().normalize().toString().replace('\\', '/');
        if (!prefix.endsWith("/")) prefix += "/";
        if (prefix.length() > 1 && p.replace('\\', '/').startsWith(prefix)) {
            Glob g = line((negated ? "!" : "") + "/" + p.substring(prefix.length()));
            return new Glob(line, g.regex, g.directoryOnly, g.negated);
        }
        return line(line);
    }

    /** Whether this is a {@code !pattern} line of an exclude list. */
    public boolean negated() {
        return negated;
    }

    /** Whether a list of {@link #line}s leaves a path out: the last line that matches it decides. */
    public static boolean excluded(java.util.List<Glob> lines, String relativePath, boolean isDirectory) {
        boolean out = false;
        for (Glob g : lines) {
            if (g.matches(relativePath, isDirectory)) out = !g.negated;
        }
        return out;
    }

    /** A pattern as a {@code .gitignore} line writes it. */
    public static Glob of(String pattern) {
        return compile(pattern, false);
    }

    /**
     * A pattern the user writes in the config or on the command line: as {@link #of}, and a leading {@code ./}
     * (as in {@code ./vendor/}) anchors it at the base instead of matching nothing.
     */
    public static Glob path(String pattern) {
        return compile(pattern, true);
    }

    private static Glob compile(String pattern, boolean relativeDots) {
        String p = pattern.strip();
        boolean dirOnly = p.endsWith("/");
        if (dirOnly) p = p.substring(0, p.length() - 1);
        boolean anchored = p.contains("/");
        if (p.startsWith("/")) p = p.substring(1);
        // In the config and on the command line ./vendor/ is vendor/ at the base: the paths matched have no ./
        // (git reads it as text no path has, so .gitignore lines keep that).
        while (relativeDots && p.startsWith("./")) p = p.substring(2);
        StringBuilder sb = new StringBuilder(anchored ? "" : "(?:.*/)?");
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '*' && i + 1 < p.length() && p.charAt(i + 1) == '*') {
                boolean slashAfter = i + 2 < p.length() && p.charAt(i + 2) == '/';
                sb.append(slashAfter ? "(?:.*/)?" : ".*");
                i += slashAfter ? 2 : 1;
            } else if (c == '*') {
                sb.append("[^/]*");
            } else if (c == '?') {
                sb.append("[^/]");
            } else if (c == '[') {
                int close = BracketExpression.translate(p, i, true, sb);
                if (close < 0) sb.append("\\[");
                else i = close;
            } else if (c == '\\' && i + 1 < p.length()) {
                // As in .gitignore: a backslash takes the next character as itself (\*, \#, \!).
                sb.append(Pattern.quote(String.valueOf(p.charAt(++i))));
            } else {
                sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return new Glob(pattern, Pattern.compile(sb.toString()), dirOnly, false);
    }

    /**
     * Whether a path (relative to the pattern's base, with forward slashes) matches, or lies under a folder that
     * matches. {@code isDirectory} says whether the path itself is a folder.
     */
    public boolean matches(String relativePath, boolean isDirectory) {
        String path = relativePath.replace('\\', '/');
        if (path.startsWith("./")) path = path.substring(2);
        if (!directoryOnly || isDirectory) {
            if (regex.matcher(path).matches()) return true;
        }
        // A folder that matches takes everything inside it along.
        int slash = path.lastIndexOf('/');
        while (slash > 0) {
            path = path.substring(0, slash);
            if (regex.matcher(path).matches()) return true;
            slash = path.lastIndexOf('/');
        }
        return false;
    }

    @Override
    public String toString() {
        return pattern;
    }
}
