// JUnit 5 extension that runs one Azurite for a test class and hands it to tests.
package org.ocitransfer.testkit.azure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;

/**
 * Starts a real {@link Azurite} before a test class's tests and stops it (its whole process tree) after them.
 * Register it on a static field, {@code @RegisterExtension static final AzuriteExtension AZURITE = new
 * AzuriteExtension();}, then use {@link #azurite()} or take an {@link Azurite} parameter. {@link #withOAuth()} runs
 * it over https with {@code --oauth basic} (see {@link #certificate()} and {@link EntraIdStandInCredential}).
 * Fails, naming {@value Azurite#INSTALL}, when Azurite is not installed.
 */
public final class AzuriteExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final boolean oauth;
    private Path workDir;
    private SelfSignedCertificate certificate;
    private Azurite azurite;

    /** Azurite over plain http. */
    public AzuriteExtension() {
        this(false);
    }

    private AzuriteExtension(boolean oauth) {
        this.oauth = oauth;
    }

    /** Azurite over https with a fresh test certificate and {@code --oauth basic}. */
    public static AzuriteExtension withOAuth() {
        return new AzuriteExtension(true);
    }

    /** The running instance. @throws IllegalStateException outside the test class's lifetime */
    public Azurite azurite() {
        if (azurite == null) {
            throw new IllegalStateException("Azurite is not running: register AzuriteExtension on a static field");
        }
        return azurite;
    }

    /** The https certificate ({@link #withOAuth()} only; null otherwise): sign test tokens with it. */
    public SelfSignedCertificate certificate() {
        return certificate;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        workDir = Files.createTempDirectory("azurite-");
        if (oauth) {
            certificate = SelfSignedCertificate.generate(workDir.resolve("tls"), "azurite-test");
            azurite = Azurite.startWithOAuth(workDir, certificate);
        } else {
            azurite = Azurite.start(workDir);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (azurite != null) {
            azurite.close();
            azurite = null;
        }
        if (workDir != null) {
            try (Stream<Path> paths = Files.walk(workDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException("Could not remove Azurite's work directory " + workDir, e);
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Azurite.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return azurite();
    }
}
