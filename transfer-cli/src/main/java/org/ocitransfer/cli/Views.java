// The table forms of pipelines and runs.
package org.ocitransfer.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.BlobLocation;
import org.ocitransfer.api.ExportPipeline;
import org.ocitransfer.api.ImportPipeline;
import org.ocitransfer.api.PipelineOption;
import org.ocitransfer.api.PipelineRun;
import org.ocitransfer.api.PipelineRunResponse;
import org.ocitransfer.api.ResourceNames;
import org.ocitransfer.api.StorageContainer;

/** Prints pipelines and runs as tables (lists) or field lines (one resource). */
final class Views {

    private Views() {
    }

    static void exportPipelines(PrintStream out, List<ExportPipeline> pipelines) {
        Table table = new Table("NAME", "REGISTRY", "STORAGE CONTAINER", "SECRET URI", "ACCESS MODE", "OPTIONS",
                "STATE");
        for (ExportPipeline p : pipelines) {
            table.row(p.name(), p.registry(), p.target().uri(), p.target().secretUri(), p.target().accessMode(),
                    options(p.options()), p.provisioningState());
        }
        table.print(out);
    }

    static void importPipelines(PrintStream out, List<ImportPipeline> pipelines) {
        Table table = new Table("NAME", "REGISTRY", "STORAGE CONTAINER", "SECRET URI", "ACCESS MODE",
                "SOURCE TRIGGER", "OPTIONS", "STATE");
        for (ImportPipeline p : pipelines) {
            table.row(p.name(), p.registry(), p.source().uri(), p.source().secretUri(), p.source().accessMode(),
                    p.sourceTrigger(), options(p.options()), p.provisioningState());
        }
        table.print(out);
    }

    static void exportPipeline(PrintStream out, ExportPipeline p) {
        List<String[]> fields = new ArrayList<>();
        fields.add(field("Name", p.name()));
        fields.add(field("Type", "export"));
        fields.add(field("Source registry", p.registry()));
        container(fields, "Target", p.target());
        fields.add(field("Options", options(p.options())));
        fields.add(field("Provisioning state", p.provisioningState()));
        Table.fields(out, fields);
    }

    static void importPipeline(PrintStream out, ImportPipeline p) {
        List<String[]> fields = new ArrayList<>();
        fields.add(field("Name", p.name()));
        fields.add(field("Type", "import"));
        fields.add(field("Target registry", p.registry()));
        container(fields, "Source", p.source());
        fields.add(field("Source trigger", p.sourceTrigger()));
        fields.add(field("Options", options(p.options())));
        fields.add(field("Provisioning state", p.provisioningState()));
        Table.fields(out, fields);
    }

    /** The run table: name, pipeline, start time, duration, status, error category, error message. */
    static void runs(PrintStream out, List<PipelineRun> runs) {
        Table table = new Table("NAME", "PIPELINE", "START TIME", "DURATION", "STATUS", "CATEGORY", "ERROR MESSAGE");
        for (PipelineRun run : runs) {
            PipelineRunResponse r = run.response();
            table.row(run.name(), pipeline(run), r == null ? null : Formats.time(r.startTime()),
                    r == null ? null : Formats.duration(r.startTime(), r.finishTime()), run.status(),
                    r == null ? null : Formats.category(r.errorCategory()), r == null ? null : r.pipelineRunErrorMessage());
        }
        table.print(out);
    }

    /** One run, every field, then its artifacts. */
    static void run(PrintStream out, PipelineRun run) {
        PipelineRunResponse r = run.response();
        List<String[]> fields = new ArrayList<>();
        fields.add(field("Name", run.name()));
        fields.add(field("Pipeline", pipeline(run)));
        fields.add(field("Status", run.status()));
        if (r != null) {
            fields.add(field("Start time", Formats.time(r.startTime())));
            fields.add(field("Finish time", Formats.time(r.finishTime())));
            fields.add(field("Duration", Formats.duration(r.startTime(), r.finishTime())));
            fields.add(field("Progress", r.progress().percentage() + "% (" + Formats.bytes(r.progress().bytesDone())
                    + ", artifacts " + r.progress().artifactsDone() + "/" + r.progress().artifactsTotal() + ")"));
        }
        BlobLocation blob = run.request().target() != null ? run.request().target() : run.request().source();
        BlobLocation done = r == null ? null : (r.target() != null ? r.target() : r.source());
        fields.add(field(run.request().target() != null ? "Target blob" : "Source blob",
                done != null && done.uri() != null ? done.uri() : blob.name()));
        if (run.request().targetRepository() != null) {
            fields.add(field("Target repository", run.request().targetRepository()));
        }
        if (r != null) {
            fields.add(field("Catalog digest", r.catalogDigest()));
            if (r.trigger() != null && r.trigger().sourceTrigger() != null) {
                fields.add(field("Triggered at", Formats.time(r.trigger().sourceTrigger().timestamp())));
            }
        }
        if (!run.forceUpdateTag().isEmpty()) {
            fields.add(field("Force update tag", run.forceUpdateTag()));
        }
        if (r != null && r.errorCategory() != null) {
            fields.add(field("Error category", Formats.category(r.errorCategory())));
        }
        if (r != null && r.pipelineRunErrorMessage() != null) {
            fields.add(field("Error message", r.pipelineRunErrorMessage()));
        }
        Table.fields(out, fields);
        if (r != null && !r.artifactResults().isEmpty()) {
            out.println();
            Table table = new Table("ARTIFACT", "DIGEST", "RESULT", "CATEGORY", "MESSAGE");
            for (ArtifactResult a : r.artifactResults()) {
                table.row(a.artifact(), a.digest(), a.status(), Formats.category(a.category()), a.message());
            }
            table.print(out);
        } else if (r != null && !r.importedArtifacts().isEmpty()) {
            out.println();
            out.println("Imported: " + String.join(", ", r.importedArtifacts()));
        }
    }

    /** {@code export/<name>} or {@code import/<name>}. */
    static String pipeline(PipelineRun run) {
        ResourceNames.PipelineId id = run.request().pipeline();
        return id.kind().label() + "/" + id.name();
    }

    private static void container(List<String[]> fields, String role, StorageContainer c) {
        fields.add(field(role + " container", c.uri()));
        fields.add(field("Secret URI", c.secretUri()));
        fields.add(field("Storage access mode", c.accessMode()));
    }

    private static String options(java.util.Set<PipelineOption> options) {
        return options.stream().map(Enum::name).collect(Collectors.joining(" "));
    }

    private static String[] field(String name, Object value) {
        return new String[] {name, value == null ? null : value.toString()};
    }
}
