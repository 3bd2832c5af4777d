package org.ocitransfer.core.registry.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.Manifests;
import org.ocitransfer.core.content.VerifyingInputStream;
import org.ocitransfer.core.io.AtomicFiles;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.TagListSupport;

/**
 * An OCI image layout directory as a registry ({@code oci-layout:/path}): blobs in {@code blobs/<alg>/<hex>}, tags
 * in {@code index.json} as {@code org.opencontainers.image.ref.name} = {@code repo:tag}. A layout whose ref.names
 * are bare tags (as skopeo writes them) is read as one repository: every repository name sees those tags.
 *
 * <p>Blobs are written to an ingest file and renamed into place once verified, so no reader sees a partial blob;
 * index.json is replaced atomically under a file lock, so concurrent writers (threads or processes) keep every tag.
 */
public final class OciLayoutRegistry implements Registry {

    /** The annotation naming a manifest in index.json. */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

    private final Path root;

    private OciLayoutRegistry(Path root) {
        this.root = root;
    }

    /**
     * Opens (creating when absent) the layout at {@code root}.
     *
     * @throws RegistryException when the directory exists but is not an OCI layout
     */
    public static OciLayoutRegistry open(Path root) {
        try {
            Files.createDirectories(root.resolve("blobs").resolve("sha256"));
            Path layout = root.resolve("oci-layout");
            if (!Files.exists(layout)) {
                Files.write(layout, LAYOUT);
            } else {
                JsonNode node = MAPPER.readTree(Files.readAllBytes(layout));
                if (node == null || !"1.0.0".equals(node.path("imageLayoutVersion").asText())) {
                    throw new RegistryException(RegistryException.Reason.INVALID, root + " has an oci-layout file"
                            + " that is not {\"imageLayoutVersion\":\"1.0.0\"}: it is not an OCI image layout");
                }
            }
            Path index = root.resolve("index.json");
            if (!Files.exists(index)) {
                AtomicFiles.write(index, "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}"
                        .getBytes(StandardCharsets.UTF_8));
            }
            return new OciLayoutRegistry(root);
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Reason.OTHER, "Cannot open the OCI layout at " + root
                    + ": " + e.getMessage() + " (check the path and its permissions)", 0, List.of(), e);
        }
    }

    /** Parses {@code oci-layout:/path} (or {@code oci-layout:relative}). */
    public static OciLayoutRegistry open(String uri) {
        if (!uri.startsWith("oci-layout:")) {
            throw new IllegalArgumentException("Not an OCI layout URI: '" + uri + "'; write oci-layout:/path");
        }
        String path = uri.substring("oci-layout:".length());
        while (path.startsWith("//")) {
            path = path.substring(1);
        }
        if (path.isEmpty()) {
            throw new IllegalArgumentException("The OCI layout URI '" + uri + "' names no directory");
        }
        return open(Path.of(path));
    }

    /** The layout's directory. */
    public Path root() {
        return root;
    }

    @Override
    public String location() {
        return "oci-layout:" + root;
    }

    @Override
    public Repository repository(String name) {
        return new LayoutRepository(name);
    }

    /** Every {@code ref.name} in index.json with the manifest it names, in file order. */
    public List<NamedManifest> references() {
        List<NamedManifest> out = new ArrayList<>();
        for (JsonNode entry : readIndex().path("manifests")) {
            String name = entry.path("annotations").path(REF_NAME).asText(null);
            if (name != null) {
                out.add(new NamedManifest(name, toDescriptor(entry)));
            }
        }
        return out;
    }

    /**
     * A named entry of index.json.
     *
     * @param refName    its {@code org.opencontainers.image.ref.name}
     * @param descriptor the manifest
     */
    public record NamedManifest(String refName, Descriptor descriptor) {
    }

    private Path blobPath(String digest) {
        Digest d = Digest.parse(digest);
        return root.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
    }

    private ObjectNode readIndex() {
        try {
            JsonNode node = MAPPER.readTree(Files.readAllBytes(root.resolve("index.json")));
            if (!(node instanceof ObjectNode object)) {
                throw new RegistryException(RegistryException.Reason.INVALID, root + "/index.json is not a JSON"
                        + " object: the layout is damaged");
            }
            return object;
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Reason.INVALID, "Cannot read " + root + "/index.json: "
                    + e.getMessage(), 0, List.of(), e);
        }
    }

    private static Descriptor toDescriptor(JsonNode entry) {
        try {
            return MAPPER.treeToValue(entry, Descriptor.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new RegistryException(RegistryException.Reason.INVALID, "index.json has an invalid descriptor: "
                    + e.getMessage());
        }
    }

    private final class LayoutRepository implements Repository, TagListSupport {
        private final String name;

        LayoutRepository(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String registryLocation() {
            return location();
        }

        @Override
        public Descriptor resolve(String reference) {
            if (reference.contains(":")) {
                Path path = blobPath(reference);
                for (NamedManifest m : references()) {
                    if (m.descriptor().digest().equals(reference)) {
                        return m.descriptor().plain();
                    }
                }
                if (Files.exists(path)) {
                    return sniff(reference, path);
                }
            } else {
                Descriptor bare = null;
                for (NamedManifest m : references()) {
                    if (m.refName().equals(name + ":" + reference)) {
                        return m.descriptor().plain();
                    }
                    if (m.refName().equals(reference)) {
                        bare = m.descriptor().plain();
                    }
                }
                if (bare != null) {
                    return bare;
                }
            }
            throw new RegistryException(RegistryException.Reason.NOT_FOUND, "Manifest " + name + ":" + reference
                    + " not found in " + location() + ": index.json names no such tag (check the reference)");
        }

        private Descriptor sniff(String digest, Path path) {
            try {
                long size = Files.size(path);
                if (size > org.ocitransfer.core.content.MediaTypes.MAX_MANIFEST_BYTES) {
                    throw new RegistryException(RegistryException.Reason.INVALID, digest + " in " + location()
                            + " is too large to be a manifest");
                }
                JsonNode node = MAPPER.readTree(Files.readAllBytes(path));
                String mediaType = node == null ? null : node.path("mediaType").asText(null);
                if (mediaType == null) {
                    mediaType = node != null && node.has("manifests")
                            ? org.ocitransfer.core.content.MediaTypes.OCI_INDEX
                            : org.ocitransfer.core.content.MediaTypes.OCI_MANIFEST;
                }
                return Descriptor.of(mediaType, digest, size);
            } catch (IOException e) {
                throw new RegistryException(RegistryException.Reason.INVALID, digest + " in " + location()
                        + " is not a manifest: " + e.getMessage());
            }
        }

        @Override
        public InputStream fetch(Descriptor descriptor) {
            try {
                return new VerifyingInputStream(Files.newInputStream(blobPath(descriptor.digest())), descriptor,
                        location());
            } catch (NoSuchFileException e) {
                throw new RegistryException(RegistryException.Reason.NOT_FOUND, "Content " + descriptor.digest()
                        + " not found in " + location() + ": the layout is missing a blob");
            } catch (IOException e) {
                throw RegistryException.fromIo("read " + descriptor.digest(), location(), e);
            }
        }

        @Override
        public boolean exists(Descriptor descriptor) {
            Path path = blobPath(descriptor.digest());
            try {
                return Files.size(path) == descriptor.size();
            } catch (NoSuchFileException e) {
                return false;
            } catch (IOException e) {
                throw RegistryException.fromIo("check " + descriptor.digest(), location(), e);
            }
        }

        @Override
        public void push(Descriptor expected, ContentSource source) {
            Path target = blobPath(expected.digest());
            if (exists(expected)) {
                return;
            }
            Path ingest = root.resolve("blobs").resolve(".ingest-" + UUID.randomUUID());
            try {
                Files.createDirectories(target.getParent());
                try (InputStream in = new VerifyingInputStream(source.open(), expected, "the pushed content");
                     OutputStream out = Files.newOutputStream(ingest, StandardOpenOption.CREATE_NEW)) {
                    in.transferTo(out);
                }
                if (expected.isManifest()) {
                    Manifests.parse(expected, Files.readAllBytes(ingest));
                }
                try {
                    Files.move(ingest, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException e) {
                    // Another writer committed the same content first: identical bytes by digest.
                    Files.deleteIfExists(ingest);
                }
            } catch (IOException e) {
                deleteQuietly(ingest, e);
                throw RegistryException.fromIo("write " + expected.digest(), location(), e);
            } catch (RuntimeException e) {
                deleteQuietly(ingest, e);
                throw e;
            }
        }

        @Override
        public void tag(Descriptor manifest, String tag) {
            if (!exists(manifest)) {
                throw new RegistryException(RegistryException.Reason.NOT_FOUND, "Cannot tag " + name + ":" + tag
                        + " in " + location() + ": manifest " + manifest.digest() + " is not there; push it first");
            }
            String refName = name + ":" + tag;
            try {
                AtomicFiles.withLock(root.resolve(".index.lock"), () -> {
                ObjectNode index = readIndex();
                ArrayNode manifests = index.withArray("manifests");
                ArrayNode kept = MAPPER.createArrayNode();
                for (JsonNode entry : manifests) {
                    if (!refName.equals(entry.path("annotations").path(REF_NAME).asText(null))) {
                        kept.add(entry);
                    }
                }
                ObjectNode entry = kept.addObject();
                entry.put("mediaType", manifest.mediaType());
                entry.put("digest", manifest.digest());
                entry.put("size", manifest.size());
                if (manifest.artifactType() != null) {
                    entry.put("artifactType", manifest.artifactType());
                }
                entry.putObject("annotations").put(REF_NAME, refName);
                index.set("manifests", kept);
                AtomicFiles.write(root.resolve("index.json"), MAPPER.writerWithDefaultPrettyPrinter()
                        .writeValueAsBytes(index));
                return null;
                });
            } catch (IOException e) {
                throw new RegistryException(RegistryException.Reason.OTHER, "Cannot update " + root
                        + "/index.json to tag " + refName + ": " + e.getMessage(), 0, List.of(), e);
            }
        }

        @Override
        public List<String> tags() {
            Set<String> tags = new LinkedHashSet<>();
            for (NamedManifest m : references()) {
                if (m.refName().startsWith(name + ":")) {
                    tags.add(m.refName().substring(name.length() + 1));
                } else if (!m.refName().contains(":") && !m.refName().contains("/")) {
                    tags.add(m.refName());
                }
            }
            return List.copyOf(tags);
        }
    }

    private static void deleteQuietly(Path path, Exception primary) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException cleanup) {
            primary.addSuppressed(cleanup);
        }
    }
}
