// The files a Distribution registry started by DistributionRegistry reads (config.yml, htpasswd), and their removal.
package org.ocitransfer.testkit.registry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import org.ocitransfer.testkit.tools.ExternalTool;

/** Writes a test registry's configuration and password file; deletes the directories the test registries leave. */
final class RegistryFiles {

    private RegistryFiles() {
    }

    /**
     * The registry's config.yml: filesystem storage under {@code dataDir} (deletes on, redirects and upload purging
     * off), the listen address, and the auth of {@code mode} (htpasswd at {@code htpasswd}; or the token server,
     * trusting {@code rootCert}).
     */
    static String config(Path dataDir, String host, String httpSecret, boolean relativeUrls, AuthMode mode,
                         Path htpasswd, TokenServer tokenServer, Path rootCert) {
        StringBuilder y = new StringBuilder();
        y.append("version: 0.1\n")
                .append("log:\n  level: warn\n  accesslog:\n    disabled: true\n")
                .append("storage:\n  filesystem:\n    rootdirectory: ").append(quote(dataDir.toString()))
                .append("\n  delete:\n    enabled: true\n  redirect:\n    disable: true\n")
                .append("  maintenance:\n    uploadpurging:\n      enabled: false\n")
                .append("http:\n  addr: ").append(quote(host)).append("\n  secret: ").append(quote(httpSecret))
                .append("\n  relativeurls: ").append(relativeUrls).append("\n");
        if (mode == AuthMode.BASIC) {
            y.append("auth:\n  htpasswd:\n    realm: ").append(quote("ocitransfer-test-registry"))
                    .append("\n    path: ").append(quote(htpasswd.toString())).append("\n");
        } else if (mode == AuthMode.TOKEN) {
            y.append("auth:\n  token:\n    realm: ").append(quote(tokenServer.realm()))
                    .append("\n    service: ").append(quote(tokenServer.service()))
                    .append("\n    issuer: ").append(quote(tokenServer.issuer()))
                    .append("\n    rootcertbundle: ")
                    .append(quote(rootCert.toString())).append("\n");
        }
        return y.toString();
    }

    /** Writes a bcrypt htpasswd entry for the user, made by {@code htpasswd} (the password given on its stdin). */
    static void writeHtpasswd(Path file, String username, String password) throws IOException {
        Path htpasswd = ExternalTool.require("htpasswd", DistributionRegistry.INSTALL_HTPASSWD);
        // -i reads the password from stdin, so it never shows in a process listing.
        Process p = new ProcessBuilder(htpasswd.toString(), "-niB", username).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(password.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!DistributionRegistry.waitFor(p, Duration.ofSeconds(30)) || p.exitValue() != 0
                || !out.startsWith(username + ":$2")) {
            throw new IllegalStateException("htpasswd could not make a bcrypt entry for user " + username
                    + " (exit " + (p.isAlive() ? "none" : p.exitValue()) + "); reinstall it with `"
                    + DistributionRegistry.INSTALL_HTPASSWD + "`");
        }
        Files.writeString(file, out + "\n", StandardCharsets.UTF_8);
    }

    /** Deletes a directory tree, best effort only for files that vanished meanwhile. */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete the test directory " + root, e);
        }
    }

    private static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
