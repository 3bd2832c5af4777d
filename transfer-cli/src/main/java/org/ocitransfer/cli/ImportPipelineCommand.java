// `transfer import-pipeline create|show|list|delete`.
package org.ocitransfer.cli;

import java.util.List;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineKind;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.api.TriggerStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Import pipelines: the container archives are read from, and a target registry. */
@Command(name = "import-pipeline", description = "Manage import pipelines (archive blob in a container -> registry).",
        mixinStandardHelpOptions = true,
        subcommands = {ImportPipelineCommand.Create.class, ImportPipelineCommand.Show.class,
                ImportPipelineCommand.ListCommand.class, ImportPipelineCommand.Delete.class})
final class ImportPipelineCommand {

    /** {@code import-pipeline create}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an import pipeline, or update the one of that name.")
    static final class Create extends ClientCommand {
        @Option(names = {"--name", "-n"}, required = true, paramLabel = "NAME", converter = Arguments.Name.class,
                description = "The pipeline's name: 5-50 letters or digits.")
        String name;

        @Option(names = {"--registry", "-r"}, required = true, paramLabel = "URI",
                description = "The target registry: https://host[:port], http://host:port (plain HTTP) or"
                        + " oci-layout:/path.")
        String registry;

        @Option(names = {"--storage-container-uri", "-c"}, required = true, paramLabel = "URI",
                converter = Arguments.ContainerUri.class,
                description = "The container archives are read from: " + Arguments.CONTAINER_FORMS + ".")
        String containerUri;

        @Option(names = {"--secret-uri", "-s"}, paramLabel = "URI",
                description = "Where the container's SAS token is kept: https://<vault>.vault.azure.net/secrets/<name>,"
                        + " env:NAME or file:/path. Not needed for a local directory or ManagedIdentity.")
        String secretUri;

        @Option(names = {"--storage-access-mode", "-m"}, paramLabel = "MODE", converter = Arguments.AccessMode.class,
                description = "SasToken (default) or ManagedIdentity.")
        String accessMode;

        @Option(names = {"--options", "-z"}, arity = "1..*", split = ",", paramLabel = "OPTION",
                converter = Arguments.ImportOption.class,
                description = "Space separated: OverwriteTags DeleteSourceBlobOnSuccess ContinueOnErrors.")
        List<String> options;

        @Option(names = {"--source-trigger-enabled", "-e"}, arity = "1", paramLabel = "true|false",
                defaultValue = "true",
                description = "Whether a blob landing in the container starts an import run by itself (default:"
                        + " ${DEFAULT-VALUE}).")
        boolean sourceTrigger;

        @Option(names = "--verify-key", paramLabel = "FILE-OR-SECRET",
                description = "Import only archives signed by this key (repeatable: by any of them): a PEM public key"
                        + " file, or a secret (file:/path, env:NAME, a Key Vault secret URI) holding one. Unsigned,"
                        + " otherwise signed or altered archives are refused before anything is written.")
        List<String> verifyKeys;

        @Override
        int run(TransferClient client) {
            ImportPipeline pipeline = client.createOrUpdateImportPipeline(new ImportPipeline(name, registry,
                    Arguments.container(containerUri, secretUri, accessMode),
                    sourceTrigger ? TriggerStatus.Enabled : TriggerStatus.Disabled,
                    Arguments.options(options, PipelineKind.IMPORT), null)
                    .withVerifyKeys(verifyKeys));
            print(pipeline, out -> Views.importPipeline(out, pipeline));
            return ExitCodes.OK;
        }
    }

    /** {@code import-pipeline show}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show an import pipeline.")
    static final class Show extends ClientCommand {
        @Option(names = {"--name", "-n"}, required = true, paramLabel = "NAME", description = "The pipeline's name.")
        String name;

        @Override
        int run(TransferClient client) {
            ImportPipeline pipeline = client.getImportPipeline(name);
            print(pipeline, out -> Views.importPipeline(out, pipeline));
            return ExitCodes.OK;
        }
    }

    /** {@code import-pipeline list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the import pipelines.")
    static final class ListCommand extends ClientCommand {
        @Override
        int run(TransferClient client) {
            List<ImportPipeline> pipelines = client.listImportPipelines();
            print(pipelines, out -> Views.importPipelines(out, pipelines));
            return ExitCodes.OK;
        }
    }

    /** {@code import-pipeline delete}. */
    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete an import pipeline (its runs and the blobs stay).")
    static final class Delete extends ClientCommand {
        @Option(names = {"--name", "-n"}, required = true, paramLabel = "NAME", description = "The pipeline's name.")
        String name;

        @Override
        int run(TransferClient client) {
            ImportPipeline pipeline = client.getImportPipeline(name);
            client.deleteImportPipeline(name);
            print(pipeline, out -> out.println("Deleted import pipeline " + name + "."));
            return ExitCodes.OK;
        }
    }
}
