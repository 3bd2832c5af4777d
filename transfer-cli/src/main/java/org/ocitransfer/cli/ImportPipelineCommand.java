// `transfer import-pipeline create|show|list|delete`.
package org.ocitransfer.cli;

import java.util.List;
import java.util.Set;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineKind;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.api.TriggerStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
        /** The parameters of the ImportPipelines template beyond the common ones. */
        static final Set<String> PARAMETERS = Set.of("sourceUri", "sourceTriggerStatus");

        @Mixin
        PipelineFlags flags;

        @Option(names = {"--options", "-z"}, arity = "1..*", split = ",", paramLabel = "OPTION",
                converter = Arguments.ImportOption.class,
                description = "Space separated: OverwriteTags DeleteSourceBlobOnSuccess ContinueOnErrors"
                        + " DisableSourceTrigger (the same as --source-trigger-enabled false).")
        List<String> options;

        @Option(names = {"--source-trigger-enabled", "-e"}, arity = "1", paramLabel = "true|false",
                description = "Whether a blob landing in the container starts an import run by itself (default:"
                        + " true, or the parameter file's sourceTriggerStatus).")
        Boolean sourceTrigger;

        @Option(names = "--verify-key", paramLabel = "FILE-OR-SECRET",
                description = "Import only archives signed by this key (repeatable: by any of them): a PEM public key"
                        + " file, or a secret (file:/path, env:NAME, a Key Vault secret URI) holding one. Unsigned,"
                        + " otherwise signed or altered archives are refused before anything is written.")
        List<String> verifyKeys;

        @Override
        int run(TransferClient client) {
            ParameterFile file = flags.file("importPipelineName", PARAMETERS);
            List<String> named = flags.options(file, options);
            boolean disable = named != null && named.stream().anyMatch(Arguments::isDisableSourceTrigger);
            TriggerStatus trigger = trigger(file, disable);
            List<String> kept = named == null ? null
                    : named.stream().filter(o -> !Arguments.isDisableSourceTrigger(o)).toList();
            ImportPipeline pipeline = client.createOrUpdateImportPipeline(new ImportPipeline(
                    flags.name(file, "importPipelineName"), flags.registry(file), flags.container(file, "sourceUri"),
                    trigger, Arguments.options(kept, PipelineKind.IMPORT), null).withIdentity(flags.identity(file))
                    .withVerifyKeys(verifyKeys));
            print(pipeline, out -> Views.importPipeline(out, pipeline));
            return ExitCodes.OK;
        }

        /** -e, else the file's sourceTriggerStatus, else Enabled; DisableSourceTrigger turns it off. */
        private TriggerStatus trigger(ParameterFile file, boolean disable) {
            TriggerStatus status = null;
            if (sourceTrigger != null) {
                status = sourceTrigger ? TriggerStatus.Enabled : TriggerStatus.Disabled;
            } else if (file != null && file.string("sourceTriggerStatus") != null) {
                String value = file.string("sourceTriggerStatus");
                status = java.util.Arrays.stream(TriggerStatus.values()).filter(t -> t.name().equalsIgnoreCase(value))
                        .findFirst().orElseThrow(() -> new IllegalArgumentException("sourceTriggerStatus '" + value
                                + "' is neither Enabled nor Disabled"));
            }
            if (disable) {
                if (status == TriggerStatus.Enabled) {
                    throw new IllegalArgumentException("The option DisableSourceTrigger turns the source trigger off,"
                            + " but the trigger is also asked to be enabled: drop one of them");
                }
                return TriggerStatus.Disabled;
            }
            return status == null ? TriggerStatus.Enabled : status;
        }
    }

    /** How show, list and delete read, list, delete and print import pipelines. */
    private static final PipelineVerbs.Kind<ImportPipeline> KIND = new PipelineVerbs.Kind<>("import",
            TransferClient::getImportPipeline, TransferClient::listImportPipelines,
            TransferClient::deleteImportPipeline, Views::importPipelines, PipelineParameters::importing);

    /** {@code import-pipeline show}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show an import pipeline.")
    static final class Show extends PipelineVerbs.Show<ImportPipeline> {
        @Option(names = "--as-parameters", description = "Print the pipeline as an ARM deployment parameter file"
                + " (azuredeploy.parameters.json of the ImportPipelines template), for create --parameters.")
        boolean asParameters;

        Show() {
            super(KIND);
        }

        @Override
        boolean asParameters() {
            return asParameters;
        }
    }

    /** {@code import-pipeline list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the import pipelines.")
    static final class ListCommand extends PipelineVerbs.ListCommand<ImportPipeline> {
        ListCommand() {
            super(KIND);
        }
    }

    /** {@code import-pipeline delete}. */
    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete an import pipeline (its runs and the blobs stay).")
    static final class Delete extends PipelineVerbs.Delete<ImportPipeline> {
        Delete() {
            super(KIND);
        }
    }
}
