// The table forms of pipelines and runs: az's columns (`az acr export-pipeline|import-pipeline|pipeline-run -o table`).
package org.ocitransfer.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineKind;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunResponse;
import org.ocitransfer.api.ResourceNames;

/**
 * Prints pipelines and runs as az's table transformers of the acrtransfer extension do: the same columns, cells and
 * duration format, one row per resource (also for {@code show} and {@code create}). A run's per-artifact results,
 * which the service does not have, follow its row as a table of their own.
 */
final class Views {

    private Views() {
    }

    /** NAME, PROVISIONING_STATE, STORAGE_ACCOUNT (the target container's URI). */
    static void exportPipelines(PrintStream out, List<ExportPipeline> pipelines) {
        Table.az(out, pipelines.stream().map(p -> row("NAME", p.name(),
                "PROVISIONING_STATE", AzJson.text(p.provisioningState()),
                "STORAGE_ACCOUNT", p.target().uri().toString())).toList());
    }

    /** NAME, PROVISIONING_STATE, STORAGE_ACCOUNT (the source container's URI), SOURCE_TRIGGER. */
    static void importPipelines(PrintStream out, List<ImportPipeline> pipelines) {
        Table.az(out, pipelines.stream().map(p -> row("NAME", p.name(),
                "PROVISIONING_STATE", AzJson.text(p.provisioningState()),
                "STORAGE_ACCOUNT", p.source().uri().toString(),
                "SOURCE_TRIGGER", p.sourceTrigger().name())).toList());
    }

    static void exportPipeline(PrintStream out, ExportPipeline p) {
        exportPipelines(out, List.of(p));
    }

    static void importPipeline(PrintStream out, ImportPipeline p) {
        importPipelines(out, List.of(p));
    }

    /**
     * NAME, PIPELINE (the pipeline's name), START_TIME, DURATION ({@code HH:MM:SS}), SOURCE_TRIGGER (import runs
     * only: True when the source trigger started the run), STATUS (the service's word), ERROR_MESSAGE.
     */
    static void runs(PrintStream out, List<PipelineRun> runs) {
        Table.az(out, runs.stream().map(Views::runRow).toList());
    }

    /** One run's row, then its per-artifact results (this project's addition) when it has any. */
    static void run(PrintStream out, PipelineRun run) {
        runs(out, List.of(run));
        PipelineRunResponse r = run.response();
        if (r != null && !r.artifactResults().isEmpty()) {
            out.println();
            Table table = new Table("ARTIFACT", "DIGEST", "RESULT", "CATEGORY", "MESSAGE");
            for (ArtifactResult a : r.artifactResults()) {
                table.row(a.artifact(), a.digest(), a.status(), Formats.category(a.category()), a.message());
            }
            table.print(out);
        }
    }

    private static Map<String, String> runRow(PipelineRun run) {
        PipelineRunResponse r = run.response();
        ResourceNames.PipelineId pipeline = run.request().pipeline();
        Map<String, String> row = row("NAME", run.name(), "PIPELINE", pipeline.name(),
                "START_TIME", r == null ? null : Formats.azStartTime(r.startTime()),
                "DURATION", r == null ? null : Formats.azDuration(r.startTime(), r.finishTime()));
        if (pipeline.kind() == PipelineKind.IMPORT) {
            boolean triggered = r != null && r.trigger() != null && r.trigger().sourceTrigger() != null;
            row.put("SOURCE_TRIGGER", triggered ? "True" : "False");
        }
        row.put("STATUS", r == null ? null : AzRunJson.serviceStatus(r.status()));
        row.put("ERROR_MESSAGE", r == null ? null : r.pipelineRunErrorMessage());
        return row;
    }

    /** {@code {"key": value, ...}} in order. */
    private static Map<String, String> row(String... keysAndValues) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            row.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return row;
    }
}
