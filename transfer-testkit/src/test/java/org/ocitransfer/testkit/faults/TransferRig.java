// The fault tests' rig: a client with short timeouts and fast retries, proxies in front of the registries, containers.
package org.ocitransfer.testkit.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;
import org.ocitransfer.core.registry.http.RetryPolicy;
import org.ocitransfer.core.registry.http.Timeouts;
import org.ocitransfer.testkit.assertions.SpecDocuments;

/**
 * One client (its own state directory) with export pipeline {@value #EXPORTER} (a source registry URL into
 * container {@code out/}) and import pipeline {@value #IMPORTER} (container {@code in/} into a target registry URL).
 * The HTTP client has short time limits and fast retries, so stalls and storms cost the tests little: connect 2 s,
 * request 2 s, read 1 s; 4 attempts, 100 ms doubling up to 2 s (a Retry-After of 1 s is honoured).
 */
final class TransferRig implements AutoCloseable {

    static final String EXPORTER = "faultexport";
    static final String IMPORTER = "faultimport";
    static final String BLOB = "bundle.tar";
    static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(1));
    static final RetryPolicy RETRY = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(2));

    final Path dir;
    final Path out;
    final Path in;
    final CountingRegistryFactory registries;
    final TransferClient client;

    /**
     * @param dir         the rig's directory (state, containers)
     * @param sourceUrl   the export pipeline's registry
     * @param targetUrl   the import pipeline's registry
     * @param credentials who signs in to both
     */
    TransferRig(Path dir, String sourceUrl, String targetUrl, CredentialProvider credentials,
                Set<PipelineOption> exportOptions, Set<PipelineOption> importOptions) {
        this.dir = dir;
        this.out = dir.resolve("out");
        this.in = dir.resolve("in");
        this.registries = new CountingRegistryFactory(factory(credentials));
        this.client = new TransferClientBuilder().stateDirectory(dir.resolve("state")).registryFactory(registries)
                .buildClient();
        try {
            Files.createDirectories(out);
            Files.createDirectories(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        client.createOrUpdateExportPipeline(new ExportPipeline(EXPORTER, sourceUrl, StorageContainer.of(out.toUri()),
                exportOptions));
        client.createOrUpdateImportPipeline(new ImportPipeline(IMPORTER, targetUrl, StorageContainer.of(in.toUri()),
                importOptions));
    }

    TransferRig(Path dir, String sourceUrl, String targetUrl) {
        this(dir, sourceUrl, targetUrl, CredentialProvider.ANONYMOUS, Set.of(), Set.of());
    }

    /** The HTTP registry factory the rig (and the child processes) use. */
    static HttpRegistryFactory factory(CredentialProvider credentials) {
        return new HttpRegistryFactory(b -> b.credentials(credentials).timeouts(TIMEOUTS).retry(RETRY));
    }

    /** Exports the artifacts into {@code out/bundle.tar}, to the run's end. */
    PipelineRun export(String run, List<String> artifacts, String forceUpdateTag) {
        return client.createOrUpdatePipelineRun(run, PipelineRunRequest.export(EXPORTER, BLOB, artifacts),
                forceUpdateTag);
    }

    /** Imports {@code in/bundle.tar}, to the run's end. */
    PipelineRun importArchive(String run, String forceUpdateTag) {
        return client.createOrUpdatePipelineRun(run, PipelineRunRequest.importBlob(IMPORTER, BLOB), forceUpdateTag);
    }

    /** Puts an archive into {@code in/} as {@code bundle.tar}. */
    void stage(Path archive) {
        try {
            Files.copy(archive, in.resolve(BLOB), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** No run of this client is left Running or Queued. */
    boolean noRunLeftGoing() {
        return client.listPipelineRuns().stream().allMatch(r -> r.status() != RunStatus.Running
                && r.status() != RunStatus.Queued);
    }

    /** sha256 of a file, streamed. */
    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            java.security.MessageDigest md = Digest.newSha256();
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
            return "sha256:" + java.util.HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the client, then checks that the archives exported into {@code out/} hold only spec-defined fields. */
    @Override
    public void close() {
        client.close();
        SpecDocuments.assertArchives(out);
    }
}
