package org.codomyrmex.policy.runtime.builtins;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import org.codomyrmex.policy.model.Value;
import org.codomyrmex.policy.model.Values;
import org.codomyrmex.policy.types.Schemas;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static org.codomyrmex.policy.runtime.builtins.Args.fn;
import static org.codomyrmex.policy.runtime.builtins.Args.p;
import static org.codomyrmex.policy.runtime.builtins.Args.str;

/**
 * Image references, read the way Docker reads them (the distribution reference grammar plus Docker's
 * normalization):
 * <pre>
 * reference  := name [ ":" tag ] [ "@" digest ]
 * name       := [domain "/"] path-component ("/" path-component)*     (at most 255 characters)
 * domain     := host [":" port]      host: DNS labels joined by ".", or an IPv6 address in brackets
 * path-component := [a-z0-9]+ ( ("." | "_" | "__" | "-"+) [a-z0-9]+ )*
 * tag        := [\w][\w.-]{0,127}
 * digest     := algorithm ":" hex    sha256 (64), sha384 (96) or sha512 (128) lower-case hex digits
 * </pre>
 * The first path component is the registry when it contains {@code .} or {@code :}, is {@code localhost}, or
 * has upper-case letters; otherwise the registry is {@code docker.io}, and a one-component path there gets
 * {@code library/} in front. {@code index.docker.io} is {@code docker.io}. The repository must be lower case.
 * A reference that is only 64 hex digits is refused, as Docker does (it would be an image ID).
 */
final class ImageBuiltins {
    static final String CATEGORY = "images";
    static final String DEFAULT_REGISTRY = "docker.io";

    private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String HOST = "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|\\[[a-fA-F0-9:]+\\])";
    private static final String DOMAIN = HOST + "(?::[0-9]+)?";
    private static final Pattern REFERENCE = Pattern.compile(
        "(" + DOMAIN + ")/(" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*)"
            + "(?::([\\w][\\w.-]{0,127}))?"
            + "(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?");
    private static final Pattern IMAGE_ID = Pattern.compile("[a-f0-9]{64}");
    private static final int MAX_NAME_LENGTH = 255;

    private ImageBuiltins() {
    }

    static void register(Consumer<Builtin> add) {
        add.accept(fn(CATEGORY, "image", List.of(p("ref", org.codomyrmex.policy.types.Type.STRING)),
            Schemas.standard().type("ImageRef").orElseThrow(),
            "The parts of an image reference with Docker's defaults: `registry`, `repository`, `path`, `tag`, "
                + "`digest`, `name`, `full`, `is_digest_pinned`, `is_latest`. `nginx` is registry docker.io, "
                + "repository library/nginx, tag latest. Null when the reference is not valid.",
            "image(\"nginx\").full == \"docker.io/library/nginx:latest\" and image(\"nginx\").is_latest "
                + "and image(\"localhost:5000/team/app:1.2\").registry == \"localhost:5000\" "
                + "and image(\"Nginx\") == null",
            a -> {
                String ref = str(a[0]);
                if (ref == null) return Values.NULL;
                return parsed(ref);
            }));
    }

    /** A container's reference is parsed by a dozen rules; the answer depends on the string alone (no spans). */
    private static final RecentAnswers<String, Value> PARSED = new RecentAnswers<>(512);

    private static Value parsed(String ref) {
        java.util.function.Function<String, Value> parse = r -> parse(r).map(ImageRef::toValue).orElse(Values.NULL);
        return ref.length() > 512 ? parse.apply(ref) : PARSED.answer(ref, parse);
    }

    /** A parsed, normalized reference. {@code tag} and {@code digest} are null when absent. */
    record ImageRef(String registry, String repository, String tag, String digest) {
        String name() {
            return registry + "/" + repository;
        }

        /** Docker's short form of the path: without library/ for official images on Docker Hub. */
        String path() {
            if (registry.equals(DEFAULT_REGISTRY) && repository.startsWith("library/")
                && repository.indexOf('/', "library/".length()) < 0) {
                return repository.substring("library/".length());
            }
            return repository;
        }

        String full() {
            return name() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
        }

        Value toValue() {
            Map<String, Value> m = new LinkedHashMap<>();
            m.put("registry", Values.string(registry));
            m.put("repository", Values.string(repository));
            m.put("path", Values.string(path()));
            m.put("tag", tag == null ? Values.NULL : Values.string(tag));
            m.put("digest", digest == null ? Values.NULL : Values.string(digest));
            m.put("name", Values.string(name()));
            m.put("full", Values.string(full()));
            m.put("is_digest_pinned", Values.bool(digest != null));
            m.put("is_latest", Values.bool(digest == null && "latest".equals(tag)));
            return Values.map(m);
        }
    }

    static Optional<ImageRef> parse(String ref) {
        if (ref.isEmpty() || IMAGE_ID.matches(ref)) return Optional.empty();
        String domain;
        String remainder;
        int slash = ref.indexOf('/');
        String first = slash < 0 ? "" : ref.substring(0, slash);
        if (slash < 0 || !(first.contains(".") || first.contains(":") || first.equals("localhost")
            || !first.toLowerCase(Locale.ROOT).equals(first))) {
            domain = DEFAULT_REGISTRY;
            remainder = ref;
        } else {
            domain = first;
            remainder = ref.substring(slash + 1);
        }
        if (domain.equals("index.docker.io")) domain = DEFAULT_REGISTRY;
        if (domain.equals(DEFAULT_REGISTRY) && remainder.indexOf('/') < 0) remainder = "library/" + remainder;
        // The repository must already be lower case: Docker refuses "Nginx" rather than guessing.
        int colon = remainder.indexOf(':');
        String repositoryPart = colon < 0 ? remainder : remainder.substring(0, colon);
        if (!repositoryPart.toLowerCase(Locale.ROOT).equals(repositoryPart)) return Optional.empty();

        Matcher m = REFERENCE.matcher(domain + "/" + remainder);
        if (!m.matches()) return Optional.empty();
        String repository = m.group(2);
        if (domain.length() + 1 + repository.length() > MAX_NAME_LENGTH) return Optional.empty();
        String tag = m.group(3);
        String digest = m.group(4);
        if (digest != null && !validDigest(digest)) return Optional.empty();
        if (tag == null && digest == null) tag = "latest";
        return Optional.of(new ImageRef(domain, repository, tag, digest));
    }

    /** Only the algorithms Docker can verify, with their exact lengths, in lower-case hex. */
    private static boolean validDigest(String digest) {
        int colon = digest.indexOf(':');
        String algorithm = digest.substring(0, colon);
        String hex = digest.substring(colon + 1);
        int expected = switch (algorithm) {
            case "sha256" -> 64;
            case "sha384" -> 96;
            case "sha512" -> 128;
            default -> -1;
        };
        return hex.length() == expected && hex.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
    }
}
