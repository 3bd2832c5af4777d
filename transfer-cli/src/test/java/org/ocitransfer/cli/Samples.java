// The committed sample OCI layout (examples/sample-layout) and digest helpers for tests.
package org.ocitransfer.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;

/** The repository's sample layout: samples/hello:1.0, samples/world:1.0 (sharing a layer), samples/multi:1.0. */
final class Samples {

    static final String HELLO = "samples/hello:1.0";
    static final String WORLD = "samples/world:1.0";
    static final String MULTI = "samples/multi:1.0";

    private Samples() {
    }

    /** The repository root: the first parent of the working directory holding examples/sample-layout. */
    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples/sample-layout"))) {
                return p;
            }
        }
        throw new IllegalStateException("No examples/sample-layout above " + Path.of("").toAbsolutePath()
                + ": run the tests from the repository");
    }

    /** A fresh copy of the sample layout at {@code target}. */
    static Path copyLayout(Path target) {
        copyTree(repositoryRoot().resolve("examples/sample-layout"), target);
        return target;
    }

    /** Copies a directory tree. */
    static void copyTree(Path source, Path target) {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy " + source + " to " + target, e);
        }
    }

    /** ref.name -> manifest digest of every named artifact in a layout. */
    static Map<String, String> digests(Path layout) {
        Map<String, String> digests = new TreeMap<>();
        for (OciLayoutRegistry.NamedManifest named : OciLayoutRegistry.open(layout).references()) {
            digests.put(named.refName(), named.descriptor().digest());
        }
        return digests;
    }
}
