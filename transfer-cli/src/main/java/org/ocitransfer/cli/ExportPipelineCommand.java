// `transfer export-pipeline create|show|list|delete`.
package org.ocitransfer.cli;

import java.util.List;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.PipelineKind;
import org.ocitransfer.api.TransferClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Export pipelines: a source registry, and the container its archives are written to. */
@Command(name = "export-pipeline", description = "Manage export pipelines (registry -> archive blob in a container).",
        mixinStandardHelpOptions = true,
        subcommands = {ExportPipelineCommand.Create.class, ExportPipelineCommand.Show.class,
                ExportPipelineCommand.ListCommand.class, ExportPipelineCommand.Delete.class})
final class ExportPipelineCommand {

    /** {@code export-pipeline create}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an export pipeline, or update the one of that name.")
    static final class Create extends ClientCommand {
        @Option(names = {"--name", "-n"}, required = true, paramLabel = "NAME", converter = Arguments.Name.class,
                description = "The pipeline's name: 5-50 letters or digits.")
        String name;

        @Option(names = {"--registry", "-r"}, required = true, paramLabel = "URI",
                description = "The source registry: https://host[:port], http://host:port (plain HTTP) or"
                        + " oci-layout:/path.")
        String registry;

        @Option(names = {"--storage-container-uri", "-c"}, required = true, paramLabel = "URI",
                converter = Arguments.ContainerUri.class,
                description = "The container archives are written to: " + Arguments.CONTAINER_FORMS + ".")
        String containerUri;

        @Option(names = {"--secret-uri", "-s"}, paramLabel = "URI",
                description = "Where the container's SAS token is kept: https://<vault>.vault.azure.net/secrets/<name>,"
                        + " env:NAME or file:/path. Not needed for a local directory or ManagedIdentity.")
        String secretUri;

        @Option(names = {"--storage-access-mode", "-m"}, paramLabel = "MODE", converter = Arguments.AccessMode.class,
                description = "SasToken (default) or ManagedIdentity.")
        String accessMode;

        @Option(names = {"--options", "-z"}, arity = "1..*", split = ",", paramLabel = "OPTION",
                converter = Arguments.ExportOption.class,
                description = "Space separated: OverwriteBlobs ContinueOnErrors IncludeReferrers.")
        List<String> options;

        @Option(names = "--max-part-size", paramLabel = "SIZE", converter = Arguments.Size.class,
                description = "Write each archive as parts NAME.001, NAME.002, ... of at most SIZE (bytes, or e.g."
                        + " 512MiB), whose concatenation is the archive; imports read the set by NAME.")
        Long maxPartSize;

        @Override
        int run(TransferClient client) {
            ExportPipeline pipeline = client.createOrUpdateExportPipeline(new ExportPipeline(name, registry,
                    Arguments.container(containerUri, secretUri, accessMode),
                    Arguments.options(options, PipelineKind.EXPORT)).withMaxPartSize(maxPartSize));
            print(pipeline, out -> Views.exportPipeline(out, pipeline));
            return ExitCodes.OK;
        }
    }

    /** {@code export-pipeline show}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show an export pipeline.")
    static final class Show extends ClientCommand {
        @Option(names = {"--name", "-n"}, required = true, paramLabel = "NAME", description = "The pipeline's name.")
        String name;

        @Override
        int run(TransferClient client) {
            ExportPipeline pipeline = client.getExportPipeline(name);
            print(pipeline, out -> Views.exportPipeline(out, pipeline));
            return ExitCodes.OK;
        }
    }

    /** {@code export-pipeline list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the export pipelines.")
    static final class ListCommand extends ClientCommand {
        @Override
        int run(TransferClient client) {
            List<ExportPipeline> pipelines = client.listExportPipelines();
            print(pipelines, out -> Views.exportPipelines(out, pipelines));
            return ExitCodes.OK;
        }
    }

    /** {@code export-pipeline delete}. */
    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete an export pipeline (its runs and the archives it wrote stay).")
    static final class Delete extends ClientCommand {
        @Option(names = {"--name", "-n"}, required = true, paramLabel = "NAME", description = "The pipeline's name.")
        String name;

        @Override
        int run(TransferClient client) {
            ExportPipeline pipeline = client.getExportPipeline(name);
            client.deleteExportPipeline(name);
            print(pipeline, out -> out.println("Deleted export pipeline " + name + "."));
            return ExitCodes.OK;
        }
    }
}
