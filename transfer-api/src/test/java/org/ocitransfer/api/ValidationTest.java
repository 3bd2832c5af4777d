package org.ocitransfer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Names, options per pipeline kind, resource ids and request shapes. */
class ValidationTest {

    private static final StorageContainer DIR = StorageContainer.of(URI.create("file:///tmp/c"));

    @Test
    void namesAreFiveToFiftyAlphanumerics() {
        assertThat(ResourceNames.validate("abcde", "x")).isEqualTo("abcde");
        assertThat(ResourceNames.validate("A1".repeat(25), "x")).hasSize(50);
        for (String bad : new String[] {"abcd", "a".repeat(51), "with-dash", "with_underscore", "space d", "ümlaut",
                ""}) {
            assertThatThrownBy(() -> new ExportPipeline(bad, "oci-layout:/x", DIR, Set.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("export pipeline name '" + bad + "'")
                    .hasMessageContaining("5 to 50 letters or digits");
        }
        assertThatThrownBy(() -> new PipelineRun("r-1", PipelineRunRequest.importBlob("pipeline1", "b"), null, null,
                null)).hasMessageContaining("pipeline run name 'r-1'");
    }

    @Test
    void exportPipelinesTakeOnlyExportOptions() {
        ExportPipeline ok = new ExportPipeline("export1", "oci-layout:/x", DIR,
                EnumSet.of(PipelineOption.OverwriteBlobs, PipelineOption.ContinueOnErrors,
                        PipelineOption.IncludeReferrers));
        assertThat(ok.options()).hasSize(3);
        for (PipelineOption importOnly : List.of(PipelineOption.OverwriteTags,
                PipelineOption.DeleteSourceBlobOnSuccess)) {
            assertThatThrownBy(() -> new ExportPipeline("export1", "oci-layout:/x", DIR, Set.of(importOnly)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Option " + importOnly + " does not apply to export pipelines")
                    .hasMessageContaining("OverwriteBlobs, IncludeReferrers, ContinueOnErrors");
        }
    }

    @Test
    void importPipelinesTakeOnlyImportOptionsAndTriggerDefaultsOn() {
        ImportPipeline ok = new ImportPipeline("import1", "oci-layout:/x", DIR, EnumSet.of(
                PipelineOption.OverwriteTags, PipelineOption.DeleteSourceBlobOnSuccess,
                PipelineOption.ContinueOnErrors));
        assertThat(ok.sourceTrigger()).isEqualTo(TriggerStatus.Enabled);
        for (PipelineOption exportOnly : List.of(PipelineOption.OverwriteBlobs, PipelineOption.IncludeReferrers)) {
            assertThatThrownBy(() -> new ImportPipeline("import1", "oci-layout:/x", DIR, Set.of(exportOnly)))
                    .hasMessageContaining("does not apply to import pipelines")
                    .hasMessageContaining("ContinueOnErrors, OverwriteTags, DeleteSourceBlobOnSuccess");
        }
    }

    @Test
    void optionNamesParsePerKind() {
        assertThat(PipelineOption.parse("overwriteblobs", PipelineKind.EXPORT)).isEqualTo(PipelineOption.OverwriteBlobs);
        assertThatThrownBy(() -> PipelineOption.parse("Overwrite", PipelineKind.IMPORT))
                .hasMessageContaining("Unknown pipeline option 'Overwrite'")
                .hasMessageContaining("import pipelines take ContinueOnErrors, OverwriteTags, DeleteSourceBlobOnSuccess");
        assertThatThrownBy(() -> PipelineOption.parse("OverwriteTags", PipelineKind.EXPORT))
                .hasMessageContaining("does not apply to export pipelines");
        assertThatThrownBy(() -> StorageAccessMode.parse("Key")).hasMessageContaining("SasToken or ManagedIdentity");
    }

    @Test
    void resourceIdsAreShapedLikeTheModel() {
        ExportPipeline p = new ExportPipeline("export1", "oci-layout:/x", DIR, Set.of());
        assertThat(p.id()).isEqualTo("/exportPipelines/export1");
        assertThat(new ImportPipeline("import1", "oci-layout:/x", DIR, Set.of()).id())
                .isEqualTo("/importPipelines/import1");
        assertThat(ResourceNames.runId("run12")).isEqualTo("/pipelineRuns/run12");
        ResourceNames.PipelineId arm = ResourceNames.parsePipelineId("/subscriptions/s/resourceGroups/g/providers/"
                + "Microsoft.ContainerRegistry/registries/r/importPipelines/myImport");
        assertThat(arm.kind()).isEqualTo(PipelineKind.IMPORT);
        assertThat(arm.name()).isEqualTo("myImport");
        assertThatThrownBy(() -> ResourceNames.parsePipelineId("myImport"))
                .hasMessageContaining("must end in /exportPipelines/<name> or /importPipelines/<name>");
    }

    @Test
    void requestsHaveTheRightShapePerKind() {
        assertThatThrownBy(() -> PipelineRunRequest.export("export1", "blob.tar", List.of()))
                .hasMessageContaining("at least one artifact");
        assertThatThrownBy(() -> PipelineRunRequest.export("export1", "blob.tar", List.of("Bad:ref")))
                .hasMessageContaining("Invalid artifact reference 'Bad:ref'");
        assertThatThrownBy(() -> PipelineRunRequest.importBlob("import1", "../up"))
                .hasMessageContaining("Invalid blob name '../up'");
        assertThat(PipelineRunRequest.importBlob("import1", "a.tar").withTargetRepository("lib/app")
                .targetRepository()).isEqualTo("lib/app");
    }

    @Test
    void containerUrisNeverCarryASas() {
        assertThatThrownBy(() -> StorageContainer.of(URI.create("https://a.blob.core.windows.net/c?sv=1&sig=abc"),
                null)).hasMessageContaining("must not carry a query string")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sig=abc"));
        assertThatThrownBy(() -> new StorageContainer(URI.create("https://a.blob.core.windows.net/c"), "env:X",
                StorageAccessMode.ManagedIdentity)).hasMessageContaining("takes no secret URI");
    }

    @Test
    void progressPercentageUsesBytesThenArtifacts() {
        assertThat(new RunProgress(50, 200, 0, 4).percentage()).isEqualTo(25);
        assertThat(new RunProgress(0, 0, 1, 4).percentage()).isEqualTo(25);
        assertThat(RunProgress.NONE.percentage()).isZero();
    }
}
