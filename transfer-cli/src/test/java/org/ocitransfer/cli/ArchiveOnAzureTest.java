// `transfer archive inspect|verify` on a blob in Azure Blob Storage (the real Azurite emulator), read by ranges
// through the same storage client pipelines use; no SAS ever printed.
package org.ocitransfer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.testkit.azure.Azurite;
import org.ocitransfer.testkit.azure.AzuriteExtension;

class ArchiveOnAzureTest {

    @RegisterExtension
    static AzuriteExtension azurite = new AzuriteExtension();

    @TempDir
    Path dir;

    @Test
    void anArchiveBlobIsInspectedAndVerifiedInPlaceAndADamagedCopyIsNamed() throws Exception {
        Azurite storage = azurite.azurite();
        Exports x = exports("inspected", "azureexport");
        Cli cli = x.cli();
        String exports = x.container();
        String sas = x.sas();
        String secret = x.secret();
        String catalogDigest = ok(cli.run("pipeline-run", "create", "-n", "azureexportrun", "-p", "azureexport",
                "-t", "export", "-b", "samples.tar", "-a", Samples.HELLO, Samples.WORLD, Samples.MULTI, "-o", "json"))
                .json().path("response").path("catalogDigest").asText();

        Cli.Result inspected = ok(cli.run("archive", "inspect", exports + "/samples.tar", "--secret-uri", secret,
                "-o", "json"));
        assertThat(inspected.json().path("archive").asText()).isEqualTo(exports + "/samples.tar");
        assertThat(inspected.json().path("catalogDigest").asText()).isEqualTo(catalogDigest);
        assertThat(inspected.json().path("artifacts")).extracting(a -> a.path("name").asText())
                .containsExactly(Samples.HELLO, Samples.WORLD, Samples.MULTI);
        Cli.Result verified = ok(cli.run("archive", "verify", "-p", "azureexport", "-b", "samples.tar",
                "--catalog-digest", catalogDigest, "-o", "json"));
        assertThat(verified.json().path("whole").asBoolean()).isTrue();

        byte[] bytes = storage.containerClient("inspected").getBlobClient("samples.tar").downloadContent().toBytes();
        TarArchiveEntry last = null;
        try (TarFile tar = new TarFile(bytes)) {
            for (TarArchiveEntry e : tar.getEntries()) {
                last = e;
            }
        }
        bytes[(int) last.getDataOffset() + 1] ^= 0x01;
        storage.containerClient("inspected").getBlobClient("damaged.tar").upload(BinaryData.fromBytes(bytes));
        Cli.Result damaged = cli.run("archive", "verify", "-c", exports, "-b", "damaged.tar", "-s", secret,
                "-o", "json");
        assertThat(damaged.exitCode()).as(damaged.describe()).isEqualTo(ExitCodes.FAILED);
        assertThat(damaged.json().path("problems")).hasSize(1);
        JsonNode problem = damaged.json().path("problems").get(0);
        assertThat(problem.path("kind").asText()).isEqualTo("DIGEST_MISMATCH");
        assertThat(problem.path("entry").asText()).isEqualTo(last.getName());
        assertThat(problem.path("offset").asLong()).isEqualTo(last.getDataOffset());

        for (Cli.Result r : new Cli.Result[] {inspected, verified, damaged}) {
            assertThat(r.out() + r.err()).doesNotContain(sas).doesNotContain("sig=");
        }
    }

    @Test
    void aDifferentialPartSetOnAPartSetBaseIsInspectedAndVerifiedInPlace() throws Exception {
        Azurite storage = azurite.azurite();
        Exports x = exports("inparts", "partsexport", "--max-part-size", "4096");
        Cli cli = x.cli();
        String exports = x.container();
        String secret = x.secret();
        String baseDigest = ok(cli.run("pipeline-run", "create", "-n", "baserun", "-p", "partsexport", "-t",
                "export", "-b", "base.tar", "-a", Samples.HELLO, "-o", "json"))
                .json().path("response").path("catalogDigest").asText();
        String diffDigest = ok(cli.run("pipeline-run", "create", "-n", "diffrun", "-p", "partsexport", "-t",
                "export", "-b", "diff.tar", "-a", Samples.HELLO, Samples.WORLD, Samples.MULTI, "--base-blob",
                "base.tar", "-o", "json")).json().path("response").path("catalogDigest").asText();

        JsonNode inspected = ok(cli.run("archive", "inspect", "-c", exports, "-b", "diff.tar", "-s", secret,
                "-o", "json")).json();
        assertThat(inspected.path("catalogDigest").asText()).isEqualTo(diffDigest);
        assertThat(inspected.path("bases")).singleElement().satisfies(b -> {
            assertThat(b.path("blob").asText()).isEqualTo("base.tar");
            assertThat(b.path("catalogDigest").asText()).isEqualTo(baseDigest);
        });
        long listed = 0;
        for (int i = 0; i < inspected.path("parts").size(); i++) {
            JsonNode part = inspected.path("parts").get(i);
            String name = String.format("diff.tar.%03d", i + 1);
            assertThat(part.path("blob").asText()).isEqualTo(name);
            assertThat(part.path("size").asLong()).isEqualTo(storage.containerClient("inparts").getBlobClient(name)
                    .getProperties().getBlobSize());
            listed += part.path("size").asLong();
        }
        assertThat(inspected.path("parts").size()).isGreaterThan(1);
        assertThat(inspected.path("size").asLong()).isEqualTo(listed);

        JsonNode verified = ok(cli.run("archive", "verify", "-p", "partsexport", "-b", "diff.tar",
                "--catalog-digest", diffDigest, "-o", "json")).json();
        assertThat(verified.path("whole").asBoolean()).isTrue();
        assertThat(verified.path("bases")).singleElement().satisfies(b ->
                assertThat(b.path("status").asText()).isEqualTo("MATCHES"));
    }

    /** The CLI, a new container, the SAS (racwdl, an hour) its {@code file:} secret holds. */
    private record Exports(Cli cli, String container, String sas, String secret) {
    }

    /**
     * Creates the container {@code name} with a SAS in a file, and the export pipeline {@code pipeline} from a copy
     * of the sample layout into it ({@code options} added to its create command).
     */
    private Exports exports(String name, String pipeline, String... options) throws IOException {
        Azurite storage = azurite.azurite();
        String container = storage.createContainer(name).toString();
        String sas = storage.containerSas(name, "racwdl", OffsetDateTime.now().plusHours(1));
        String secret = "file:" + Files.writeString(dir.resolve("sas"), sas);
        Cli cli = new Cli(dir.resolve("state"));
        Path layout = Samples.copyLayout(dir.resolve("layout"));
        List<String> args = new ArrayList<>(List.of("export-pipeline", "create", "-n", pipeline,
                "-r", "oci-layout:" + layout, "-c", container, "-s", secret));
        args.addAll(List.of(options));
        ok(cli.run(args.toArray(String[]::new)));
        return new Exports(cli, container, sas, secret);
    }

    private static Cli.Result ok(Cli.Result r) {
        assertThat(r.exitCode()).as(r.describe()).isZero();
        return r;
    }
}
