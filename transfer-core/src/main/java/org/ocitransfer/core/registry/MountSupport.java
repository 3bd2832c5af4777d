package org.ocitransfer.core.registry;

import org.ocitransfer.core.content.Descriptor;

/** A repository that can take a blob from another repository of the same registry without moving its bytes. */
public interface MountSupport {

    /**
     * Mounts the blob from {@code fromRepository}.
     *
     * @return true when the blob is now in this repository; false when the registry declined (push it instead)
     */
    boolean mount(Descriptor blob, String fromRepository);
}
