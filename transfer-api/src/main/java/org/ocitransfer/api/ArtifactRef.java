package org.ocitransfer.api;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A reference to an artifact in a registry: {@code [host[:port]/]repository[:tag][@sha256:<hex>]}, following the
 * OCI distribution grammar. A reference with neither tag nor digest means {@code :latest}.
 *
 * <p>Examples: {@code hello}, {@code team/app:1.0}, {@code localhost:5000/a/b@sha256:...}.
 *
 * @param registry   the registry host (with port), or {@code null} when the reference names none
 * @param repository the repository path: lowercase components separated by {@code /}
 * @param tag        the tag, or {@code null} when the reference is by digest only
 * @param digest     the digest ({@code sha256:<64 hex>}), or {@code null} when the reference is by tag
 */
public record ArtifactRef(String registry, String repository, String tag, String digest) {

    /** The tag a reference without tag or digest stands for. */
    public static final String DEFAULT_TAG = "latest";

    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final Pattern HOST = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?"
                    + "|\\[[0-9A-Fa-f:.]+\\](?::[0-9]+)?");
    private static final int MAX_NAME = 255;

    /** Validates the parts; see {@link #parse(String)} for the grammar. */
    public ArtifactRef {
        String shown = render(registry, repository, tag, digest);
        if (repository == null || repository.isEmpty()) {
            throw invalid(shown, "the repository name is empty");
        }
        if (registry != null && !HOST.matcher(registry).matches()) {
            throw invalid(shown, "the registry host '" + registry + "' is not a valid host[:port]");
        }
        for (String component : repository.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw invalid(shown, "repository path component '" + component
                        + "' must be lowercase letters and digits, separated inside by '.', '_', '__' or '-'");
            }
        }
        if (repository.length() > MAX_NAME) {
            throw invalid(shown, "the repository name is longer than " + MAX_NAME + " characters");
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw invalid(shown, "tag '" + tag + "' must match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
        }
        if (digest != null && !DIGEST.matcher(digest).matches()) {
            throw invalid(shown, "digest '" + digest + "' must be sha256: followed by 64 lowercase hex digits");
        }
        if (tag == null && digest == null) {
            tag = DEFAULT_TAG;
        }
    }

    /**
     * Parses {@code repo}, {@code repo:tag}, {@code repo@sha256:<hex>} or {@code repo:tag@sha256:<hex>}, optionally
     * preceded by a registry host. The first path component is taken as a host when it contains a {@code .} or a
     * {@code :}, or is {@code localhost}.
     *
     * @throws IllegalArgumentException naming the reference and the rule it breaks
     */
    public static ArtifactRef parse(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new IllegalArgumentException("Invalid artifact reference '" + reference + "': it is empty;"
                    + " write repo, repo:tag or repo@sha256:<64 hex>");
        }
        String rest = reference.trim();
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (digest.isEmpty()) {
                throw invalid(reference, "nothing follows '@'; a digest is sha256:<64 hex>");
            }
        }
        String registry = null;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost") || first.startsWith("[")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon >= 0 && colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (tag.isEmpty()) {
                throw invalid(reference, "nothing follows ':'; a tag matches [A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
            }
        }
        try {
            return new ArtifactRef(registry, rest, tag, digest);
        } catch (IllegalArgumentException e) {
            // Re-word the message with the reference exactly as the caller wrote it.
            String message = e.getMessage();
            int rule = message.indexOf("': ");
            throw invalid(reference, rule >= 0 ? message.substring(rule + 3) : message);
        }
    }

    /** This reference with another registry host (or none). */
    public ArtifactRef withRegistry(String host) {
        return new ArtifactRef(host, repository, tag, digest);
    }

    /** The tag or, for a digest-only reference, the digest: what a registry's manifest endpoint takes. */
    public String reference() {
        return digest != null ? digest : tag;
    }

    /** The tag, when the reference has one. */
    public Optional<String> tagOptional() {
        return Optional.ofNullable(tag);
    }

    /** The digest, when the reference has one. */
    public Optional<String> digestOptional() {
        return Optional.ofNullable(digest);
    }

    /** {@code repo:tag}, or {@code repo@digest} for a digest-only reference: the name used inside an archive. */
    public String shortName() {
        return tag != null ? repository + ":" + tag : repository + "@" + digest;
    }

    /** The full reference, as {@link #parse(String)} reads it. */
    @Override
    public String toString() {
        return render(registry, repository, tag, digest);
    }

    private static String render(String registry, String repository, String tag, String digest) {
        StringBuilder sb = new StringBuilder();
        if (registry != null) {
            sb.append(registry).append('/');
        }
        sb.append(Objects.toString(repository, ""));
        if (tag != null) {
            sb.append(':').append(tag);
        }
        if (digest != null) {
            sb.append('@').append(digest);
        }
        return sb.toString();
    }

    private static IllegalArgumentException invalid(String reference, String rule) {
        return new IllegalArgumentException("Invalid artifact reference '" + reference + "': " + rule);
    }
}
