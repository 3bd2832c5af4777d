// One poll of a source trigger: reads the pipeline, lists its container, offers each landed blob to TriggeredRuns.
package org.ocitransfer.core.trigger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineIdentity;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TriggerStatus;
import org.ocitransfer.core.blob.BlobItem;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.PartSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The polling of a {@link SourceTriggerWatcher}, and the pipeline's container it lists: each {@link #pollOnce} reads
 * the pipeline (nothing starts while its source trigger is Disabled), lists its container and offers every blob last
 * modified within the max age, oldest first, to {@link TriggeredRuns} under its run name (a part set once whole, as
 * its first part). The container stays open between polls; it is opened again (with a fresh secret) after a failed
 * listing or when the pipeline names another container or identity, the one given up closed once no import reads it.
 * Not thread-safe: the watcher polls and closes it under one lock. Logs under {@link SourceTriggerWatcher}'s category.
 */
final class ContainerPoll {

    private static final Logger LOG = LoggerFactory.getLogger(SourceTriggerWatcher.class);

    private final SourceTriggerSupport client;
    private final String pipelineName;
    private final Duration maxBlobAge;
    private final Clock clock;
    private final TriggeredRuns runs;
    /** The pipeline's container as last opened. */
    private BlobStore store;
    private StorageContainer storeContainer;
    private PipelineIdentity storeIdentity;
    /** Containers given up (after an error, or a changed pipeline) while imports still read them. */
    private final List<BlobStore> retired = new ArrayList<>();

    ContainerPoll(SourceTriggerSupport client, String pipelineName, Duration maxBlobAge, Clock clock,
                  TriggeredRuns runs) {
        this.client = client;
        this.pipelineName = pipelineName;
        this.maxBlobAge = maxBlobAge;
        this.clock = clock;
        this.runs = runs;
    }

    /** See {@link SourceTriggerWatcher#pollOnce()}. */
    List<String> pollOnce() {
        closeRetired(false);
        ImportPipeline pipeline = client.getImportPipeline(pipelineName);
        if (pipeline.sourceTrigger() == TriggerStatus.Disabled) {
            LOG.debug("Source trigger of import pipeline {} is Disabled: no runs start", pipelineName);
            return List.of();
        }
        BlobStore container = container(pipeline.source(), pipeline.identity());
        List<BlobItem> blobs;
        try {
            blobs = container.list();
        } catch (RuntimeException e) {
            forgetContainer();
            throw e;
        }
        Instant oldest = clock.instant().minus(maxBlobAge);
        List<BlobItem> candidates = blobs.stream()
                .filter(b -> b.lastModified() != null && !b.lastModified().isBefore(oldest))
                .sorted(Comparator.comparing(BlobItem::lastModified).thenComparing(BlobItem::name))
                .toList();
        Set<String> listed = new HashSet<>();
        List<String> started = new ArrayList<>();
        for (BlobItem blob : candidates) {
            String archive = PartSet.importedAs(blob, blobs).orElse(null);
            if (archive == null) {
                continue; // a later part, or a part set not whole yet: imported from its first part, once
            }
            String name = SourceTriggerWatcher.runName(pipeline.name(), blob);
            listed.add(name);
            if (runs.offer(pipeline, container, blob, archive, name)) {
                started.add(name);
            }
        }
        runs.retainSettled(listed);
        return started;
    }

    private BlobStore container(StorageContainer wanted, PipelineIdentity identity) {
        if (store != null && !(wanted.equals(storeContainer) && Objects.equals(identity, storeIdentity))) {
            forgetContainer();
        }
        if (store == null) {
            store = client.openContainer(wanted, identity);
            storeContainer = wanted;
            storeIdentity = identity;
        }
        return store;
    }

    /** Drops the open container (it is opened again, with a fresh secret, at the next poll). */
    private void forgetContainer() {
        if (store != null) {
            retired.add(store);
        }
        store = null;
        storeContainer = null;
        storeIdentity = null;
        closeRetired(false);
    }

    private void closeRetired(boolean all) {
        if (all || runs.inFlight() == 0) {
            retired.forEach(BlobStore::close);
            retired.clear();
        }
    }

    /** Closes the container and every one given up (the watcher closes; no import reads them any more). */
    void close() {
        if (store != null) {
            store.close();
            store = null;
        }
        closeRetired(true);
    }
}
