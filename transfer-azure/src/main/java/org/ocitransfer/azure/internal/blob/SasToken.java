// Reads a SAS token's fields and checks them against what a run needs, before any byte moves.
package org.ocitransfer.azure.internal.blob;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.ocitransfer.core.blob.StorageAccess;
import org.ocitransfer.core.secret.Secret;

/**
 * A shared access signature for a container: its non-secret fields ({@code sp}, {@code st}, {@code se},
 * {@code spr}, {@code sr}, {@code ss}, {@code srt}, {@code si}) can be shown; the token and its {@code sig} never
 * are ({@link #toString()} is redacted). Accepts the token with or without a leading {@code ?}, or a whole SAS URL.
 */
public final class SasToken {

    private final Secret token;
    private final Map<String, String> fields;

    private SasToken(String token, Map<String, String> fields) {
        this.token = new Secret(token);
        this.fields = fields;
    }

    /**
     * Parses a SAS token.
     *
     * @param value  the token, {@code ?}-prefixed token, or SAS URL
     * @param source where it was read from (a secret URI), for messages
     * @throws IllegalArgumentException when it holds no SAS (the message never shows the value)
     */
    public static SasToken parse(Secret value, String source) {
        String raw = value.reveal().strip();
        int q = raw.indexOf('?');
        if (q >= 0) {
            raw = raw.substring(q + 1);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq).toLowerCase(Locale.ROOT),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        if (!fields.containsKey("sig") || !fields.containsKey("sv")) {
            throw new IllegalArgumentException("The secret " + source + " does not hold a SAS token (no sv= and"
                    + " sig= fields): store the container's SAS token in it");
        }
        return new SasToken(raw, fields);
    }

    /** The token to hand to the storage client (without {@code ?}). Never log it. */
    public Secret token() {
        return token;
    }

    /** A redaction that removes this token and its signature from text. */
    public Redaction redaction() {
        String sig = token.reveal().replaceAll("(?i).*(?:^|&)sig=([^&]*).*", "$1");
        return Redaction.of(token.reveal(), sig);
    }

    /** A field's value ({@code sp}, {@code se}, ...), never {@code sig}. */
    public Optional<String> field(String name) {
        if (name.equalsIgnoreCase("sig")) {
            throw new IllegalArgumentException("The signature is secret");
        }
        return Optional.ofNullable(fields.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Whether it is an account SAS ({@code ss}/{@code srt}) rather than a service SAS ({@code sr}). */
    public boolean isAccountSas() {
        return fields.containsKey("ss") || fields.containsKey("srt");
    }

    /** When it expires ({@code se}), if stated. */
    public Optional<Instant> expiry() {
        return field("se").map(v -> time("se", v));
    }

    /** When it starts ({@code st}), if stated. */
    public Optional<Instant> start() {
        return field("st").map(v -> time("st", v));
    }

    /**
     * The problems that make this SAS unfit for {@code needs} at {@code now}, each naming what is wrong; empty when
     * fit.
     *
     * @param needs         the access the run needs
     * @param loopbackHost  whether the storage host is a loopback emulator (https-only is then not required)
     * @param now           the current time
     */
    public List<String> problems(Set<StorageAccess> needs, boolean loopbackHost, Instant now) {
        List<String> problems = new ArrayList<>();
        boolean policy = fields.containsKey("si");
        try {
            Optional<Instant> expiry = expiry();
            Optional<Instant> start = start();
            if (expiry.isEmpty() && !policy) {
                problems.add("it has no expiry (se)");
            }
            expiry.filter(e -> !e.isAfter(now)).ifPresent(e -> problems.add("it expired at " + e));
            start.filter(s -> s.isAfter(now)).ifPresent(s -> problems.add("it is not yet valid until " + s));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        String permissions = field("sp").orElse("");
        if (permissions.isEmpty() && !policy) {
            problems.add("it grants no permissions (sp)");
        } else if (!permissions.isEmpty()) {
            List<String> missing = letters(needs).chars().mapToObj(c -> String.valueOf((char) c))
                    .filter(letter -> permissions.indexOf(letter.charAt(0)) < 0)
                    .map(letter -> letter + " (" + word(letter) + ")").toList();
            if (!missing.isEmpty()) {
                problems.add("it lacks permission " + String.join(", ", missing) + " (it has sp=" + permissions
                        + "; this run needs " + letters(needs) + ")");
            }
        }
        if (isAccountSas()) {
            String services = field("ss").orElse("");
            String types = field("srt").orElse("");
            if (!services.contains("b")) {
                problems.add("it is an account SAS without the blob service (ss=" + services + ", needs b)");
            }
            if (needs.contains(StorageAccess.LIST) && !types.contains("c")) {
                problems.add("it is an account SAS without container-level access (srt=" + types
                        + ", listing needs c)");
            }
            if (needs.stream().anyMatch(n -> n != StorageAccess.LIST) && !types.contains("o")) {
                problems.add("it is an account SAS without object-level access (srt=" + types
                        + ", reading and writing blobs needs o)");
            }
        } else {
            String resource = field("sr").orElse("");
            if (resource.isEmpty()) {
                problems.add("it names no resource (neither sr for a container SAS nor ss/srt for an account SAS)");
            } else if (!resource.equals("c")) {
                problems.add("it is a service SAS for the wrong resource (sr=" + resource + ": "
                        + resourceWord(resource) + "), not for the container (sr=c)");
            }
        }
        String protocol = field("spr").orElse("https,http");
        if (!loopbackHost && !protocol.equals("https")) {
            problems.add("it is not https-only (spr=" + protocol + "; issue it with spr=https)");
        }
        return problems;
    }

    /** The SAS permission letters for a set of needs, in Azure's order (e.g. {@code racwl}). */
    public static String letters(Set<StorageAccess> needs) {
        return "racwdl".chars().mapToObj(c -> String.valueOf((char) c))
                .filter(l -> needs.stream().map(SasToken::letter).anyMatch(l::equals))
                .collect(Collectors.joining());
    }

    private static String letter(StorageAccess access) {
        return switch (access) {
            case READ -> "r";
            case ADD -> "a";
            case WRITE -> "w";
            case LIST -> "l";
            case DELETE -> "d";
        };
    }

    private static String word(String letter) {
        return switch (letter) {
            case "r" -> "read";
            case "a" -> "add";
            case "w" -> "write";
            case "l" -> "list";
            case "d" -> "delete";
            default -> letter;
        };
    }

    private static String resourceWord(String resource) {
        return switch (resource) {
            case "b" -> "a single blob";
            case "bs" -> "a blob snapshot";
            case "bv" -> "a blob version";
            case "d" -> "a directory";
            default -> "an unknown resource";
        };
    }

    private static Instant time(String field, String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notDateTime) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notDate) {
                throw new IllegalArgumentException("its " + field + " field '" + value + "' is not an ISO 8601 time");
            }
        }
    }

    /** Never shows the token: the fields that are not secret only. */
    @Override
    public String toString() {
        return "SasToken[" + fields.entrySet().stream().filter(e -> !e.getKey().equals("sig"))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")) + ", sig=REDACTED]";
    }
}
