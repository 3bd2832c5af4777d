// The root `transfer` command: the options every command shares, and the client they use.
package org.ocitransfer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;
import org.ocitransfer.api.StorageAccessMode;
import org.ocitransfer.api.StorageContainer;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.core.client.TransferClientBuilder;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code transfer}: the transfer model's pipelines and runs on any OCI registry and any blob store, shaped like
 * {@code az acr export-pipeline | import-pipeline | pipeline-run}. Holds the options every subcommand inherits
 * ({@code --state-dir}, {@code --output}, {@code --verbose}) and builds the client they use. Its subcommands are
 * added by {@link Main#commandLine(CliIo, String)}.
 */
@Command(name = "transfer", mixinStandardHelpOptions = true, versionProvider = TransferCommand.Version.class,
        description = {"Moves OCI artifacts between registries through one archive blob in storage:",
                "an export run writes artifacts from a registry into a blob, an import run writes them into a registry."},
        footer = {"", "Exit codes: 0 success; 1 a run that failed wholly or partly, or an operation that failed;"
                + " 2 a usage or validation error."})
public final class TransferCommand {

    @Option(names = "--state-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "The directory where pipelines and runs are kept (default: $TRANSFER_HOME, else"
                    + " ~/.transfer).")
    private Path stateDir;

    @Option(names = "--state-uri", scope = ScopeType.INHERIT, paramLabel = "CONTAINER-URI",
            converter = Arguments.ContainerUri.class,
            description = "Keep pipelines and runs in an Azure Blob Storage container instead (shared by replicas and"
                    + " laptops): https://<account>.blob.core.windows.net/<container>. A container of its own.")
    private String stateUri;

    @Option(names = "--state-secret-uri", scope = ScopeType.INHERIT, paramLabel = "URI",
            description = "Where the --state-uri container's SAS token is kept (sp=racwdl); without it the container"
                    + " is reached with an Entra ID identity (ManagedIdentity).")
    private String stateSecretUri;

    @Option(names = {"--output", "-o"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private OutputFormat output;

    @Option(names = "--subscription", scope = ScopeType.INHERIT, paramLabel = "ID",
            description = "The subscription written in ARM ids of pipelines and runs of ACR registries (default:"
                    + " $AZURE_SUBSCRIPTION_ID, else " + ArmScope.PLACEHOLDER_SUBSCRIPTION + ").")
    private String subscription;

    @Option(names = {"--resource-group", "-g"}, scope = ScopeType.INHERIT, paramLabel = "GROUP",
            description = "The resource group written in ARM ids of pipelines and runs of ACR registries (default:"
                    + " $AZURE_DEFAULTS_GROUP, else " + ArmScope.PLACEHOLDER_GROUP + ").")
    private String resourceGroup;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Show the library's log (info level) and stack traces of errors.")
    private boolean verbose;

    private final CliIo io;

    TransferCommand(CliIo io) {
        this.io = io;
    }

    CliIo io() {
        return io;
    }

    OutputFormat output() {
        return output;
    }

    boolean verbose() {
        return verbose;
    }

    /** The subscription and group of ARM ids: the flags, else the environment, else placeholders. */
    ArmScope armScope() {
        return ArmScope.resolve(subscription, resourceGroup, System::getenv);
    }

    /** The state directory in use. */
    Path stateDirectory() {
        return stateDir != null ? stateDir : TransferClientBuilder.defaultStateDirectory();
    }

    /**
     * A client over the state directory, with every registry, store and secret kind the command line knows.
     *
     * @param credentials registry credentials given on the command line, asked before the environment's and the
     *                    docker config's
     */
    TransferClient newClient(CredentialProvider credentials) {
        return clientBuilder(credentials).buildClient();
    }

    /** A builder of clients like {@link #newClient}'s (for the source trigger watcher, which has its own). */
    TransferClientBuilder clientBuilder(CredentialProvider credentials) {
        TransferClientBuilder builder = new TransferClientBuilder();
        if (stateUri == null) {
            if (stateSecretUri != null) {
                throw new IllegalArgumentException("--state-secret-uri goes with --state-uri: give the container too,"
                        + " or drop it");
            }
            builder.stateDirectory(stateDirectory());
        } else {
            if (stateDir != null) {
                throw new IllegalArgumentException("Give --state-dir or --state-uri, not both: records are kept in"
                        + " one place");
            }
            StorageContainer container = new StorageContainer(
                    Arguments.uri(stateUri, "state container URI", Arguments.CONTAINER_FORMS), stateSecretUri,
                    stateSecretUri == null ? StorageAccessMode.ManagedIdentity : StorageAccessMode.SasToken);
            builder.recordStore(Backends.recordStore(container));
        }
        return Backends.configure(builder, credentials);
    }

    /**
     * The version and git commit recorded by the build ("unknown" when built without git, e.g. from a source
     * tarball), and the Java runtime in use.
     */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties properties = new Properties();
            try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the version resource", e);
            }
            return new String[] {"transfer " + recorded(properties, "version"),
                    "commit " + recorded(properties, "commit"),
                    "Java runtime " + System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version")
                            + " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.home") + ")"};
        }

        /** A value the build filtered in; "unknown" when it is missing, blank or was not filtered. */
        private static String recorded(Properties properties, String key) {
            String value = properties.getProperty(key, "").strip();
            return value.isEmpty() || value.startsWith("${") ? "unknown" : value;
        }
    }
}
