package org.ocitransfer.testkit.tools;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the real binaries tests start (docker-registry, skopeo, htpasswd, azurite-blob) and, when one is missing,
 * fails with the command that installs it.
 */
public final class ExternalTool {

    private ExternalTool() {
    }

    /** The binary on the PATH (or at an absolute path), if present and executable. */
    public static Optional<Path> find(String name) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The binary, or an {@link IllegalStateException} naming the install command.
     *
     * @param name           the binary, e.g. {@code docker-registry}
     * @param installCommand e.g. {@code apt-get install -y docker-registry}
     */
    public static Path require(String name, String installCommand) {
        return find(name).orElseThrow(() -> new IllegalStateException("The test needs the '" + name
                + "' binary, which is not on the PATH: install it with `" + installCommand
                + "` (the README's test command does this)"));
    }
}
