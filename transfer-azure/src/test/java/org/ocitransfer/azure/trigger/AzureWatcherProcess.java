// A source trigger watcher on Azure storage in a process of its own, for the test that kills one mid-import.
package org.ocitransfer.azure.trigger;

import java.net.URI;
import java.nio.file.Path;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.azure.state.AzureBlobRecordStore;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.core.secret.SecretStores;
import org.ocitransfer.testkit.trigger.HangingWatcher;

/**
 * The kit's {@link HangingWatcher} on Azure: records in an Azure container, archives read through the Azure blob
 * store, 15 s leases as claims.
 *
 * <p>Arguments: the record container URI, its secret URI ({@code file:}), the target OCI layout directory, the
 * marker file.
 */
public final class AzureWatcherProcess {

    private AzureWatcherProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        AzureBlobRecordStore records = AzureBlobRecordStore.open(StorageContainer.of(URI.create(args[0]), args[1]),
                SecretStores.builtIn(), null);
        HangingWatcher.run(new TransferClientBuilder().recordStore(records)
                .blobStoreFactory(new AzureBlobStoreFactory()), OciLayoutRegistry.open(Path.of(args[2])),
                Path.of(args[3]), AzureTriggerFixture.CLAIM);
    }
}
