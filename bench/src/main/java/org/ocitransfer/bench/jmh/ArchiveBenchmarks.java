// JMH micro-benchmarks of the archive's hot paths: a region streamed and verified, the whole archive written, an
// archive's headers indexed. Run with bench/jmh.sh; never part of the tests.
package org.ocitransfer.bench.jmh;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.ocitransfer.api.ArtifactRef;
import org.ocitransfer.core.internal.archive.ArchivePlan;
import org.ocitransfer.core.internal.archive.ArchiveReader;
import org.ocitransfer.core.internal.archive.ArchiveRegion;
import org.ocitransfer.core.internal.archive.ArchiveRequest;
import org.ocitransfer.core.internal.archive.ArchiveSource;
import org.ocitransfer.core.internal.archive.ArchiveWriter;
import org.ocitransfer.core.internal.archive.ArchivedArtifact;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The archive's per-byte and per-entry costs, in memory (no disk, no network):
 *
 * <ul>
 *   <li>{@link #streamRegion}: one 16 MiB blob's region (header, data verified with sha256, padding);</li>
 *   <li>{@link #writeWholeArchive}: an archive of eight 16 MiB blobs written as one stream;</li>
 *   <li>{@link #indexArchiveHeaders}: {@link ArchiveReader#open} of an archive of 2,000 small layers (headers
 *       indexed, catalog and manifest checked).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ArchiveBenchmarks {

    private static final int BIG = 16 << 20;

    private ArchivePlan bigPlan;
    private Map<String, byte[]> bigBlobs;
    private ArchiveRegion bigRegion;
    private byte[] smallArchive;

    /** Builds both archives once. */
    @Setup
    public void setUp() throws IOException {
        List<byte[]> layers = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 8; i++) {
            byte[] layer = new byte[BIG];
            for (int j = 0; j < BIG; j += 8) {
                long v = random.nextLong();
                for (int k = 0; k < 8; k++) {
                    layer[j + k] = (byte) (v >>> (8 * k));
                }
            }
            layers.add(layer);
        }
        Archive big = archive(layers);
        bigPlan = big.plan;
        bigBlobs = big.blobs;
        List<ArchiveRegion> regions = ArchiveWriter.regions(bigPlan, Integer.MAX_VALUE);
        bigRegion = regions.get(regions.size() - 1);

        List<byte[]> small = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            small.add(("layer " + i).getBytes(StandardCharsets.UTF_8));
        }
        Archive many = archive(small);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArchiveWriter.write(many.plan, out, d -> new ByteArrayInputStream(many.blobs.get(d.digest())));
        smallArchive = out.toByteArray();
    }

    /** Streams the last blob's region through the verifying region stream. */
    @Benchmark
    public long streamRegion() throws IOException {
        byte[] buffer = new byte[256 * 1024];
        long total = 0;
        try (InputStream in = ArchiveWriter.openRegion(bigPlan, bigRegion,
                d -> new ByteArrayInputStream(bigBlobs.get(d.digest())))) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
            }
        }
        return total;
    }

    /** Writes the whole 128 MiB archive as one stream to nowhere. */
    @Benchmark
    public long writeWholeArchive() throws IOException {
        long[] count = new long[1];
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                count[0] += len;
            }
        };
        ArchiveWriter.write(bigPlan, sink, d -> new ByteArrayInputStream(bigBlobs.get(d.digest())));
        return count[0];
    }

    /** Opens (indexes and checks) an archive of 2,000 small layers held in memory. */
    @Benchmark
    public int indexArchiveHeaders() {
        try (ArchiveReader reader = ArchiveReader.open(new BytesSource(smallArchive))) {
            return reader.index().size();
        }
    }

    private record Archive(ArchivePlan plan, Map<String, byte[]> blobs) {
    }

    /** One image with these layers, planned, with every blob's bytes by digest. */
    private static Archive archive(List<byte[]> layers) {
        List<Descriptor> layerDescriptors = layers.stream().map(l -> Descriptor.of(MediaTypes.OCI_LAYER, l)).toList();
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        Descriptor configDescriptor = Descriptor.of(MediaTypes.OCI_CONFIG, config);
        String manifestJson = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + json(configDescriptor) + ",\"layers\":[" + layerDescriptors.stream().map(ArchiveBenchmarks::json)
                .collect(Collectors.joining(",")) + "]}";
        byte[] manifest = manifestJson.getBytes(StandardCharsets.UTF_8);
        Descriptor root = Descriptor.of(MediaTypes.OCI_MANIFEST, manifest);
        List<Descriptor> blobs = new ArrayList<>();
        blobs.add(root);
        blobs.add(configDescriptor);
        blobs.addAll(layerDescriptors);
        Map<String, byte[]> bytes = new HashMap<>();
        bytes.put(root.digest(), manifest);
        bytes.put(configDescriptor.digest(), config);
        for (int i = 0; i < layers.size(); i++) {
            bytes.put(layerDescriptors.get(i).digest(), layers.get(i));
        }
        ArchivePlan plan = ArchivePlan.plan(new ArchiveRequest("benchpipeline", "benchrun", "registry.example",
                List.of(new ArchivedArtifact(ArtifactRef.parse("registry.example/bench/app:v1"), root)), blobs));
        return new Archive(plan, bytes);
    }

    private static String json(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    /** An archive held in memory. */
    private record BytesSource(byte[] bytes) implements ArchiveSource {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream open(long offset, long length) {
            ArchiveSource.checkRange(this, offset, length);
            return new ByteArrayInputStream(bytes, (int) offset, (int) length);
        }

        @Override
        public String describe() {
            return "memory";
        }
    }
}
