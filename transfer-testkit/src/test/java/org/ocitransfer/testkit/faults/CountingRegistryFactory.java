// Wraps a registry factory to count what each run pushes: proof that a rerun reuses what reached the target.
package org.ocitransfer.testkit.faults;

import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryFactory;
import org.ocitransfer.core.registry.Repository;

/**
 * Opens registries through another factory and counts every successful {@link Repository#push} by digest. The
 * wrapper hides the optional abilities (mount, referrers) of what it wraps, which the fault tests do not use.
 */
final class CountingRegistryFactory implements RegistryFactory {

    private final RegistryFactory delegate;
    private final Map<String, AtomicInteger> pushes = new ConcurrentHashMap<>();

    CountingRegistryFactory(RegistryFactory delegate) {
        this.delegate = delegate;
    }

    /** Successful pushes since the last {@link #reset()}, all digests together. */
    int pushes() {
        return pushes.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Digests pushed since the last reset. */
    java.util.Set<String> pushed() {
        return Map.copyOf(pushes).keySet();
    }

    void reset() {
        pushes.clear();
    }

    @Override
    public boolean supports(String registryUri) {
        return delegate.supports(registryUri);
    }

    @Override
    public Registry open(String registryUri) {
        Registry registry = delegate.open(registryUri);
        return new Registry() {
            @Override
            public Repository repository(String name) {
                return new Counting(registry.repository(name));
            }

            @Override
            public String location() {
                return registry.location();
            }

            @Override
            public void close() {
                registry.close();
            }
        };
    }

    private final class Counting implements Repository {
        private final Repository repository;

        Counting(Repository repository) {
            this.repository = repository;
        }

        @Override
        public String name() {
            return repository.name();
        }

        @Override
        public String registryLocation() {
            return repository.registryLocation();
        }

        @Override
        public Descriptor resolve(String reference) {
            return repository.resolve(reference);
        }

        @Override
        public InputStream fetch(Descriptor descriptor) {
            return repository.fetch(descriptor);
        }

        @Override
        public boolean exists(Descriptor descriptor) {
            return repository.exists(descriptor);
        }

        @Override
        public void push(Descriptor expected, ContentSource content) {
            repository.push(expected, content);
            pushes.computeIfAbsent(expected.digest(), d -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void tag(Descriptor manifest, String tag) {
            repository.tag(manifest, tag);
        }

        @Override
        public byte[] fetchManifest(Descriptor descriptor) {
            return repository.fetchManifest(descriptor);
        }
    }
}
