// `pipeline-run create --base-blob`: a differential export between OCI layout directories through a local container.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DifferentialRunTest {

    @TempDir
    Path dir;

    @Test
    void aDifferentialExportImportsOnTopOfItsBaseAndIsRefusedWithoutIt() throws IOException {
        Cli cli = new Cli(dir.resolve("state"));
        Path source = Samples.copyLayout(dir.resolve("source"));
        String container = Files.createDirectories(dir.resolve("container")).toUri().toString();
        ok(cli.run("export-pipeline", "create", "-n", "myexport", "-r", "oci-layout:" + source, "-c", container));
        ok(cli.run("import-pipeline", "create", "-n", "intotarget", "-r", "oci-layout:" + dir.resolve("target"),
                "-c", container, "-e", "false"));
        ok(cli.run("import-pipeline", "create", "-n", "intoempty", "-r", "oci-layout:" + dir.resolve("empty"),
                "-c", container, "-e", "false"));

        JsonNode full = ok(cli.run("pipeline-run", "create", "-n", "fullrun", "-p", "myexport", "-t", "export",
                "-b", "full.tar", "-a", Samples.HELLO, "-o", "json")).json();
        ok(cli.run("pipeline-run", "create", "-n", "importfull", "-p", "intotarget", "-t", "import",
                "-b", "full.tar"));
        ok(cli.run("pipeline-run", "create", "-n", "diffrun", "-p", "myexport", "-t", "export", "-b", "diff.tar",
                "-a", Samples.HELLO, Samples.WORLD, Samples.MULTI, "--base-blob", "full.tar"));
        assertThat(Files.size(dir.resolve("container/diff.tar")))
                .as("the differential archive leaves out what full.tar holds")
                .isLessThan(sizeOfAWholeExport(cli));

        ok(cli.run("pipeline-run", "create", "-n", "importdiff", "-p", "intotarget", "-t", "import",
                "-b", "diff.tar"));
        Map<String, String> expected = Samples.digests(source);
        assertThat(Samples.digests(dir.resolve("target"))).isEqualTo(expected);

        Cli.Result refused = cli.run("pipeline-run", "create", "-n", "importdiffempty", "-p", "intoempty",
                "-t", "import", "-b", "diff.tar");
        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(refused.err()).contains("full.tar", full.path("response").path("catalogDigest").asText(),
                "Nothing was imported");

        Cli.Result onImport = cli.run("pipeline-run", "create", "-n", "badimport", "-p", "intotarget",
                "-t", "import", "-b", "diff.tar", "--base-blob", "full.tar");
        assertThat(onImport.exitCode()).as(onImport.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(onImport.err()).contains("--base-blob applies to export runs only");

        Cli.Result missing = cli.run("pipeline-run", "create", "-n", "missingbase", "-p", "myexport", "-t", "export",
                "-b", "other.tar", "-a", Samples.WORLD, "--base-blob", "nothere.tar");
        assertThat(missing.exitCode()).as(missing.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(missing.err()).contains("Base archive nothere.tar cannot be used");
    }

    private long sizeOfAWholeExport(Cli cli) throws IOException {
        ok(cli.run("pipeline-run", "create", "-n", "wholerun", "-p", "myexport", "-t", "export", "-b", "whole.tar",
                "-a", Samples.HELLO, Samples.WORLD, Samples.MULTI));
        return Files.size(dir.resolve("container/whole.tar"));
    }

    private static Cli.Result ok(Cli.Result result) {
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return result;
    }
}
