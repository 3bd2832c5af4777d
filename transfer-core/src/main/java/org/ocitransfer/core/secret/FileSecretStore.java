package org.ocitransfer.core.secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Secrets kept in files: {@code file:/path} (the whole file, surrounding whitespace removed). */
final class FileSecretStore implements SecretStore {

    @Override
    public boolean supports(String secretUri) {
        return secretUri != null && secretUri.startsWith("file:");
    }

    @Override
    public Secret get(String secretUri) {
        String rest = secretUri.substring("file:".length());
        while (rest.startsWith("//")) {
            rest = rest.substring(1);
        }
        Path path = Path.of(rest);
        try {
            String value = Files.readString(path, StandardCharsets.UTF_8).strip();
            if (value.isEmpty()) {
                throw new SecretException("Secret file " + path + " is empty: write the secret into it");
            }
            return new Secret(value);
        } catch (NoSuchFileException e) {
            throw new SecretException("Secret file " + path + " does not exist: create it, or fix the secret URI");
        } catch (IOException e) {
            throw new SecretException("Secret file " + path + " cannot be read (" + e.getClass().getSimpleName()
                    + "): check its permissions");
        }
    }
}
