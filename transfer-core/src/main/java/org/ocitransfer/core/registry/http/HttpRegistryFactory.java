// Opens HttpRegistry clients for https:// and http:// registry URIs named by pipelines.
package org.ocitransfer.core.registry.http;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import org.ocitransfer.core.registry.RegistryFactory;
import org.ocitransfer.core.registry.auth.ContainersAuthCredentials;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.registry.auth.DockerConfigCredentials;
import org.ocitransfer.core.registry.auth.EnvironmentCredentials;

/**
 * Opens {@link HttpRegistry} clients for {@code https://host[:port]} and {@code http://host:port}. By default the
 * credentials come from the environment ({@link EnvironmentCredentials}), then the docker config
 * ({@link DockerConfigCredentials}), then podman/skopeo's auth.json ({@link ContainersAuthCredentials}); a
 * configurer can change that and any other builder setting.
 */
public final class HttpRegistryFactory implements RegistryFactory {

    private final Consumer<HttpRegistry.Builder> configure;

    /** With the default credentials and settings. */
    public HttpRegistryFactory() {
        this(b -> {
        });
    }

    /**
     * With settings: the configurer gets each builder after its URI and the default credentials are set, for
     * example {@code b -> b.credentials(myProvider).retry(RetryPolicy.none())}.
     */
    public HttpRegistryFactory(Consumer<HttpRegistry.Builder> configure) {
        this.configure = Objects.requireNonNull(configure, "configure");
    }

    /**
     * The environment's credentials ({@code TRANSFER_REGISTRY_*}), then the docker config's (its credential helpers,
     * then its {@code auths}), then podman/skopeo's {@code auth.json}: the first that has one for the host gives it.
     */
    public static CredentialProvider defaultCredentials() {
        return EnvironmentCredentials.fromSystem().orElse(DockerConfigCredentials.load())
                .orElse(ContainersAuthCredentials.load());
    }

    @Override
    public boolean supports(String registryUri) {
        if (registryUri == null) {
            return false;
        }
        String lower = registryUri.trim().toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://");
    }

    @Override
    public HttpRegistry open(String registryUri) {
        if (!supports(registryUri)) {
            throw new IllegalArgumentException("The HTTP registry factory opens https:// and http:// URIs, not '"
                    + registryUri + "'");
        }
        HttpRegistry.Builder builder = HttpRegistry.builder().uri(registryUri).credentials(defaultCredentials());
        configure.accept(builder);
        return builder.build();
    }
}
