package org.ocitransfer.core.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.blob.BlobStoreFactory;
import org.ocitransfer.core.internal.client.DefaultTransferClient;
import org.ocitransfer.core.blob.local.LocalDirectoryBlobStoreFactory;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryFactory;
import org.ocitransfer.core.registry.http.HttpRegistryFactory;
import org.ocitransfer.core.registry.layout.OciLayoutRegistryFactory;
import org.ocitransfer.core.internal.run.ExportRunner;
import org.ocitransfer.core.secret.SecretStore;
import org.ocitransfer.core.secret.SecretStores;
import org.ocitransfer.core.signing.CatalogSignerFactory;
import org.ocitransfer.core.state.LocalRecordStore;
import org.ocitransfer.core.state.RecordStore;
import org.ocitransfer.core.trigger.SourceTriggerWatcher;

/**
 * Builds a {@link TransferClient}. Built in: OCI distribution registries over HTTP ({@code https://host[:port]},
 * {@code http://host:port}; credentials from the environment, then the docker config), OCI layout registries
 * ({@code oci-layout:/path}), local directory containers ({@code file:///dir}), {@code env:} and {@code file:}
 * secrets, records in a state directory ({@code $TRANSFER_HOME}, else {@code ~/.transfer}). Add other credentials
 * (a configured {@code HttpRegistryFactory}), Azure storage and Key Vault through the factory and store methods.
 *
 * <pre>{@code
 * TransferClient client = new TransferClientBuilder()
 *         .stateDirectory(Path.of("/var/lib/transfer"))
 *         .registryFactory(new HttpRegistryFactory(b -> b.credentials(myCredentials)))
 *         .buildClient();
 * }</pre>
 *
 * <p>{@link #sourceTriggerWatcher} builds the source trigger watcher of an import pipeline, with a client of its own.
 */
public final class TransferClientBuilder {

    /** The system property giving the default {@link #concurrency(int)}. */
    public static final String CONCURRENCY_PROPERTY = "ocitransfer.concurrency";

    /** The documented limit of artifacts per run. */
    public static final int DEFAULT_MAX_ARTIFACTS = 50;

    private RecordStore recordStore;
    private Path stateDirectory;
    private final List<RegistryFactory> registryFactories = new ArrayList<>();
    private final Map<String, Registry> registries = new ConcurrentHashMap<>();
    private final List<BlobStoreFactory> blobStoreFactories = new ArrayList<>();
    private final List<SecretStore> secretStores = new ArrayList<>();
    private final List<CatalogSignerFactory> signerFactories = new ArrayList<>();
    private int maxArtifactsPerRun = DEFAULT_MAX_ARTIFACTS;
    private int maxConcurrentRuns = 4;
    private Integer concurrency;
    private Duration quietHeartbeat = DefaultTransferClient.QUIET_HEARTBEAT;

    /** Keeps records in this directory (created when absent). */
    public TransferClientBuilder stateDirectory(Path directory) {
        this.stateDirectory = directory;
        return this;
    }

    /** Keeps records in this store (for example a shared one in Azure storage) instead of a directory. */
    public TransferClientBuilder recordStore(RecordStore store) {
        this.recordStore = store;
        return this;
    }

    /** Adds a way to open registries; asked before the built-in ones. */
    public TransferClientBuilder registryFactory(RegistryFactory factory) {
        registryFactories.add(factory);
        return this;
    }

    /** Uses this registry instance for pipelines naming {@code uri} (for example {@code memory:test}). */
    public TransferClientBuilder registry(String uri, Registry registry) {
        registries.put(uri, registry);
        return this;
    }

    /** Adds a way to open containers; asked before the built-in one. */
    public TransferClientBuilder blobStoreFactory(BlobStoreFactory factory) {
        blobStoreFactories.add(factory);
        return this;
    }

    /** Adds a secret store; asked before the built-in {@code env:} and {@code file:} stores. */
    public TransferClientBuilder secretStore(SecretStore store) {
        secretStores.add(store);
        return this;
    }

    /**
     * Adds a way to sign archives with a key that is not a PEM secret (e.g. a Key Vault key): asked for an export
     * pipeline's signingKeyUri before it is read as a secret holding a PEM private key.
     */
    public TransferClientBuilder signerFactory(CatalogSignerFactory factory) {
        signerFactories.add(factory);
        return this;
    }

    /** The most artifacts one run may name (default 50, the documented limit). */
    public TransferClientBuilder maxArtifactsPerRun(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxArtifactsPerRun must be at least 1, got " + max);
        }
        this.maxArtifactsPerRun = max;
        return this;
    }

    /** The most runs executing at once in this client (default 4); more wait their turn. */
    public TransferClientBuilder maxConcurrentRuns(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxConcurrentRuns must be at least 1, got " + max);
        }
        this.maxConcurrentRuns = max;
        return this;
    }

    /**
     * How many blobs (and artifacts) one run moves at once. Exports write the archive in parallel regions when the
     * container supports it; imports of archives with a catalog push blobs in parallel. 1 moves everything as one
     * ordered stream. Unset, it is the system property {@value #CONCURRENCY_PROPERTY} when given (so launchers such
     * as the command line can be tuned with {@code -D}), else {@value ExportRunner#DEFAULT_CONCURRENCY}.
     */
    public TransferClientBuilder concurrency(int blobsAtOnce) {
        if (blobsAtOnce < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + blobsAtOnce);
        }
        this.concurrency = blobsAtOnce;
        return this;
    }

    /** How often a run with no progress writes its record anyway (tests shorten it; see DefaultTransferClient). */
    TransferClientBuilder quietHeartbeat(Duration every) {
        this.quietHeartbeat = every;
        return this;
    }

    /**
     * The concurrency used when none is set: the system property {@value #CONCURRENCY_PROPERTY}, else
     * {@value ExportRunner#DEFAULT_CONCURRENCY}.
     *
     * @throws IllegalArgumentException when the property is not a whole number of at least 1
     */
    public static int defaultConcurrency() {
        String value = System.getProperty(CONCURRENCY_PROPERTY);
        if (value == null || value.isBlank()) {
            return ExportRunner.DEFAULT_CONCURRENCY;
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw invalidConcurrency(value, e);
        }
        if (n < 1) {
            throw invalidConcurrency(value, null);
        }
        return n;
    }

    private static IllegalArgumentException invalidConcurrency(String value, Exception cause) {
        return new IllegalArgumentException("System property " + CONCURRENCY_PROPERTY + "='" + value + "' is not a"
                + " concurrency: give a whole number of at least 1 (blobs moved at once), or leave it unset for "
                + ExportRunner.DEFAULT_CONCURRENCY, cause);
    }

    /** The state directory used when none is set: {@code $TRANSFER_HOME}, else {@code ~/.transfer}. */
    public static Path defaultStateDirectory() {
        String home = System.getenv("TRANSFER_HOME");
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".transfer");
    }

    /** Builds the client; runs left Running by a process that died are marked Failed now. */
    public TransferClient buildClient() {
        return buildDefaultClient();
    }

    /**
     * A builder for the source trigger watcher of an import pipeline. The watcher has a client of its own, built with
     * this builder's settings when the watcher is built ({@link SourceTriggerWatcher#client()}, closed with it).
     *
     * @param pipelineName the import pipeline whose container is watched
     */
    public SourceTriggerWatcher.Builder sourceTriggerWatcher(String pipelineName) {
        return SourceTriggerWatcher.builder(this::buildDefaultClient, pipelineName);
    }

    private DefaultTransferClient buildDefaultClient() {
        RecordStore store = recordStore != null ? recordStore
                : new LocalRecordStore(stateDirectory != null ? stateDirectory : defaultStateDirectory());
        List<RegistryFactory> rf = new ArrayList<>(registryFactories);
        rf.add(new OciLayoutRegistryFactory());
        rf.add(new HttpRegistryFactory());
        List<BlobStoreFactory> bf = new ArrayList<>(blobStoreFactories);
        bf.add(new LocalDirectoryBlobStoreFactory());
        SecretStores secrets = SecretStores.of(secretStores).with(SecretStores.builtIn());
        return new DefaultTransferClient(store, rf, Map.copyOf(registries), bf, secrets, maxArtifactsPerRun,
                maxConcurrentRuns, concurrency != null ? concurrency : defaultConcurrency(), quietHeartbeat,
                signerFactories);
    }
}
