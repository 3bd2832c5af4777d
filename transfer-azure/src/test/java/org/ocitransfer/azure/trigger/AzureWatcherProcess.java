// A source trigger watcher on Azure storage in a process of its own, for the test that kills one mid-import.
package org.ocitransfer.azure.trigger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.azure.blob.AzureBlobStoreFactory;
import org.ocitransfer.azure.state.AzureBlobRecordStore;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.layout.OciLayoutRegistry;
import org.ocitransfer.core.secret.SecretStores;
import org.ocitransfer.core.trigger.SourceTriggerWatcher;

/**
 * Watches pipeline {@value AzureTriggerFixture#PIPELINE} with records in an Azure container; its first push into the
 * target writes the marker file and then hangs, so the test knows it holds the blob's lease and a Running run when
 * it kills the process. Exits by itself after two minutes should the test be gone.
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
        OciLayoutRegistry target = OciLayoutRegistry.open(Path.of(args[2]));
        Path marker = Path.of(args[3]);
        new TransferClientBuilder().recordStore(records).blobStoreFactory(new AzureBlobStoreFactory())
                .registry(target.location(), hanging(target, marker)).sourceTriggerWatcher(AzureTriggerFixture.PIPELINE)
                .pollInterval(Duration.ofSeconds(1)).claimDuration(Duration.ofSeconds(15)).build().start();
        Thread.sleep(Duration.ofMinutes(2).toMillis());
        System.exit(3);
    }

    /** The target, but a push writes the marker and hangs. */
    private static Registry hanging(OciLayoutRegistry target, Path marker) {
        return new Registry() {
            @Override
            public Repository repository(String name) {
                Repository repository = target.repository(name);
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
                        try {
                            Files.writeString(marker, expected.digest());
                            Thread.sleep(Duration.ofMinutes(2).toMillis());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("interrupted while hanging", e);
                        }
                    }

                    @Override
                    public void tag(Descriptor manifest, String tag) {
                        repository.tag(manifest, tag);
                    }
                };
            }

            @Override
            public String location() {
                return target.location();
            }
        };
    }
}
