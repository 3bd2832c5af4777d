// Where `transfer archive inspect|verify` finds an archive: a local file, a blob URI, or a blob in a container.
package org.ocitransfer.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ocitransfer.api.ResourceNotFoundException;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.archive.OfflineArchive;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.secret.SecretStore;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The options naming one archive, shared by {@code archive inspect} and {@code archive verify}: a positional local
 * path or blob URI, or {@code --container URI -b NAME}, or {@code --pipeline NAME -b NAME} (the container of an
 * export or import pipeline, with its credential). Blob stores it opens stay open until {@link #close()}.
 */
final class ArchiveLocation implements AutoCloseable {

    static final String FORMS = "a local file, or a blob URI (" + BlobCommand.BLOB_FORMS + ")";

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE-OR-BLOB", description = "The archive: " + FORMS + ".")
    String archive;

    @Option(names = {"--container", "-c"}, paramLabel = "CONTAINER-URI", converter = Arguments.ContainerUri.class,
            description = "The container holding the archive (with -b): " + Arguments.CONTAINER_FORMS + ".")
    String container;

    @Option(names = {"--pipeline", "-p"}, paramLabel = "PIPELINE",
            description = "An export or import pipeline whose container holds the archive (with -b); its secret or"
                    + " managed identity is used.")
    String pipeline;

    @Option(names = {"--storage-blob", "-b"}, paramLabel = "BLOB", description = "The archive's blob name in the"
            + " container (with --container or --pipeline).")
    String blob;

    @Option(names = {"--secret-uri", "-s"}, paramLabel = "URI", description = "Where the container's SAS token is"
            + " kept (Key Vault, env:NAME, file:/path); without it an Azure container is reached with an Entra ID"
            + " identity.")
    String secretUri;

    private final List<BlobStore> stores = new ArrayList<>();
    private SecretStore secrets;

    /** Opens the archive the options name; a pipeline is looked up in the records. */
    OfflineArchive open(TransferCommand root) {
        int forms = (archive != null ? 1 : 0) + (container != null ? 1 : 0) + (pipeline != null ? 1 : 0);
        if (forms != 1) {
            throw new IllegalArgumentException("Name the archive once: " + FORMS + ", or --container URI -b NAME, or"
                    + " --pipeline NAME -b NAME");
        }
        if ((archive == null) != (blob != null)) {
            throw new IllegalArgumentException(blob == null ? "--container and --pipeline need -b (the blob name)"
                    : "-b goes with --container or --pipeline, not with " + archive);
        }
        if (archive != null) {
            return resolve(archive);
        }
        if (container != null) {
            return OfflineArchive.of(store(Arguments.container(container, secretUri, null)), blob);
        }
        if (secretUri != null) {
            throw new IllegalArgumentException("--secret-uri does not go with --pipeline: the pipeline's own secret"
                    + " or identity is used");
        }
        try (TransferClient client = root.newClient(CredentialProvider.ANONYMOUS)) {
            StorageContainer pipelineContainer;
            try {
                pipelineContainer = client.getExportPipeline(pipeline).target();
            } catch (ResourceNotFoundException e) {
                pipelineContainer = client.getImportPipeline(pipeline).source();
            }
            return OfflineArchive.of(store(pipelineContainer), blob);
        }
    }

    /** A local path or a blob URI (a {@code --base}, or the positional archive). */
    OfflineArchive resolve(String value) {
        if (!value.contains("://")) {
            return OfflineArchive.of(Path.of(value));
        }
        BlobCommand.BlobRef ref = BlobCommand.BlobRef.parse(value, secretUri);
        return OfflineArchive.of(store(ref.container()), ref.name());
    }

    private BlobStore store(StorageContainer c) {
        if (secrets == null) {
            secrets = Backends.secrets();
        }
        BlobStore store = BlobCommand.open(c, secrets);
        stores.add(store);
        return store;
    }

    @Override
    public void close() {
        stores.forEach(BlobStore::close);
    }
}
