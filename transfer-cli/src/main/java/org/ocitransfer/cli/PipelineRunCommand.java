// `transfer pipeline-run create|show|list|delete|clean`.
package org.ocitransfer.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.PipelineKind;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunRequest;
import org.ocitransfer.api.ProvisioningState;
import org.ocitransfer.api.ResourceNotFoundException;
import org.ocitransfer.api.RunStatus;
import org.ocitransfer.api.TransferClient;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.registry.auth.CredentialProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Pipeline runs: creating one runs it and waits; its record stays until deleted. */
@Command(name = "pipeline-run", mixinStandardHelpOptions = true,
        description = "Run pipelines, and manage the records of their runs.",
        subcommands = {PipelineRunCommand.Create.class, PipelineRunCommand.Show.class,
                PipelineRunCommand.ListCommand.class, PipelineRunCommand.Delete.class, PipelineRunCommand.Clean.class})
final class PipelineRunCommand {

    /** How often a plain progress line is printed when stderr is not a terminal. */
    static final Duration PLAIN_PROGRESS_INTERVAL = Duration.ofSeconds(5);

    /** {@code pipeline-run create}: runs and waits. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Run a pipeline and wait for the run to end.",
                    "Submitting a run again with the same properties returns it without running it again;"
                            + " --force-redeploy runs it again."})
    static final class Create extends ClientCommand {
        @Option(names = {"--name", "-n"}, paramLabel = "NAME", converter = Arguments.Name.class,
                description = "The run's name: 5-50 letters or digits (or the parameter file's pipelineRunName).")
        String name;

        @Option(names = {"--pipeline", "-p"}, paramLabel = "PIPELINE",
                description = "The pipeline to run (or the parameter file's pipelineResourceId).")
        String pipeline;

        @Option(names = {"--pipeline-type", "-t"}, paramLabel = "export|import",
                converter = Arguments.PipelineType.class,
                description = "The pipeline's type (or the kind the parameter file's pipelineResourceId names).")
        PipelineKind kind;

        @Option(names = {"--parameters"}, paramLabel = "@FILE",
                description = "An ARM deployment parameter file (azuredeploy.parameters.json of the PipelineRun-Export"
                        + " or PipelineRun-Import template); options given beside it win.")
        String parameters;

        @Option(names = {"--storage-blob", "-b"}, paramLabel = "BLOB",
                description = "The archive blob's name in the pipeline's container: written by an export, read by"
                        + " an import (an archive written in parts NAME.001, NAME.002, ... is read by NAME).")
        String blob;

        @Option(names = {"--artifacts", "-a"}, arity = "1..*", paramLabel = "ARTIFACT", converter = Arguments.Artifact.class,
                description = "Export only, space separated: repo (meaning repo:latest), repo:tag or"
                        + " repo@sha256:<digest>.")
        List<String> artifacts;

        @Option(names = "--base-blob", paramLabel = "BLOB",
                description = "Export only, repeatable: an earlier archive in the pipeline's container; the new"
                        + " archive leaves out every blob and manifest it holds (a differential archive, imported"
                        + " only where the bases were imported).")
        List<String> baseBlobs;

        @Option(names = "--target-repository", paramLabel = "REPO",
                description = "Import only: the repository for archive entries that name only a tag (as plain OCI"
                        + " layouts from other tools do).")
        String targetRepository;

        @Option(names = "--catalog-digest", paramLabel = "DIGEST", converter = Arguments.Digest.class,
                description = "Import only: refuse the archive unless its catalog has this digest (the export run's"
                        + " catalogDigest).")
        String catalogDigest;

        @Option(names = "--max-part-size", paramLabel = "SIZE", converter = Arguments.Size.class,
                description = "Export only: write the archive as parts of at most SIZE (bytes, or e.g. 512MiB),"
                        + " overriding the pipeline's.")
        Long maxPartSize;

        @Option(names = {"--force-redeploy", "-f"},
                description = "Run it again even when a run of this name with the same properties exists.")
        boolean force;

        @Option(names = {"--quiet", "-q"}, description = "No progress output.")
        boolean quiet;

        @Mixin
        RegistryLogin login;

        @Override
        CredentialProvider credentials() {
            return login.credentials(root().io().in());
        }

        @Override
        int run(TransferClient client) {
            String fileTag = RunParameters.apply(this);
            PipelineRunRequest request;
            if (kind == PipelineKind.EXPORT) {
                if (targetRepository != null || catalogDigest != null) {
                    throw new IllegalArgumentException("--target-repository and --catalog-digest apply to import"
                            + " runs only: drop them, or run an import pipeline (--pipeline-type import)");
                }
                request = PipelineRunRequest.export(pipeline, blob, artifacts).withMaxPartSize(maxPartSize);
                if (baseBlobs != null && !baseBlobs.isEmpty()) {
                    request = request.withBaseBlobs(baseBlobs);
                }
                login.bind(client.getExportPipeline(pipeline).registry());
            } else {
                if (artifacts != null && !artifacts.isEmpty()) {
                    throw new IllegalArgumentException("--artifacts applies to export runs only: an import run"
                            + " imports what the archive holds");
                }
                if (baseBlobs != null && !baseBlobs.isEmpty()) {
                    throw new IllegalArgumentException("--base-blob applies to export runs only: an import run"
                            + " reads the bases from the archive's catalog");
                }
                if (maxPartSize != null) {
                    throw new IllegalArgumentException("--max-part-size applies to export runs only: an import run"
                            + " finds the parts of -b NAME itself");
                }
                request = PipelineRunRequest.importBlob(pipeline, blob);
                if (targetRepository != null) {
                    request = request.withTargetRepository(targetRepository);
                }
                if (catalogDigest != null) {
                    request = request.withCatalogDigest(catalogDigest);
                }
                login.bind(client.getImportPipeline(pipeline).registry());
            }
            Optional<PipelineRun> existing = find(client, name);
            String tag = force ? Instant.now().toString()
                    : fileTag != null ? fileTag : existing.map(PipelineRun::forceUpdateTag).orElse("");
            if (!force && existing.isPresent() && existing.get().request().equals(request)
                    && (fileTag == null || fileTag.equals(existing.get().forceUpdateTag()))) {
                err().println("Run " + name + " already exists with the same properties: not run again (use"
                        + " --force-redeploy to run it again).");
            }
            ProgressPrinter progress = new ProgressPrinter(err(), root().io().terminal(), quiet,
                    PLAIN_PROGRESS_INTERVAL);
            // Ctrl-C or SIGTERM: closing the client marks the run Failed instead of leaving it Running. The hook is in
            // place before the run starts: a signal that comes as soon as the record says Running is handled too.
            Thread stop = new Thread(() -> {
                client.close();
                err().println();
                err().println("Stopped: run " + name + " was marked Failed. Run it again with --force-redeploy.");
            }, "transfer-stop");
            Runtime.getRuntime().addShutdownHook(stop);
            PipelineRun run;
            try {
                run = client.beginCreateOrUpdatePipelineRun(name, request, tag, progress).await();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(stop);
                } catch (IllegalStateException shuttingDown) {
                    err().println("Stopping on a signal: run " + name + " is being marked Failed.");
                }
            }
            progress.finish();
            print(run, out -> Views.run(out, run));
            return outcome(run);
        }

        private int outcome(PipelineRun run) {
            RunStatus status = run.status();
            if (status == RunStatus.Succeeded) {
                return ExitCodes.OK;
            }
            String message = run.response() == null ? null : run.response().pipelineRunErrorMessage();
            String category = run.response() == null ? null : Formats.category(run.response().errorCategory());
            err().println("Run " + run.name() + (status == RunStatus.CompletedWithErrors ? " completed with errors"
                    : " " + status.name().toLowerCase(Locale.ROOT)) + (message == null ? "." : ": " + message));
            if (category != null) {
                err().println("Error category: " + category);
            }
            if (run.response() != null) {
                for (ArtifactResult a : run.response().artifactResults()) {
                    if (a.status() == ArtifactResult.Status.Failed) {
                        err().println("  " + a.artifact() + ": " + a.message() + " [" + Formats.category(a.category())
                                + "]");
                    }
                }
            }
            return ExitCodes.FAILED;
        }

        private static Optional<PipelineRun> find(TransferClient client, String name) {
            try {
                return Optional.of(client.getPipelineRun(name));
            } catch (ResourceNotFoundException absent) {
                return Optional.empty();
            }
        }
    }

    /** {@code pipeline-run show}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a run: status, progress, artifacts.")
    static final class Show extends ClientCommand {
        @Option(names = {"--name", "-n"}, required = true, paramLabel = "NAME", description = "The run's name.")
        String name;

        @Override
        int run(TransferClient client) {
            PipelineRun run = client.getPipelineRun(name);
            print(run, out -> Views.run(out, run));
            return ExitCodes.OK;
        }
    }

    /** {@code pipeline-run list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List runs, oldest first (by start time; runs that never started first).",
                    "--top K keeps the last K of that list, the K newest, as az acr pipeline-run list --top does."})
    static final class ListCommand extends ClientCommand {
        @Option(names = "--top", paramLabel = "K", converter = Arguments.AtLeastOne.class,
                description = "Only the K newest runs (the last K of the list).")
        Integer top;

        @Override
        int run(TransferClient client) {
            List<PipelineRun> runs = top(oldestFirst(client.listPipelineRuns()), top);
            print(runs, out -> Views.runs(out, runs));
            return ExitCodes.OK;
        }

        /** The client's runs (newest first) in the order az lists the service's: oldest first. */
        static List<PipelineRun> oldestFirst(List<PipelineRun> newestFirst) {
            List<PipelineRun> runs = new ArrayList<>(newestFirst);
            Collections.reverse(runs);
            return runs;
        }

        /** az's {@code list(runs)[-top:]}: the last {@code top} runs, all of them when top is null. */
        static List<PipelineRun> top(List<PipelineRun> runs, Integer top) {
            return top == null || runs.size() <= top ? runs : runs.subList(runs.size() - top, runs.size());
        }
    }

    /** {@code pipeline-run delete}. */
    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a run's record (not what it moved).")
    static final class Delete extends ClientCommand {
        @Option(names = {"--name", "-n"}, required = true, paramLabel = "NAME", description = "The run's name.")
        String name;

        @Override
        int run(TransferClient client) {
            PipelineRun run = client.getPipelineRun(name);
            client.deletePipelineRun(name);
            print(run, out -> out.println("Deleted pipeline run " + name + "."));
            return ExitCodes.OK;
        }
    }

    /**
     * {@code pipeline-run clean}: as az's, deletes the runs whose provisioningState is Failed (a run that failed; one
     * that completed with errors has provisioningState Succeeded and stays), reporting on stderr. {@code --dry-run}
     * prints those runs (table or JSON) instead; a real clean prints nothing on stdout, as az prints nothing.
     */
    @Command(name = "clean", mixinStandardHelpOptions = true,
            description = {"Delete the records of failed runs (provisioningState Failed), as az acr pipeline-run clean"
                    + " does.", "Runs that completed with errors are kept."})
    static final class Clean extends ClientCommand {
        @Option(names = "--dry-run", description = "Only list the runs that would be deleted.")
        boolean dryRun;

        @Override
        int run(TransferClient client) {
            List<PipelineRun> failed = ListCommand.oldestFirst(client.listPipelineRuns()).stream()
                    .filter(r -> r.provisioningState() == ProvisioningState.Failed)
                    .toList();
            err().println("Found " + failed.size() + " failed pipeline-runs to delete.");
            if (dryRun) {
                err().println("The following failed pipeline-runs would have been deleted:");
                print(failed, out -> Views.runs(out, failed));
                return ExitCodes.OK;
            }
            int deleted = 0;
            int notDeleted = 0;
            for (PipelineRun run : failed) {
                try {
                    client.deletePipelineRun(run.name());
                    deleted++;
                } catch (TransferException e) {
                    notDeleted++;
                    err().println("Could not delete run " + run.name() + ": " + e.getMessage());
                }
            }
            err().println("Deletion complete: Deleted " + deleted + " failed pipeline-runs.");
            err().println(notDeleted + " deletions failed.");
            return notDeleted == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
