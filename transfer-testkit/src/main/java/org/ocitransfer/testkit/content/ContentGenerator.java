package org.ocitransfer.testkit.content;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.testkit.random.Seeds;

/**
 * Makes OCI content for tests, deterministically: the same seed and the same calls give the same bytes and
 * digests. Images (OCI or Docker v2 schema 2) with layers of given sizes, multi-arch indexes, non-image artifacts
 * and referrers (SBOMs, signatures); push them with {@link GeneratedArtifact#pushTo}.
 *
 * <pre>{@code
 * ContentGenerator gen = new ContentGenerator(42);
 * List<GeneratedContent> pool = gen.layers(1024, 2048);       // layers to share
 * GeneratedArtifact a = gen.image(pool);                      // two images sharing
 * GeneratedArtifact b = gen.image(List.of(pool.get(0), gen.layer(10 << 20)));
 * GeneratedArtifact multi = gen.multiArchIndex(List.of("linux/amd64", "linux/arm64"), 4096);
 * GeneratedArtifact sbom = gen.sbom(a.root());
 * a.pushTo(repository, "v1");
 * sbom.pushTo(repository);
 * }</pre>
 *
 * <p>Manifests are serialised once, and those exact bytes are what is pushed and digested. Layers are opaque
 * random bytes (registries do not look inside them); layers larger than {@link #STREAMED_LAYER_BYTES} are never
 * held in memory: they are regenerated from their seed each time they are read. Not thread-safe.
 */
public final class ContentGenerator {

    /** Layers at least this large are streamed from their seed instead of held in memory (1 MiB). */
    public static final long STREAMED_LAYER_BYTES = 1024 * 1024;
    /** The annotation carrying each manifest's nonce, so equal structures still differ. */
    public static final String NONCE_ANNOTATION = "org.ocitransfer.testkit.nonce";
    /** The {@code created} time written in configs and annotations: fixed, so content stays deterministic. */
    public static final String CREATED = "2024-01-01T00:00:00Z";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.US_ASCII);
    /** The OCI empty descriptor ({@code {}}), used as an artifact's config. */
    private static final GeneratedContent EMPTY = new GeneratedContent(
            Descriptor.of(MediaTypes.OCI_EMPTY, EMPTY_JSON), ContentSource.of(EMPTY_JSON));

    private final SplittableRandom random;

    /** A generator whose every output is determined by this seed (one a rerun repeats: {@link Seeds#seed(long)}). */
    public ContentGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A generator seeded with the run's seed ({@link Seeds#seed()}, printed; {@code -Dtest.seed=N} repeats it). */
    public ContentGenerator() {
        this(Seeds.seed());
    }

    // ----- layers -----

    /** A new OCI layer ({@code application/vnd.oci.image.layer.v1.tar}) of this many random bytes. */
    public GeneratedContent layer(long size) {
        return blob(MediaTypes.OCI_LAYER, size);
    }

    /** New OCI layers of these sizes. */
    public List<GeneratedContent> layers(long... sizes) {
        return Arrays.stream(sizes).mapToObj(this::layer).toList();
    }

    /**
     * A new blob of this media type and this many random bytes (streamed from its seed when at least
     * {@link #STREAMED_LAYER_BYTES}).
     */
    public GeneratedContent blob(String mediaType, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("A blob size cannot be negative: " + size);
        }
        long seed = random.nextLong();
        if (size < STREAMED_LAYER_BYTES) {
            byte[] bytes;
            try (InputStream in = new SeededInputStream(seed, size)) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new GeneratedContent(Descriptor.of(mediaType, bytes), ContentSource.of(bytes));
        }
        MessageDigest sha = Digest.newSha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = new SeededInputStream(seed, size)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String digest = "sha256:" + HexFormat.of().formatHex(sha.digest());
        return new GeneratedContent(Descriptor.of(mediaType, digest, size),
                ContentSource.reopenable(() -> new SeededInputStream(seed, size)));
    }

    // ----- images -----

    /** An OCI image for linux/amd64 with new layers of these sizes. */
    public GeneratedArtifact image(long... layerSizes) {
        return image("linux/amd64", layers(layerSizes));
    }

    /** An OCI image for linux/amd64 with these layers (pass the same layers to several images to share them). */
    public GeneratedArtifact image(List<GeneratedContent> layers) {
        return image("linux/amd64", layers);
    }

    /**
     * An OCI image for linux/amd64 with layers from a shared pool followed by new layers of these sizes.
     *
     * @param sharedLayers layers other images use too (from {@link #layers(long...)})
     * @param newLayerSizes sizes of layers only this image has
     */
    public GeneratedArtifact image(List<GeneratedContent> sharedLayers, long... newLayerSizes) {
        List<GeneratedContent> all = new ArrayList<>(sharedLayers);
        all.addAll(layers(newLayerSizes));
        return image("linux/amd64", all);
    }

    /**
     * An OCI image for a platform with these layers.
     *
     * @param platform {@code os/architecture[/variant]}, e.g. {@code linux/arm64/v8}
     */
    public GeneratedArtifact image(String platform, List<GeneratedContent> layers) {
        return image(platform, layers, MediaTypes.OCI_MANIFEST, MediaTypes.OCI_CONFIG);
    }

    /** A Docker v2 schema 2 image (Docker media types) for linux/amd64 with new layers of these sizes. */
    public GeneratedArtifact dockerImage(long... layerSizes) {
        return dockerImage("linux/amd64", layerSizes);
    }

    /** A Docker v2 schema 2 image for a platform with new gzip-typed layers of these sizes. */
    public GeneratedArtifact dockerImage(String platform, long... layerSizes) {
        List<GeneratedContent> layers = Arrays.stream(layerSizes)
                .mapToObj(size -> blob(MediaTypes.DOCKER_LAYER_GZIP, size)).toList();
        return image(platform, layers, MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_CONFIG);
    }

    private GeneratedArtifact image(String platform, List<GeneratedContent> layers, String manifestType,
                                    String configType) {
        Map<String, Object> platformMap = platform(platform);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", CREATED);
        config.put("architecture", platformMap.get("architecture"));
        if (platformMap.containsKey("variant")) {
            config.put("variant", platformMap.get("variant"));
        }
        config.put("os", platformMap.get("os"));
        config.put("config", ordered("Labels", ordered(NONCE_ANNOTATION, nonce())));
        config.put("rootfs", ordered("type", "layers",
                "diff_ids", layers.stream().map(l -> l.descriptor().digest()).toList()));
        GeneratedContent configBlob = json(configType, config);

        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", manifestType);
        manifest.put("config", descriptorJson(configBlob.descriptor()));
        manifest.put("layers", layers.stream().map(l -> descriptorJson(l.descriptor())).toList());
        GeneratedContent root = json(manifestType, manifest);

        List<GeneratedContent> contents = new ArrayList<>();
        contents.add(configBlob);
        contents.addAll(layers);
        contents.add(root);
        return new GeneratedArtifact(root.descriptor(), distinct(contents), List.of(), null, platformMap);
    }

    // ----- indexes -----

    /**
     * A multi-arch OCI index: one new image per platform, each with new layers of these sizes, plus one layer
     * shared by every child (so the children share content, as real multi-arch images share files).
     */
    public GeneratedArtifact multiArchIndex(List<String> platforms, long... layerSizes) {
        GeneratedContent shared = layer(512);
        List<GeneratedArtifact> children = new ArrayList<>();
        for (String platform : platforms) {
            List<GeneratedContent> layers = new ArrayList<>();
            layers.add(shared);
            layers.addAll(layers(layerSizes));
            children.add(image(platform, layers));
        }
        return index(children);
    }

    /** An OCI index of these children (images carry their platform into the index entries). */
    public GeneratedArtifact index(List<GeneratedArtifact> children) {
        return index(children, MediaTypes.OCI_INDEX);
    }

    /** A Docker manifest list of Docker images, one per platform, each with new layers of these sizes. */
    public GeneratedArtifact dockerManifestList(List<String> platforms, long... layerSizes) {
        List<GeneratedArtifact> children = platforms.stream().map(p -> dockerImage(p, layerSizes)).toList();
        return index(children, MediaTypes.DOCKER_MANIFEST_LIST);
    }

    private GeneratedArtifact index(List<GeneratedArtifact> children, String indexType) {
        if (children.isEmpty()) {
            throw new IllegalArgumentException("An index needs at least one child");
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", indexType);
        index.put("manifests", children.stream().map(c -> descriptorJson(c.rootWithPlatform())).toList());
        if (MediaTypes.OCI_INDEX.equals(indexType)) {
            index.put("annotations", ordered(NONCE_ANNOTATION, nonce()));
        }
        GeneratedContent root = json(indexType, index);
        List<GeneratedContent> contents = new ArrayList<>();
        children.forEach(c -> contents.addAll(c.contents()));
        contents.add(root);
        return new GeneratedArtifact(root.descriptor(), distinct(contents), children, null, null);
    }

    // ----- artifacts and referrers -----

    /**
     * A non-image OCI artifact: an image manifest with {@code artifactType}, the empty config ({@code {}}), and new
     * blobs of these sizes ({@code application/octet-stream}) as layers; with no sizes, the empty descriptor is its
     * only layer, as the image spec advises.
     */
    public GeneratedArtifact artifact(String artifactType, long... blobSizes) {
        List<GeneratedContent> blobs = Arrays.stream(blobSizes)
                .mapToObj(size -> blob("application/octet-stream", size)).toList();
        return artifactManifest(artifactType, blobs, null);
    }

    /**
     * A referrer: an artifact whose {@code subject} is the given manifest, with one blob of random bytes.
     *
     * @param subject          the manifest it refers to (an image, an index, another referrer)
     * @param artifactType     e.g. {@code application/spdx+json}
     * @param payloadMediaType the blob's media type
     * @param payloadSize      the blob's size
     */
    public GeneratedArtifact referrer(Descriptor subject, String artifactType, String payloadMediaType,
                                      long payloadSize) {
        Objects.requireNonNull(subject, "subject");
        return artifactManifest(artifactType, List.of(blob(payloadMediaType, payloadSize)), subject);
    }

    /** An SPDX SBOM referring to the subject (artifact type {@code application/spdx+json}, a JSON document). */
    public GeneratedArtifact sbom(Descriptor subject) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("spdxVersion", "SPDX-2.3");
        doc.put("SPDXID", "SPDXRef-DOCUMENT");
        doc.put("name", "sbom-of-" + subject.digest());
        doc.put("documentNamespace", "https://ocitransfer.test/spdx/" + nonce());
        doc.put("creationInfo", ordered("created", CREATED, "creators", List.of("Tool: ocitransfer-testkit")));
        GeneratedContent payload = json("application/spdx+json", doc);
        return artifactManifest("application/spdx+json", List.of(payload), subject);
    }

    /** A signature referring to the subject (a Notary v2 style artifact: {@code application/jose+json} blob). */
    public GeneratedArtifact signature(Descriptor subject) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("payload", "signed:" + subject.digest());
        envelope.put("protected", nonce());
        envelope.put("signature", nonce() + nonce());
        GeneratedContent payload = json("application/jose+json", envelope);
        return artifactManifest("application/vnd.cncf.notary.signature", List.of(payload), subject);
    }

    private GeneratedArtifact artifactManifest(String artifactType, List<GeneratedContent> blobs, Descriptor subject) {
        Objects.requireNonNull(artifactType, "artifactType");
        List<GeneratedContent> layers = blobs.isEmpty() ? List.of(EMPTY) : blobs;
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
        manifest.put("artifactType", artifactType);
        manifest.put("config", descriptorJson(EMPTY.descriptor()));
        manifest.put("layers", layers.stream().map(l -> descriptorJson(l.descriptor())).toList());
        if (subject != null) {
            manifest.put("subject", descriptorJson(subject.plain()));
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("org.opencontainers.image.created", CREATED);
        annotations.put(NONCE_ANNOTATION, nonce());
        manifest.put("annotations", annotations);
        GeneratedContent root = json(MediaTypes.OCI_MANIFEST, manifest);
        Descriptor rootDescriptor = new Descriptor(MediaTypes.OCI_MANIFEST, root.descriptor().digest(),
                root.descriptor().size(), null, null, null, artifactType);
        root = new GeneratedContent(rootDescriptor, root.source());
        List<GeneratedContent> contents = new ArrayList<>();
        contents.add(EMPTY);
        contents.addAll(layers);
        contents.add(root);
        return new GeneratedArtifact(rootDescriptor, distinct(contents), List.of(), subject, null);
    }

    // ----- helpers -----

    private String nonce() {
        return HexFormat.of().formatHex(longBytes(random.nextLong()));
    }

    private static byte[] longBytes(long value) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        return b;
    }

    /** Serialises once: these bytes are the content, never re-serialised. */
    private static GeneratedContent json(String mediaType, Object value) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(value);
            return new GeneratedContent(Descriptor.of(mediaType, bytes), ContentSource.of(bytes));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write generated JSON", e);
        }
    }

    private static Map<String, Object> descriptorJson(Descriptor d) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("mediaType", d.mediaType());
        map.put("digest", d.digest());
        map.put("size", d.size());
        if (d.artifactType() != null) {
            map.put("artifactType", d.artifactType());
        }
        if (d.platform() != null) {
            map.put("platform", new TreeMap<>(d.platform()));
        }
        if (d.annotations() != null && !d.annotations().isEmpty()) {
            map.put("annotations", new TreeMap<>(d.annotations()));
        }
        return map;
    }

    private static Map<String, Object> platform(String platform) {
        String[] parts = Objects.requireNonNull(platform, "platform").split("/");
        if (parts.length < 2 || parts.length > 3 || Arrays.stream(parts).anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("Invalid platform '" + platform
                    + "': expected os/architecture[/variant], e.g. linux/arm64/v8");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("architecture", parts[1]);
        map.put("os", parts[0]);
        if (parts.length == 3) {
            map.put("variant", parts[2]);
        }
        return map;
    }

    /** A map that keeps its order (Map.of's order changes from one JVM to the next). */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static List<GeneratedContent> distinct(List<GeneratedContent> contents) {
        Map<String, GeneratedContent> byDigest = new LinkedHashMap<>();
        for (GeneratedContent c : contents) {
            byDigest.putIfAbsent(c.descriptor().digest(), c);
        }
        return List.copyOf(byDigest.values());
    }
}
