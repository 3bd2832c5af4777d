// `transfer export-pipeline create|show|list|delete`.
package org.ocitransfer.cli;

import java.util.List;
import java.util.Set;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.PipelineKind;
import org.ocitransfer.api.TransferClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
        /** The parameters of the ExportPipelines template beyond the common ones. */
        static final Set<String> PARAMETERS = Set.of("targetUri");

        @Mixin
        PipelineFlags flags;

        @Option(names = {"--options", "-z"}, arity = "1..*", split = ",", paramLabel = "OPTION",
                converter = Arguments.ExportOption.class,
                description = "Space separated: OverwriteBlobs ContinueOnErrors IncludeReferrers.")
        List<String> options;

        @Option(names = "--signing-key-uri", paramLabel = "URI",
                description = "Sign every archive's catalog with this key: a secret (file:/path, env:NAME,"
                        + " https://<vault>.vault.azure.net/secrets/<name>) holding a PEM PKCS#8 private key, ECDSA"
                        + " P-256 or Ed25519, or a Key Vault key https://<vault>.vault.azure.net/keys/<name>[/<version>]"
                        + " (EC P-256; the private key never leaves the vault).")
        String signingKeyUri;

        @Option(names = "--max-part-size", paramLabel = "SIZE", converter = Arguments.Size.class,
                description = "Write each archive as parts NAME.001, NAME.002, ... of at most SIZE (bytes, or e.g."
                        + " 512MiB), whose concatenation is the archive; imports read the set by NAME.")
        Long maxPartSize;

        @Override
        int run(TransferClient client) {
            ParameterFile file = flags.file("exportPipelineName", PARAMETERS);
            ExportPipeline pipeline = client.createOrUpdateExportPipeline(new ExportPipeline(
                    flags.name(file, "exportPipelineName"), flags.registry(file), flags.container(file, "targetUri"),
                    Arguments.options(flags.options(file, options), PipelineKind.EXPORT))
                    .withIdentity(flags.identity(file)).withSigningKeyUri(signingKeyUri).withMaxPartSize(maxPartSize));
            print(pipeline, out -> Views.exportPipeline(out, pipeline));
            return ExitCodes.OK;
        }
    }

    /** How show, list and delete read, list, delete and print export pipelines. */
    private static final PipelineVerbs.Kind<ExportPipeline> KIND = new PipelineVerbs.Kind<>("export",
            TransferClient::getExportPipeline, TransferClient::listExportPipelines,
            TransferClient::deleteExportPipeline, Views::exportPipelines, PipelineParameters::export);

    /** {@code export-pipeline show}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show an export pipeline.")
    static final class Show extends PipelineVerbs.Show<ExportPipeline> {
        @Option(names = "--as-parameters", description = "Print the pipeline as an ARM deployment parameter file"
                + " (azuredeploy.parameters.json of the ExportPipelines template), for create --parameters.")
        boolean asParameters;

        Show() {
            super(KIND);
        }

        @Override
        boolean asParameters() {
            return asParameters;
        }
    }

    /** {@code export-pipeline list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the export pipelines.")
    static final class ListCommand extends PipelineVerbs.ListCommand<ExportPipeline> {
        ListCommand() {
            super(KIND);
        }
    }

    /** {@code export-pipeline delete}. */
    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete an export pipeline (its runs and the archives it wrote stay).")
    static final class Delete extends PipelineVerbs.Delete<ExportPipeline> {
        Delete() {
            super(KIND);
        }
    }
}
