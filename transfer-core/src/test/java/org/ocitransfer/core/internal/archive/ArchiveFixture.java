package org.ocitransfer.core.internal.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ocitransfer.api.ArtifactRef;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Manifests;

/**
 * A realistic archive's content: two images sharing a layer, a multi-arch index (with its children) sharing it
 * too, and a non-image artifact (artifactType, empty config) sharing another image's layer, named by a digest.
 */
final class ArchiveFixture {

    final TestContent content = new TestContent();
    final Descriptor shared;
    final Descriptor image1;
    final Descriptor image2;
    final Descriptor index;
    final Descriptor artifact;
    final List<ArchivedArtifact> artifacts = new ArrayList<>();

    ArchiveFixture() {
        shared = content.layer(3000, 1);
        Descriptor l2 = content.layer(5000, 2);
        Descriptor l3 = content.layer(700, 3);
        Descriptor l4 = content.layer(1200, 4);
        image1 = content.image(content.config("amd64", shared, l2), shared, l2);
        image2 = content.image(content.config("amd64", shared, l3), shared, l3);
        Descriptor amd = content.image(content.config("amd64", shared), shared);
        Descriptor arm = content.image(content.config("arm64", l4), l4);
        Map<String, Descriptor> platforms = new LinkedHashMap<>();
        platforms.put("amd64", amd);
        platforms.put("arm64", arm);
        index = content.index(platforms);
        Descriptor sbom = content.put("application/vnd.example.sbom.v1+json",
                "{\"packages\":[\"a\",\"b\"]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        artifact = content.artifact("application/vnd.example.sbom.v1", sbom, l2);
        artifacts.add(new ArchivedArtifact(ArtifactRef.parse("registry.example:5000/team/app:1.0"), image1));
        artifacts.add(new ArchivedArtifact(ArtifactRef.parse("registry.example:5000/team/app:2.0"), image2));
        artifacts.add(new ArchivedArtifact(ArtifactRef.parse("registry.example:5000/team/multi:latest"), index));
        artifacts.add(new ArchivedArtifact(
                ArtifactRef.parse("registry.example:5000/team/sbom@" + artifact.digest()), artifact));
    }

    /** The request: every blob of every graph in archive order, shared blobs repeated (the planner dedupes). */
    ArchiveRequest request() {
        List<Descriptor> roots = artifacts.stream().map(ArchivedArtifact::root).toList();
        return new ArchiveRequest("exportpipe", "run0001", "registry.example:5000", artifacts,
                content.blobsInOrder(roots));
    }

    /** Plans and writes the archive into memory. */
    static byte[] write(ArchivePlan plan, ArchiveWriter.BlobOpener opener) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ArchiveWriter.write(plan, out, opener);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Reads every graph the index names through the reader, returning each blob's bytes by digest: manifests by
     * readManifest, everything else by open (verified while streaming).
     */
    static Map<String, byte[]> readAll(ArchiveReader reader) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        List<Descriptor> todo = new ArrayList<>();
        reader.index().forEach(e -> todo.add(e.descriptor()));
        while (!todo.isEmpty()) {
            Descriptor d = todo.remove(todo.size() - 1);
            if (out.containsKey(d.digest())) {
                continue;
            }
            if (d.isManifest()) {
                byte[] bytes = reader.readManifest(d);
                out.put(d.digest(), bytes);
                todo.addAll(Manifests.parse(d, bytes).children());
            } else {
                try (var in = reader.open(d)) {
                    out.put(d.digest(), in.readAllBytes());
                }
            }
        }
        return out;
    }
}
