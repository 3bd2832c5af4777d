// Wraps a registry factory to count what each run pushes: proof that a rerun reuses what reached the target.
package org.ocitransfer.testkit.faults;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryFactory;

/**
 * Opens registries through another factory and counts every successful push by digest ({@link HookedRegistry},
 * which hides the optional abilities, mount and referrers, of what it wraps: the fault tests do not use them).
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
        return HookedRegistry.afterPush(delegate.open(registryUri),
                pushed -> pushes.computeIfAbsent(pushed.digest(), d -> new AtomicInteger()).incrementAndGet());
    }
}
