package org.ocitransfer.testkit.assertions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.ocitransfer.core.content.MediaTypes;

/**
 * Checks that JSON documents the SDK wrote hold only fields the specs define: the OCI image-spec (image manifest,
 * image index, descriptor, platform, {@code oci-layout}, the layout's {@code index.json}), the Docker image
 * manifest v2 schema 2 and manifest list (which the distribution-spec carries), and our own {@code catalog.json}
 * (its schema is section 4 of {@code docs/archive-format.md}). Annotations may hold any keys; nothing else may.
 *
 * <p>Entry points scan what a test wrote: a Distribution registry's storage ({@link #registryStorageViolations},
 * called by {@code DistributionRegistry.close()}), an OCI layout directory ({@link #assertLayout}, called by
 * {@link RegistryAssertions} for layout repositories) and a transfer archive or a directory of them
 * ({@link #assertArchives}). A manifest is recognised in blob storage as a JSON object with {@code schemaVersion},
 * {@code manifests}, {@code layers} or {@code config}; configs and layers are content, not documents we write.
 *
 * <p>Field sets (image-spec v1.1): descriptor = mediaType, digest, size, urls, annotations, data, artifactType,
 * platform; platform = architecture, os, os.version, os.features, variant, features; image manifest =
 * schemaVersion, mediaType, artifactType, config, layers, subject, annotations; image index = schemaVersion,
 * mediaType, artifactType, manifests, subject, annotations; oci-layout = imageLayoutVersion.
 */
public final class SpecDocuments {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_DOCUMENT_BYTES = MediaTypes.MAX_MANIFEST_BYTES;

    private static final Set<String> DESCRIPTOR = Set.of("mediaType", "digest", "size", "urls", "annotations",
            "data", "artifactType", "platform");
    private static final Set<String> PLATFORM = Set.of("architecture", "os", "os.version", "os.features", "variant",
            "features");
    private static final Set<String> MANIFEST = Set.of("schemaVersion", "mediaType", "artifactType", "config",
            "layers", "subject", "annotations");
    private static final Set<String> INDEX = Set.of("schemaVersion", "mediaType", "artifactType", "manifests",
            "subject", "annotations");
    private static final Set<String> OCI_LAYOUT = Set.of("imageLayoutVersion");
    private static final List<String> CATALOG = List.of("formatVersion", "pipeline", "run", "sourceRegistry",
            "indexDigest", "artifacts", "blobs");
    private static final Set<String> CATALOG_ARTIFACT = Set.of("reference", "name", "digest", "mediaType", "size");
    private static final Set<String> CATALOG_BLOB = Set.of("digest", "size", "mediaType", "offset");

    private SpecDocuments() {
    }

    // ----- single documents -----

    /** The fields of a manifest or index (by its mediaType, else by its shape) that no spec defines. */
    public static List<String> manifestViolations(String where, JsonNode document) {
        List<String> out = new ArrayList<>();
        if (!document.isObject()) {
            out.add(where + " is not a JSON object");
            return out;
        }
        String mediaType = document.path("mediaType").asText("");
        boolean index = MediaTypes.isIndex(mediaType) || (mediaType.isEmpty() && document.has("manifests"));
        if (index) {
            only(where, document, INDEX, out);
            for (JsonNode child : elements(document.get("manifests"))) {
                descriptor(where + " manifests[]", child, out);
            }
        } else {
            only(where, document, MANIFEST, out);
            descriptor(where + " config", document.get("config"), out);
            for (JsonNode layer : elements(document.get("layers"))) {
                descriptor(where + " layers[]", layer, out);
            }
        }
        descriptor(where + " subject", document.get("subject"), out);
        annotations(where, document.get("annotations"), out);
        return out;
    }

    /** The violations of an {@code oci-layout} file. */
    public static List<String> ociLayoutViolations(String where, JsonNode document) {
        List<String> out = new ArrayList<>();
        only(where, document, OCI_LAYOUT, out);
        return out;
    }

    /** The violations of a {@code catalog.json}: exactly the fields docs/archive-format.md section 4 lists. */
    public static List<String> catalogViolations(String where, JsonNode document) {
        List<String> out = new ArrayList<>();
        only(where, document, Set.copyOf(CATALOG), out);
        for (String field : CATALOG) {
            if (document.isObject() && !document.has(field)) {
                out.add(where + " lacks the documented field '" + field + "'");
            }
        }
        for (JsonNode a : elements(document.get("artifacts"))) {
            only(where + " artifacts[]", a, CATALOG_ARTIFACT, out);
        }
        for (JsonNode b : elements(document.get("blobs"))) {
            only(where + " blobs[]", b, CATALOG_BLOB, out);
        }
        return out;
    }

    // ----- what a test wrote -----

    /**
     * Every manifest in a Distribution registry's filesystem storage (the manifests each repository lists under
     * {@code _manifests/revisions}, read from the blob store) checked against the specs.
     *
     * @param dataDir the storage driver's root directory
     */
    public static List<String> registryStorageViolations(Path dataDir) {
        Path v2 = dataDir.resolve("docker/registry/v2");
        Path repositories = v2.resolve("repositories");
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(repositories)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(repositories)) {
            for (Path link : (Iterable<Path>) files.filter(SpecDocuments::isRevisionLink)::iterator) {
                String digest = Files.readString(link).trim();
                String hex = digest.substring(digest.indexOf(':') + 1);
                Path data = v2.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
                String repository = repositories.relativize(link).toString().split("/_manifests/")[0];
                JsonNode document = parse(data);
                if (document == null) {
                    out.add("manifest " + digest + " in repository " + repository + " is not JSON");
                } else {
                    out.addAll(manifestViolations("manifest " + digest + " in repository " + repository, document));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not scan the registry storage " + dataDir, e);
        }
        return out;
    }

    private static boolean isRevisionLink(Path p) {
        String s = p.toString();
        return p.getFileName().toString().equals("link") && s.contains("/_manifests/revisions/");
    }

    /** The violations in an OCI layout directory: oci-layout, index.json and every manifest among its blobs. */
    public static List<String> layoutViolations(Path layout) {
        List<String> out = new ArrayList<>();
        try {
            JsonNode ociLayout = parse(layout.resolve("oci-layout"));
            if (ociLayout != null) {
                out.addAll(ociLayoutViolations(layout + "/oci-layout", ociLayout));
            }
            JsonNode index = parse(layout.resolve("index.json"));
            if (index != null) {
                out.addAll(manifestViolations(layout + "/index.json", index));
            }
            Path blobs = layout.resolve("blobs");
            if (Files.isDirectory(blobs)) {
                try (Stream<Path> files = Files.walk(blobs)) {
                    for (Path blob : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                        if (blob.getFileName().toString().startsWith(".")) {
                            continue; // an ingest file, not content
                        }
                        JsonNode node = parse(blob);
                        if (isManifest(node)) {
                            out.addAll(manifestViolations(layout.relativize(blob).toString() + " in " + layout,
                                    node));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not scan the OCI layout " + layout, e);
        }
        return out;
    }

    /** The violations in a transfer archive (an OCI layout tar): oci-layout, index.json, catalog.json, manifests. */
    public static List<String> archiveViolations(Path archive) {
        List<String> out = new ArrayList<>();
        try (InputStream file = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(file)) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                if (!entry.isFile() || entry.getSize() > MAX_DOCUMENT_BYTES) {
                    continue;
                }
                String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                String where = name + " in " + archive;
                JsonNode node = parse(tar.readAllBytes());
                switch (name) {
                    case "oci-layout" -> out.addAll(node == null ? List.of(where + " is not JSON")
                            : ociLayoutViolations(where, node));
                    case "index.json" -> out.addAll(node == null ? List.of(where + " is not JSON")
                            : manifestViolations(where, node));
                    case "catalog.json" -> out.addAll(node == null ? List.of(where + " is not JSON")
                            : catalogViolations(where, node));
                    default -> {
                        if (isManifest(node)) {
                            out.addAll(manifestViolations(where, node));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the archive " + archive, e);
        }
        return out;
    }

    /** Asserts the OCI layout directory holds only spec-defined fields. */
    public static void assertLayout(Path layout) {
        fail("The OCI layout " + layout, layoutViolations(layout));
    }

    /**
     * Asserts a transfer archive, or every {@code .tar} file under a directory (a local container), holds only
     * spec-defined fields.
     */
    public static void assertArchives(Path archiveOrDirectory) {
        List<String> out = new ArrayList<>();
        if (Files.isDirectory(archiveOrDirectory)) {
            try (Stream<Path> files = Files.walk(archiveOrDirectory)) {
                files.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".tar"))
                        .forEach(p -> out.addAll(archiveViolations(p)));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not scan " + archiveOrDirectory, e);
            }
        } else if (Files.isRegularFile(archiveOrDirectory)) {
            out.addAll(archiveViolations(archiveOrDirectory));
        }
        fail("Archives at " + archiveOrDirectory, out);
    }

    /** Throws an AssertionError saying {@code what} holds these violations, if there are any. */
    public static void fail(String what, List<String> violations) {
        if (!violations.isEmpty()) {
            StringBuilder message = new StringBuilder(what + " holds JSON fields no OCI spec defines ("
                    + violations.size() + "):");
            violations.stream().limit(20).forEach(v -> message.append("\n  - ").append(v));
            if (violations.size() > 20) {
                message.append("\n  ... and ").append(violations.size() - 20).append(" more");
            }
            throw new AssertionError(message.toString());
        }
    }

    // ----- helpers -----

    private static void descriptor(String where, JsonNode node, List<String> out) {
        if (node == null) {
            return;
        }
        String name = where + (node.has("digest") ? " " + node.get("digest").asText() : "");
        only(name, node, DESCRIPTOR, out);
        annotations(name, node.get("annotations"), out);
        JsonNode platform = node.get("platform");
        if (platform != null) {
            only(name + " platform", platform, PLATFORM, out);
        }
    }

    private static void annotations(String where, JsonNode node, List<String> out) {
        if (node == null) {
            return;
        }
        if (!node.isObject()) {
            out.add(where + " has annotations that are not an object");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                out.add(where + " has annotation '" + e.getKey() + "' whose value is not a string");
            }
        }
    }

    private static void only(String where, JsonNode node, Set<String> allowed, List<String> out) {
        if (!node.isObject()) {
            out.add(where + " is not a JSON object");
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                out.add(where + " has the field \"" + field + "\": " + node.get(field));
            }
        }
    }

    private static Iterable<JsonNode> elements(JsonNode array) {
        return array == null || !array.isArray() ? List.of() : array;
    }

    private static boolean isManifest(JsonNode node) {
        return node != null && node.isObject() && (node.has("schemaVersion") || node.has("manifests")
                || node.has("layers") || node.has("config") && node.get("config").has("digest"));
    }

    private static JsonNode parse(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) > MAX_DOCUMENT_BYTES) {
            return null;
        }
        return parse(Files.readAllBytes(file));
    }

    private static JsonNode parse(byte[] bytes) {
        int i = 0;
        while (i < bytes.length && Character.isWhitespace(bytes[i])) {
            i++;
        }
        if (i == bytes.length || bytes[i] != '{') {
            return null;
        }
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
    }
}
