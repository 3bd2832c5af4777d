// Removes SAS signatures from text and exception chains before they reach a message, a log line or a cause.
package org.ocitransfer.azure.internal.blob;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scrubs SAS signatures ({@code sig=...}) and known secret values out of text, and makes scrubbed copies of
 * exception chains (see {@link ScrubbedException}) so an SDK exception can be kept as a cause without carrying a
 * URL with its SAS.
 */
public final class Redaction {

    /** What a scrubbed value is replaced with. */
    public static final String REDACTED = "REDACTED";

    private static final Pattern SIG = Pattern.compile("(?i)(sig(?:=|%3D))[^&\\s\"'<>]+");

    private final List<String> secrets;

    private Redaction(List<String> secrets) {
        this.secrets = secrets;
    }

    /** A redaction of {@code sig=} values only. */
    public static Redaction signaturesOnly() {
        return new Redaction(List.of());
    }

    /**
     * A redaction of {@code sig=} values and of the given secret values (each also in its URL-decoded form).
     *
     * @param secretValues whole SAS tokens, signatures, passwords (nulls and short values are ignored)
     */
    public static Redaction of(String... secretValues) {
        List<String> all = new ArrayList<>();
        for (String value : secretValues) {
            if (value == null || value.length() < 8) {
                continue;
            }
            all.add(value);
            String decoded = URLDecoder.decode(value, StandardCharsets.UTF_8);
            if (!decoded.equals(value)) {
                all.add(decoded);
            }
        }
        // Longest first, so a whole token is replaced before a part of it.
        all.sort((a, b) -> Integer.compare(b.length(), a.length()));
        return new Redaction(List.copyOf(all));
    }

    /** A redaction of both this one's secrets and {@code other}'s. */
    public Redaction with(Redaction other) {
        List<String> all = new ArrayList<>(secrets);
        all.addAll(other.secrets);
        all.sort((a, b) -> Integer.compare(b.length(), a.length()));
        return new Redaction(List.copyOf(all));
    }

    /** The text with every signature and secret value replaced by {@value #REDACTED}; null stays null. */
    public String scrub(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, REDACTED);
        }
        return SIG.matcher(result).replaceAll("$1" + Matcher.quoteReplacement(REDACTED));
    }

    /**
     * A copy of {@code error}'s chain in which every message is scrubbed, keeping class names and stack traces:
     * safe to chain as a cause.
     */
    public ScrubbedException scrubbedCopy(Throwable error) {
        return copy(error, 0);
    }

    private ScrubbedException copy(Throwable error, int depth) {
        ScrubbedException cause = error.getCause() != null && error.getCause() != error && depth < 16
                ? copy(error.getCause(), depth + 1) : null;
        ScrubbedException copy = new ScrubbedException(error.getClass().getName(), scrub(error.getMessage()), cause);
        copy.setStackTrace(error.getStackTrace());
        return copy;
    }
}
