package org.ocitransfer.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.testing.Tools;

/**
 * Interoperability with GNU tar, in both directions: a layout directory archived by {@code tar -C dir -cf x.tar .}
 * (entries named {@code ./...}, a {@code ./} directory, GNU or PAX headers with extra time records) is read by us,
 * and GNU tar lists and extracts our archives.
 */
class GnuTarInteropTest {

    private static Path tar;

    @TempDir
    Path dir;

    @BeforeAll
    static void findTar() {
        tar = Tools.require("tar", "apt-get install -y tar");
    }

    @ParameterizedTest(name = "--format={0}")
    @ValueSource(strings = {"gnu", "posix", "ustar"})
    void weReadALayoutDirectoryArchivedByGnuTar(String format) throws Exception {
        TestContent content = new TestContent();
        Descriptor layer = content.layer(1500, 21);
        Descriptor image = content.image(content.config("amd64", layer), layer);
        Path layout = dir.resolve("layout");
        Files.createDirectories(layout.resolve("blobs/sha256"));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\": \"1.0.0\"}\n");
        for (Map.Entry<String, byte[]> blob : content.all().entrySet()) {
            Files.write(layout.resolve("blobs/sha256/" + blob.getKey().substring(7)), blob.getValue());
        }
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\""
                + image.mediaType() + "\",\"digest\":\"" + image.digest() + "\",\"size\":" + image.size()
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"stable\"}}]}");
        Path archive = dir.resolve("layout-" + format + ".tar");
        run("--format=" + format, "-C", layout.toString(), "-cf", archive.toString(), ".");
        assertThat(run("-tf", archive.toString())).contains("./oci-layout", "./blobs/sha256/");

        try (ArchiveReader reader = ArchiveReader.open(ArchiveSource.of(archive))) {
            assertThat(reader.index()).singleElement().satisfies(e -> assertThat(e.refName()).isEqualTo("stable"));
            Map<String, byte[]> read = ArchiveFixture.readAll(reader);
            assertThat(read).hasSize(content.all().size());
            read.forEach((digest, bytes) -> assertThat(bytes).isEqualTo(content.all().get(digest)));
        }
    }

    @Test
    void gnuTarListsAndExtractsOurArchive() throws Exception {
        ArchiveFixture fixture = new ArchiveFixture();
        ArchivePlan plan = ArchivePlan.plan(fixture.request());
        Path archive = dir.resolve("export.tar");
        Files.write(archive, ArchiveFixture.write(plan, fixture.content.opener()));
        String listing = run("-tvf", archive.toString());
        assertThat(listing.lines().toList()).hasSize(plan.entries().size());
        assertThat(listing).contains("-rw-r--r-- 0/0").contains("1970-01-01");
        Path out = Files.createDirectories(dir.resolve("extracted"));
        run("-C", out.toString(), "-xf", archive.toString());
        assertThat(Files.readAllBytes(out.resolve("index.json"))).isEqualTo(plan.indexJson());
        for (Map.Entry<String, byte[]> blob : fixture.content.all().entrySet()) {
            assertThat(Files.readAllBytes(out.resolve("blobs/sha256/" + blob.getKey().substring(7))))
                    .isEqualTo(blob.getValue());
        }
    }

    private String run(String... args) throws IOException, InterruptedException {
        return Tools.run(dir, Duration.ofSeconds(60), tar, args);
    }
}
