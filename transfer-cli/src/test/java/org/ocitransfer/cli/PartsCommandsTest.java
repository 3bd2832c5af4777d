// --max-part-size on the command line: a pipeline's part size, a run's override, blob copy and import of a part set.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartsCommandsTest {

    @TempDir
    Path dir;

    @Test
    void anExportInPartsIsCopiedAndImportedByItsNameWithEveryDigest() throws IOException {
        Cli cli = new Cli(dir.resolve("state"));
        Path source = Samples.copyLayout(dir.resolve("source"));
        Path target = dir.resolve("target");
        Path container = Files.createDirectories(dir.resolve("container"));
        Path other = Files.createDirectories(dir.resolve("other"));
        ok(cli.run("export-pipeline", "create", "-n", "myexport", "-r", "oci-layout:" + source,
                "-c", container.toUri().toString(), "--max-part-size", "1KiB"));
        ok(cli.run("import-pipeline", "create", "-n", "myimport", "-r", "oci-layout:" + target,
                "-c", other.toUri().toString(), "-e", "false"));

        JsonNode export = ok(cli.run("pipeline-run", "create", "-n", "exportrun", "-p", "myexport", "-t", "export",
                "-b", "samples.tar", "-a", Samples.HELLO, Samples.WORLD, Samples.MULTI, "--max-part-size", "2048",
                "-o", "json")).json();
        assertThat(export.path("ocitransfer").path("maxPartSize").asLong()).isEqualTo(2048);
        ByteArrayOutputStream concatenated = new ByteArrayOutputStream();
        int count = 0;
        for (Path part = container.resolve("samples.tar.001"); Files.exists(part);
             part = container.resolve(String.format("samples.tar.%03d", ++count + 1))) {
            concatenated.write(Files.readAllBytes(part));
        }
        assertThat(count).isGreaterThan(2);
        assertThat(Files.size(container.resolve("samples.tar.001"))).isEqualTo(2048); // the run's size, not 1 KiB
        assertThat(container.resolve("samples.tar")).doesNotExist();

        Cli.Result copy = ok(cli.run("blob", "copy", "--source", container.toUri() + "samples.tar",
                "--target", other.toUri() + "moved.tar", "-o", "json"));
        assertThat(copy.json().path("size").asLong()).isEqualTo(concatenated.size());
        assertThat(copy.json().path("catalogDigest").asText())
                .isEqualTo(export.path("response").path("catalogDigest").asText());
        JsonNode imported = ok(cli.run("pipeline-run", "create", "-n", "importrun", "-p", "myimport", "-t", "import",
                "-b", "moved.tar", "-o", "json")).json();
        assertThat(imported.path("response").path("catalogDigest").asText())
                .isEqualTo(export.path("response").path("catalogDigest").asText());
        assertThat(Samples.digests(target)).isEqualTo(Samples.digests(source));
    }

    @Test
    void aMalformedSizeOrAPartSizeOnAnImportIsAUsageError() {
        Cli cli = new Cli(dir.resolve("state"));
        Cli.Result malformed = cli.run("export-pipeline", "create", "-n", "myexport", "-r", "oci-layout:/x",
                "-c", dir.toUri().toString(), "--max-part-size", "12XB");
        assertThat(malformed.exitCode()).as(malformed.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(malformed.err()).contains("'12XB' is not a size").contains("512MiB");
        Cli.Result zero = cli.run("export-pipeline", "create", "-n", "myexport", "-r", "oci-layout:/x",
                "-c", dir.toUri().toString(), "--max-part-size", "0MiB");
        assertThat(zero.exitCode()).as(zero.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(zero.err()).contains("at least 1 byte");
        Cli.Result onImport = cli.run("pipeline-run", "create", "-n", "importrun", "-p", "myimport", "-t", "import",
                "-b", "x.tar", "--max-part-size", "1MiB");
        assertThat(onImport.exitCode()).as(onImport.describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(onImport.err()).contains("--max-part-size applies to export runs only");
    }

    private static Cli.Result ok(Cli.Result result) {
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return result;
    }
}
