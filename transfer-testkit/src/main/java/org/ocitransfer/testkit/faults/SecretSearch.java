// Searches what a run wrote (its output, every file of its work directory) for the secrets it was given.
package org.ocitransfer.testkit.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The secrets-do-not-leak check: name every secret a run handled (passwords with their basic auth headers, tokens,
 * signatures), search its output and files, and assert {@link #leaks()} is empty. A leak is reported by name with
 * the 300 characters before it (every secret in them masked), never with the secret itself.
 *
 * <pre>{@code
 * SecretSearch search = new SecretSearch().login("source", user, password).secret("sas", sas);
 * search.text("the child's output", output);
 * search.files(workDir);
 * assertThat(search.leaks()).isEmpty();
 * }</pre>
 */
public final class SecretSearch {

    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final List<String> leaks = new ArrayList<>();

    /** A secret to look for, named for the report. */
    public SecretSearch secret(String name, String secret) {
        secrets.put(name, secret);
        return this;
    }

    /** A password and the basic auth header ({@code base64(user:password)}) made of it. */
    public SecretSearch login(String name, String user, String password) {
        secret("password " + name, password);
        return secret("basic auth header " + name, Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    /** Searches {@code text}, named {@code where} in the report. */
    public SecretSearch text(String where, String text) {
        secrets.forEach((name, secret) -> {
            int at = text.indexOf(secret);
            if (at >= 0) {
                String before = text.substring(Math.max(0, at - 300), at);
                for (String other : secrets.values()) {
                    before = before.replace(other, "<secret>");
                }
                leaks.add(name + " in " + where + ", after: ..." + before);
            }
        });
        return this;
    }

    /** Searches every regular file under {@code dir} (bytes as ISO-8859-1, so binary files are searched too). */
    public SecretSearch files(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                text(dir.relativize(file).toString(), new String(Files.readAllBytes(file),
                        StandardCharsets.ISO_8859_1));
            }
        }
        return this;
    }

    /** Every leak found so far: the secret's name, where, and what came before it. */
    public List<String> leaks() {
        return List.copyOf(leaks);
    }
}
