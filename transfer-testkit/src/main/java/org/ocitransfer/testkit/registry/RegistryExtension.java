package org.ocitransfer.testkit.registry;

import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension giving a test class a running {@link DistributionRegistry}.
 *
 * <pre>{@code
 * class MyTest {
 *     @RegisterExtension
 *     static RegistryExtension registry = RegistryExtension.basic();
 *
 *     @Test
 *     void pushes(DistributionRegistry running) {   // or registry.registry()
 *         ... running.url(), running.username(), running.password() ...
 *     }
 * }
 * }</pre>
 *
 * <p>Registered on a static field, one registry serves the whole class (started before all tests, closed after
 * all, storage deleted); on an instance field, each test gets its own. Test methods and constructors may declare a
 * {@link DistributionRegistry} parameter (only one such extension per class then, else the parameter is
 * ambiguous).
 */
public final class RegistryExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {

    private final DistributionRegistry.Builder builder;
    private DistributionRegistry registry;
    private String ownerContextId;

    private RegistryExtension(DistributionRegistry.Builder builder) {
        this.builder = builder;
    }

    /** A registry without authentication. */
    public static RegistryExtension open() {
        return of(AuthMode.OPEN);
    }

    /** A registry with htpasswd basic authentication. */
    public static RegistryExtension basic() {
        return of(AuthMode.BASIC);
    }

    /** A registry with token authentication (the kit's {@link TokenServer}). */
    public static RegistryExtension token() {
        return of(AuthMode.TOKEN);
    }

    /** A registry in this mode. */
    public static RegistryExtension of(AuthMode mode) {
        return new RegistryExtension(DistributionRegistry.builder().auth(mode));
    }

    /** A registry with any settings of the builder, e.g. {@code b -> b.auth(TOKEN).relativeUrls(true)}. */
    public static RegistryExtension with(Consumer<DistributionRegistry.Builder> settings) {
        DistributionRegistry.Builder b = DistributionRegistry.builder();
        Objects.requireNonNull(settings, "settings").accept(b);
        return new RegistryExtension(b);
    }

    /**
     * The running registry.
     *
     * @throws IllegalStateException outside a test's lifecycle
     */
    public DistributionRegistry registry() {
        if (registry == null) {
            throw new IllegalStateException("The registry runs only while the test class runs: register the"
                    + " extension with @RegisterExtension and use it from tests or lifecycle methods");
        }
        return registry;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        startFor(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        startFor(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stopFor(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopFor(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == DistributionRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        if (registry == null) {
            // A constructor parameter of a per-method instance, resolved before beforeEach.
            startFor(extensionContext);
        }
        return registry();
    }

    private synchronized void startFor(ExtensionContext context) {
        if (registry == null) {
            registry = builder.start();
            ownerContextId = context.getUniqueId();
        }
    }

    private synchronized void stopFor(ExtensionContext context) {
        if (registry != null && context.getUniqueId().equals(ownerContextId)) {
            try {
                registry.close();
            } finally {
                registry = null;
                ownerContextId = null;
            }
        }
    }
}
