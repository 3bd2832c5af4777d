// A registry that runs a test's hook around every push: to hold an import mid-way, hang it, or count what it sends.
package org.ocitransfer.testkit.faults;

import java.io.InputStream;
import java.util.function.Consumer;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.Repository;

/**
 * Wraps a real registry; every {@link Repository#push} through it runs {@code beforePush} first and
 * {@code afterPush} once the push succeeded. Everything else goes straight to the wrapped registry. The wrapper
 * hides the optional abilities (mount, referrers) of what it wraps.
 *
 * <pre>{@code
 * Registry held = HookedRegistry.beforePush(target, descriptor -> release.await());  // hold each push
 * Registry counted = HookedRegistry.afterPush(target, d -> pushes.add(d.digest()));  // count them
 * }</pre>
 */
public final class HookedRegistry implements Registry {

    private final Registry delegate;
    private final Consumer<Descriptor> beforePush;
    private final Consumer<Descriptor> afterPush;

    private HookedRegistry(Registry delegate, Consumer<Descriptor> beforePush, Consumer<Descriptor> afterPush) {
        this.delegate = delegate;
        this.beforePush = beforePush;
        this.afterPush = afterPush;
    }

    /** {@code delegate}, running {@code hook} before each push (a hook that throws fails the push). */
    public static HookedRegistry beforePush(Registry delegate, Consumer<Descriptor> hook) {
        return new HookedRegistry(delegate, hook, d -> { });
    }

    /** {@code delegate}, running {@code hook} after each push that succeeded. */
    public static HookedRegistry afterPush(Registry delegate, Consumer<Descriptor> hook) {
        return new HookedRegistry(delegate, d -> { }, hook);
    }

    @Override
    public Repository repository(String name) {
        return new Hooked(delegate.repository(name));
    }

    @Override
    public String location() {
        return delegate.location();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private final class Hooked implements Repository {
        private final Repository repository;

        Hooked(Repository repository) {
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
        public byte[] fetchManifest(Descriptor descriptor) {
            return repository.fetchManifest(descriptor);
        }

        @Override
        public boolean exists(Descriptor descriptor) {
            return repository.exists(descriptor);
        }

        @Override
        public void push(Descriptor expected, ContentSource content) {
            beforePush.accept(expected);
            repository.push(expected, content);
            afterPush.accept(expected);
        }

        @Override
        public void tag(Descriptor manifest, String tag) {
            repository.tag(manifest, tag);
        }
    }
}
