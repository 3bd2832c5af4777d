package org.ocitransfer.core.trigger;

import java.io.InputStream;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.Repository;

/**
 * A real registry (an OCI layout directory) with a hook run before every push, so a test can hold an import in the
 * middle: to stop a watcher, or kill its process, while it is importing.
 */
final class PausingRegistry implements Registry {

    /** What runs before each push. */
    @FunctionalInterface
    interface BeforePush {
        void beforePush(Descriptor descriptor);
    }

    private final Registry delegate;
    private final BeforePush hook;

    PausingRegistry(Registry delegate, BeforePush hook) {
        this.delegate = delegate;
        this.hook = hook;
    }

    @Override
    public Repository repository(String name) {
        Repository repository = delegate.repository(name);
        return new Repository() {
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
                hook.beforePush(expected);
                repository.push(expected, content);
            }

            @Override
            public void tag(Descriptor manifest, String tag) {
                repository.tag(manifest, tag);
            }
        };
    }

    @Override
    public String location() {
        return delegate.location();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
