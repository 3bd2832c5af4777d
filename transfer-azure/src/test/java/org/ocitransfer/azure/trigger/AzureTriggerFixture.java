// Azure parts for source trigger tests: archives exported into a real Azurite container, records in another.
package org.ocitransfer.azure.trigger;

import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.LeaseStateType;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.azure.state.AzureBlobRecordStore;
import org.ocitransfer.core.secret.SecretStores;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.trigger.TriggerFixture;

/**
 * The kit's {@link TriggerFixture} on Azure: archives in an Azurite container (SAS from a {@code file:} secret, so
 * other processes can read it too), every client's records in a second Azurite container
 * ({@link AzureBlobRecordStore}), blob leases as claims (15 s, the shortest lease).
 */
final class AzureTriggerFixture extends TriggerFixture {

    /** How long the watchers claim (lease) a blob. */
    static final Duration CLAIM = Duration.ofSeconds(15);
    private static final AtomicInteger NAMES = new AtomicInteger();

    final Azurite azurite;
    final String archives;
    final StorageContainer archiveContainer;
    final StorageContainer stateContainer;

    AzureTriggerFixture(Azurite azurite, Path dir, Set<PipelineOption> importOptions) throws IOException {
        this(azurite, dir, NAMES.incrementAndGet(), importOptions);
    }

    private AzureTriggerFixture(Azurite azurite, Path dir, int n, Set<PipelineOption> importOptions)
            throws IOException {
        this(azurite, dir, "archives" + n, container(azurite, dir, "archives" + n),
                container(azurite, dir, "state" + n), importOptions);
    }

    private AzureTriggerFixture(Azurite azurite, Path dir, String archives, StorageContainer archiveContainer,
            StorageContainer stateContainer, Set<PipelineOption> importOptions) {
        super(dir, archiveContainer, () -> AzureBlobRecordStore.open(stateContainer, SecretStores.builtIn(), null),
                new AzureBlobStoreFactory(), CLAIM, importOptions);
        this.azurite = azurite;
        this.archives = archives;
        this.archiveContainer = archiveContainer;
        this.stateContainer = stateContainer;
    }

    private static StorageContainer container(Azurite azurite, Path dir, String name) throws IOException {
        URI uri = azurite.createContainer(name);
        Path sasFile = dir.resolve(name + ".sas");
        Files.writeString(sasFile, azurite.containerSas(name, "racwdl", OffsetDateTime.now().plusHours(2)));
        return StorageContainer.of(uri, "file:" + sasFile);
    }

    /** The archive blobs leased (claimed) now. */
    List<String> leased() {
        List<String> names = new ArrayList<>();
        for (BlobItem item : azurite.containerClient(archives).listBlobs()) {
            if (item.getProperties().getLeaseState() == LeaseStateType.LEASED) {
                names.add(item.getName());
            }
        }
        return names;
    }
}
