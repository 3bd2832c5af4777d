// `transfer blob copy`: the step between an export and an import in another container.
package org.ocitransfer.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.ocitransfer.api.RunProgress;
import org.ocitransfer.api.StorageAccessMode;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.azure.copy.BlobCopier;
import org.ocitransfer.azure.copy.CopyResult;
import org.ocitransfer.core.blob.BlobAlreadyExistsException;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.BlobStoreFactory;
import org.ocitransfer.core.secret.SecretStore;
import org.ocitransfer.core.state.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Blob operations. */
@Command(name = "blob", mixinStandardHelpOptions = true, description = "Copy archive blobs between containers.",
        subcommands = {BlobCommand.Copy.class})
final class BlobCommand {

    static final String BLOB_FORMS = "a container URI plus /<blob name>: file:///path/dir/<blob>,"
            + " https://<account>.blob.core.windows.net/<container>/<blob> or"
            + " http://127.0.0.1:PORT/devstoreaccount1/<container>/<blob>";

    /** {@code blob copy}. */
    @Command(name = "copy", mixinStandardHelpOptions = true,
            description = {"Copy an archive blob to another container, verified (size, and the catalog digest in its"
                    + " metadata).", "Between two Azure containers the storage service copies it when it can reach"
                    + " the source; otherwise the bytes stream through this process.",
                    "A container without a secret URI is reached with an Entra ID identity (ManagedIdentity), except"
                            + " a local directory, which needs none."})
    static final class Copy implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--source", required = true, paramLabel = "BLOB-URI", description = "The blob to copy: "
                + BLOB_FORMS + ".")
        String source;

        @Option(names = "--target", required = true, paramLabel = "BLOB-URI", description = "Where to copy it.")
        String target;

        @Option(names = "--source-secret-uri", paramLabel = "URI",
                description = "Where the source container's SAS token is kept (Key Vault, env:NAME, file:/path).")
        String sourceSecret;

        @Option(names = "--target-secret-uri", paramLabel = "URI",
                description = "Where the target container's SAS token is kept.")
        String targetSecret;

        @Option(names = "--overwrite", description = "Replace an existing target blob (otherwise it is refused and"
                + " left untouched).")
        boolean overwrite;

        @Option(names = {"--quiet", "-q"}, description = "No progress output.")
        boolean quiet;

        @Override
        public Integer call() {
            TransferCommand root = (TransferCommand) spec.root().userObject();
            BlobRef from = BlobRef.parse(source, sourceSecret);
            BlobRef to = BlobRef.parse(target, targetSecret);
            SecretStore secrets = Backends.secrets();
            ProgressPrinter progress = new ProgressPrinter(root.io().err(), root.io().terminal(), quiet,
                    PipelineRunCommand.PLAIN_PROGRESS_INTERVAL);
            CopyResult result;
            try (BlobStore sourceStore = open(from.container(), secrets);
                 BlobStore targetStore = open(to.container(), secrets)) {
                result = BlobCopier.builder()
                        .progress((copied, total) -> progress.onProgress("copy", new RunProgress(copied, total, 0, 0)))
                        .build().copy(sourceStore, from.name(), targetStore, to.name(), overwrite);
            } catch (BlobAlreadyExistsException e) {
                throw new TransferException("Blob '" + to.name() + "' already exists in " + to.container().uri()
                        + " and was left untouched: pass --overwrite to replace it, or choose another target name", e);
            }
            progress.finish();
            if (root.output() == OutputFormat.json) {
                root.io().out().println(Json.pretty(result));
            } else {
                Table.fields(root.io().out(), List.of(
                        new String[] {"Source", result.sourceUri()},
                        new String[] {"Target", result.targetUri()},
                        new String[] {"Size", Formats.bytes(result.size()) + " (" + result.size() + " bytes)"},
                        new String[] {"Catalog digest", result.catalogDigest()},
                        new String[] {"Method", result.method().name()}));
            }
            return ExitCodes.OK;
        }

    }

    /** Opens a container with the first storage client that supports it. */
    static BlobStore open(StorageContainer container, SecretStore secrets) {
        for (BlobStoreFactory factory : Backends.blobStoreFactories()) {
            if (factory.supports(container)) {
                return factory.open(container, secrets);
            }
        }
        throw new IllegalArgumentException("No storage client opens container '" + container.uri() + "': use "
                + BLOB_FORMS);
    }

    /**
     * A blob URI split into its container and the blob's name.
     *
     * @param container the container, with its credential
     * @param name      the blob's name in it
     */
    record BlobRef(StorageContainer container, String name) {

        /**
         * Splits {@code file:///dir/name} at the last {@code /}; {@code https://acct.blob.../container/name} after
         * the container; path-style {@code http://host:port/account/container/name} after the account and container.
         */
        static BlobRef parse(String value, String secretUri) {
            URI uri = Arguments.uri(value, "blob URI", BLOB_FORMS);
            if (uri.getRawQuery() != null) {
                throw new IllegalArgumentException("A blob URI must not carry a query string (a SAS token there would"
                        + " be shown in clear): put the SAS in a secret and pass --source-secret-uri or"
                        + " --target-secret-uri");
            }
            boolean local = "file".equalsIgnoreCase(uri.getScheme());
            List<String> raw = segments(uri.getRawPath());
            List<String> decoded = segments(uri.getPath());
            int containerSegments = local ? raw.size() - 1 : (uri.getPort() != -1 ? 2 : 1);
            if (raw.size() != decoded.size() || containerSegments < (local ? 0 : 1)
                    || raw.size() <= containerSegments) {
                throw new IllegalArgumentException("The blob URI '" + value + "' names no blob: use " + BLOB_FORMS);
            }
            URI containerUri = URI.create(uri.getScheme() + "://" + (uri.getRawAuthority() == null ? ""
                    : uri.getRawAuthority()) + "/" + String.join("/", raw.subList(0, containerSegments)));
            String name = String.join("/", decoded.subList(containerSegments, decoded.size()));
            StorageAccessMode mode = secretUri != null || local ? StorageAccessMode.SasToken
                    : StorageAccessMode.ManagedIdentity;
            return new BlobRef(new StorageContainer(containerUri, secretUri, mode), name);
        }

        private static List<String> segments(String path) {
            List<String> segments = new ArrayList<>(Arrays.asList(path == null ? new String[0] : path.split("/")));
            segments.removeIf(String::isEmpty);
            return segments;
        }
    }

    private BlobCommand() {
    }
}
