package org.ocitransfer.core.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A repository whose registry writes many tags faster together (an OCI layout rewrites its whole index.json for a
 * tag set alone). While a batch is open, {@link Repository#tag} from any thread, on any repository of that registry,
 * is visible to {@link Repository#resolve} at once and written when the batch closes, all in one write.
 */
public interface TagBatchSupport {

    /** Opens a batch over this repository's registry. */
    TagBatch openTagBatch();

    /** An open batch of tags. */
    interface TagBatch extends AutoCloseable {

        /**
         * Writes every tag set since the batch opened.
         *
         * @throws RegistryException when they cannot be written (then none of them is)
         */
        @Override
        void close();
    }

    /**
     * Opens a batch on each of these repositories that supports batches; closing the result closes them all (and
     * throws the first failure). A registry without batches gets a batch that does nothing: its tags are written
     * one by one, as always.
     */
    static TagBatch open(Registry registry, Collection<String> repositories) {
        List<TagBatch> opened = new ArrayList<>();
        for (String name : new LinkedHashSet<>(repositories)) {
            if (registry.repository(name) instanceof TagBatchSupport batches) {
                opened.add(batches.openTagBatch());
            }
        }
        return () -> {
            RuntimeException first = null;
            for (TagBatch batch : opened) {
                try {
                    batch.close();
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        };
    }
}
