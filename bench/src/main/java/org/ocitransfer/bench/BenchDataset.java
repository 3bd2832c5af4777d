// Generates the benchmark's content deterministically and pushes it into a registry over HTTP.
package org.ocitransfer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.http.HttpRegistry;
import org.ocitransfer.testkit.content.ContentGenerator;
import org.ocitransfer.testkit.content.GeneratedArtifact;
import org.ocitransfer.testkit.content.GeneratedContent;

/**
 * The benchmark's datasets, the same bytes on every run (fixed seeds):
 *
 * <ul>
 *   <li>{@code set <registry> <out-dir>}: 22 images and one index; 912 MiB of unique blobs: a 64 MiB base layer
 *       shared by all 22 images, one image with a 512 MiB layer, 21 with their own 16 MiB layer; the index lists
 *       two of the images. Writes {@code artifacts.txt} (one reference a line; the index last, marked {@code all}),
 *       {@code unique-bytes} and {@code blobs.txt} ({@code repository digest size manifests|blobs} per unique
 *       blob).</li>
 *   <li>{@code big <registry> <out-dir> <bytes> <storage-dir>}: one image with a single layer of that many bytes,
 *       written into the registry's storage (its filesystem driver's {@code rootdirectory}) by {@link StoredLayer};
 *       its config and manifest are pushed.</li>
 *   <li>{@code new <registry> <out-dir>}: after {@code set}, one new image {@code bench/new:v1}: the set's 64 MiB base
 *       layer (mounted, not pushed again) and a new 24 MiB layer; {@code unique-bytes} counts only what the set
 *       lacks (its manifest, config and new layer), the differential export's payload.</li>
 * </ul>
 */
public final class BenchDataset {

    private static final long MIB = 1024 * 1024;

    private BenchDataset() {
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: BenchDataset set <registry-url> <out-dir>"
                    + " | big <registry-url> <out-dir> <bytes> <storage-dir> | new <registry-url> <out-dir>");
            System.exit(2);
        }
        Path out = Path.of(args[2]);
        Files.createDirectories(out);
        long started = System.nanoTime();
        try (HttpRegistry registry = HttpRegistry.builder().uri(args[1]).build()) {
            Map<String, Descriptor> unique = new LinkedHashMap<>();
            Map<String, String> repositoryOf = new LinkedHashMap<>();
            List<String> references = new ArrayList<>();
            if (args[0].equals("set")) {
                ContentGenerator gen = new ContentGenerator(20240101L);
                GeneratedContent base = gen.layer(64 * MIB);
                List<GeneratedArtifact> images = new ArrayList<>();
                for (int i = 1; i <= 22; i++) {
                    long own = i == 22 ? 512 * MIB : 16 * MIB;
                    GeneratedArtifact image = gen.image(List.of(base, gen.layer(own)));
                    String repository = String.format("bench/app%02d", i);
                    if (i > 1) {
                        // The shared base is already in bench/app01: mount it instead of uploading it again.
                        registry.repository(repository).mount(base.descriptor(), "bench/app01");
                    }
                    image.pushTo(registry.repository(repository), "v1");
                    images.add(image);
                    references.add(repository + ":v1");
                    record(image, repository, unique, repositoryOf);
                    System.out.println("pushed " + repository + ":v1");
                }
                GeneratedArtifact index = gen.index(List.of(images.get(0), images.get(1)));
                for (int i = 0; i < 2; i++) {
                    for (Descriptor blob : images.get(i).blobs()) {
                        registry.repository("bench/multi").mount(blob, String.format("bench/app%02d", i + 1));
                    }
                }
                index.pushTo(registry.repository("bench/multi"), "latest");
                references.add("bench/multi:latest all");
                record(index, "bench/multi", unique, repositoryOf);
                System.out.println("pushed bench/multi:latest");
            } else if (args[0].equals("big")) {
                if (args.length < 5) {
                    throw new IllegalArgumentException("big needs <bytes> and <storage-dir>: the registry's"
                            + " filesystem rootdirectory, where the layer is written");
                }
                long size = Long.parseLong(args[3]);
                GeneratedContent layer = bigLayer(registry, Path.of(args[4]), "bench/big", 20240103L, size);
                GeneratedArtifact image = new ContentGenerator(20240102L).image(List.of(layer));
                image.pushTo(registry.repository("bench/big"), "v1"); // the layer is there: config and manifest
                references.add("bench/big:v1");
                record(image, "bench/big", unique, repositoryOf);
            } else if (args[0].equals("new")) {
                ContentGenerator setGen = new ContentGenerator(20240101L);
                GeneratedContent base = setGen.layer(64 * MIB); // the set's shared base: same seed, first layer
                GeneratedArtifact image = new ContentGenerator(20240104L).image(List.of(base,
                        new ContentGenerator(20240105L).layer(24 * MIB)));
                registry.repository("bench/new").mount(base.descriptor(), "bench/app01");
                image.pushTo(registry.repository("bench/new"), "v1");
                references.add("bench/new:v1");
                record(image, "bench/new", unique, repositoryOf);
                unique.remove(base.descriptor().digest());
            } else {
                throw new IllegalArgumentException("Unknown dataset '" + args[0] + "': use set, big or new");
            }
            long total = unique.values().stream().mapToLong(Descriptor::size).sum();
            Files.write(out.resolve("artifacts.txt"), references);
            Files.writeString(out.resolve("unique-bytes"), total + "\n");
            List<String> blobs = new ArrayList<>();
            unique.forEach((digest, d) -> blobs.add(repositoryOf.get(digest) + " " + digest + " " + d.size() + " "
                    + (d.isManifest() ? "manifests" : "blobs")));
            Files.write(out.resolve("blobs.txt"), blobs);
            System.out.printf("dataset %s: %d artifacts, %d unique blobs, %d bytes (%.1f MiB), generated in %.1f s%n",
                    args[0], references.size(), unique.size(), total, total / (double) MIB,
                    (System.nanoTime() - started) / 1e9);
        }
    }

    /**
     * A layer of {@code size} seeded bytes written into the registry's storage at {@code storage} in one pass
     * ({@link StoredLayer}), checked to be served by the registry; its source regenerates the bytes.
     */
    private static GeneratedContent bigLayer(HttpRegistry registry, Path storage, String repository, long seed,
                                             long size) throws IOException {
        long started = System.nanoTime();
        Descriptor layer = StoredLayer.write(storage, repository, seed, size);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("layer of %d bytes generated, digested, written and synced in %.2f s = %.2f s/GiB%n", size,
                seconds, seconds / (size / (double) (1L << 30)));
        if (!registry.repository(repository).exists(layer)) {
            throw new IllegalStateException("The registry does not serve the layer " + layer.digest() + " written"
                    + " under " + storage + ": give its filesystem driver's rootdirectory as <storage-dir>");
        }
        return new GeneratedContent(layer, ContentSource.reopenable(() -> new FastRandomStream(seed, size)));
    }

    private static void record(GeneratedArtifact artifact, String repository, Map<String, Descriptor> unique,
                               Map<String, String> repositoryOf) {
        for (GeneratedContent c : artifact.contents()) {
            if (unique.putIfAbsent(c.descriptor().digest(), c.descriptor()) == null) {
                repositoryOf.put(c.descriptor().digest(), repository);
            }
        }
    }
}
