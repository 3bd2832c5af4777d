package org.ocitransfer.core.trigger;

import java.util.Optional;
import java.util.function.Supplier;
import org.ocitransfer.api.PipelineIdentity;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunOperation;
import org.ocitransfer.api.RunTrigger;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.state.RecordConflictException;
import org.ocitransfer.core.state.RecordStore;

/**
 * The watcher's SPI: what the source trigger needs from its client beyond {@link TransferClient}:
 * the pipeline's container opened with the client's storage and secrets, a run's stored version, and a way to start a
 * triggered run only if its record is still at the version the trigger saw. The client
 * {@link org.ocitransfer.core.client.TransferClientBuilder#sourceTriggerWatcher} builds for a watcher implements it;
 * applications use the watcher, not this; a client of another kind implements it to be watched.
 */
public interface SourceTriggerSupport extends TransferClient {

    /**
     * A run as stored.
     *
     * @param run         the run
     * @param etag        the version of its record, for {@link #startTriggeredRun}'s precondition
     * @param interrupted true when it was marked Failed because it never got to end (its process died, its client
     *                    was closed, or its watcher stopped): its blob has not been imported
     */
    record StoredRun(PipelineRun run, String etag, boolean interrupted) {
    }

    /** Opens a container with this client's storage factories and secrets; the caller closes it. */
    BlobStore openContainer(StorageContainer container);

    /**
     * Opens a pipeline's container as the pipeline's identity (see
     * {@link org.ocitransfer.core.blob.BlobStoreFactory#forIdentity}); the caller closes it. The default ignores the
     * identity: a client whose stores act as identities overrides it.
     *
     * @param identity the pipeline's identity; null: the default credential
     */
    default BlobStore openContainer(StorageContainer container, PipelineIdentity identity) {
        return openContainer(container);
    }

    /** The run's record, if there is one. */
    Optional<StoredRun> findRun(String name);

    /**
     * Starts an import run started by the source trigger: its record is created (Running, with the trigger's
     * timestamp) only if the stored record is still at {@code expectedEtag}, so of several replicas racing for the
     * same blob version only one starts it.
     *
     * @param expectedEtag {@link RecordStore#ABSENT} for a run that has no record yet, else the ETag from
     *                     {@link #findRun}
     * @param source       the pipeline's container, opened by {@link #openContainer} and holding the claim on the
     *                     blob: the run reads the archive (and, with DeleteSourceBlobOnSuccess, deletes it) through
     *                     it, so a store that needs the claim for a delete (an Azure lease) has it. Not closed by
     *                     the run.
     * @param stopReason   asked at each step of the run: once it returns a reason (the watcher is stopping), the run
     *                     stops there, Failed with that reason
     * @throws RecordConflictException when another writer changed the record first (nothing was started)
     */
    RunOperation startTriggeredRun(String name, PipelineRunRequest request, String forceUpdateTag, RunTrigger trigger,
                                   String expectedEtag, BlobStore source, Supplier<String> stopReason);

    /**
     * Marks an ended run Failed with {@code message} and as interrupted, so the trigger imports its blob again.
     * Does nothing when the run is still going or has no record.
     */
    void markInterrupted(String name, String message);
}
