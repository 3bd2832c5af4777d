package org.ocitransfer.core.internal.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Manifests;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.testing.Seeds;

/**
 * Test content with proper OCI JSON: gzip layers of random bytes, configs, image manifests, indexes with platforms,
 * and artifacts with an artifactType and the empty config. Holds every blob's bytes by digest. Its static helpers
 * also serve the hostile archives.
 */
public final class TestContent {

    static final String EMPTY_JSON = "{}";

    private final Map<String, byte[]> blobs = new LinkedHashMap<>();

    /** Stores bytes as a blob of that media type. */
    Descriptor put(String mediaType, byte[] bytes) {
        Descriptor d = Descriptor.of(mediaType, bytes);
        blobs.put(d.digest(), bytes);
        return d;
    }

    /** A stored blob's bytes. */
    byte[] bytes(Descriptor d) {
        byte[] b = blobs.get(d.digest());
        if (b == null) {
            throw new IllegalArgumentException("no test blob " + d.digest());
        }
        return b;
    }

    /** Every stored blob, by digest. */
    Map<String, byte[]> all() {
        return blobs;
    }

    /** {@code raw}, gzip-compressed. */
    public static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A gzip layer of {@code size} random bytes (incompressible, so slightly larger than size). */
    Descriptor layer(int size, long seed) {
        return put(MediaTypes.OCI_LAYER_GZIP, gzip(Seeds.bytes(size, seed)));
    }

    /** Where {@code needle} first stands in {@code haystack}. */
    public static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }

    /** An image config naming the layers' digests as diff ids. */
    Descriptor config(String architecture, Descriptor... layers) {
        StringBuilder diffIds = new StringBuilder();
        for (Descriptor l : layers) {
            diffIds.append(diffIds.length() == 0 ? "" : ",").append('"').append(l.digest()).append('"');
        }
        String json = "{\"architecture\":\"" + architecture + "\",\"os\":\"linux\",\"config\":{},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}";
        return put(MediaTypes.OCI_CONFIG, json.getBytes(StandardCharsets.UTF_8));
    }

    /** An image manifest. */
    Descriptor image(Descriptor config, Descriptor... layers) {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + json(config) + ",\"layers\":[" + join(layers) + "]}";
        return put(MediaTypes.OCI_MANIFEST, json.getBytes(StandardCharsets.UTF_8));
    }

    /** An artifact manifest: an artifactType, the empty config, its files as layers. */
    Descriptor artifact(String artifactType, Descriptor... files) {
        Descriptor empty = put(MediaTypes.OCI_EMPTY, EMPTY_JSON.getBytes(StandardCharsets.UTF_8));
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"artifactType\":\""
                + artifactType + "\",\"config\":" + json(empty) + ",\"layers\":[" + join(files) + "]}";
        Descriptor d = put(MediaTypes.OCI_MANIFEST, json.getBytes(StandardCharsets.UTF_8));
        return new Descriptor(d.mediaType(), d.digest(), d.size(), null, null, null, artifactType);
    }

    /** An image index over platform manifests ({@code architecture -> manifest}). */
    Descriptor index(Map<String, Descriptor> byArchitecture) {
        List<String> items = new ArrayList<>();
        byArchitecture.forEach((arch, m) -> items.add("{\"mediaType\":\"" + m.mediaType() + "\",\"digest\":\""
                + m.digest() + "\",\"size\":" + m.size() + ",\"platform\":{\"architecture\":\"" + arch
                + "\",\"os\":\"linux\"}}"));
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + String.join(",", items) + "]}";
        return put(MediaTypes.OCI_INDEX, json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Every blob of the roots' graphs in archive order: manifests (pre-order) and configs first, then layers.
     * Shared blobs appear as often as they are named (the planner stores each once).
     */
    List<Descriptor> blobsInOrder(List<Descriptor> roots) {
        List<Descriptor> front = new ArrayList<>();
        List<Descriptor> layers = new ArrayList<>();
        for (Descriptor root : roots) {
            walk(root, front, layers);
        }
        front.addAll(layers);
        return front;
    }

    private void walk(Descriptor d, List<Descriptor> front, List<Descriptor> layers) {
        front.add(d);
        Manifests.Parsed parsed = Manifests.parse(d, bytes(d));
        if (parsed.config() != null) {
            front.add(parsed.config());
        }
        layers.addAll(parsed.layers());
        for (Descriptor child : parsed.manifests()) {
            walk(child, front, layers);
        }
    }

    /** Opens stored blobs (raw, unverified: the writer verifies). */
    ArchiveWriter.BlobOpener opener() {
        return d -> new ByteArrayInputStream(bytes(d));
    }

    /** A descriptor as OCI JSON (media type, digest, size). */
    public static String json(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    private static String join(Descriptor... ds) {
        List<String> parts = new ArrayList<>();
        for (Descriptor d : ds) {
            parts.add(json(d));
        }
        return String.join(",", parts);
    }
}
