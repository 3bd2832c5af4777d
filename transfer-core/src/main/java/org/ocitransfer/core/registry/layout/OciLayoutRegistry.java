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
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.Manifests;
import org.ocitransfer.core.content.VerifyingInputStream;
import org.ocitransfer.core.internal.io.AtomicFiles;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.TagBatchSupport;
import org.ocitransfer.core.registry.TagListSupport;

/**
 * An OCI image layout directory as a registry ({@code oci-layout:/path}): blobs in {@code blobs/<alg>/<hex>}, tags
 * in {@code index.json}.
 *
 * <p><b>Names.</b> Tag {@code T} of repository {@code R} is the index.json entry whose
 * {@code org.opencontainers.image.ref.name} is exactly {@code R:T} (for example {@code team/app:1}), for reading and
 * for writing alike; it is the name this SDK's archives give the artifact in their index.json. An entry whose
 * ref.name has no repository (a bare {@code 1}, as {@code skopeo copy ... oci:DIR:1} writes it) is no repository's
 * tag: {@code team/app:1} never resolves to it, tagging {@code team/app:1} leaves it alone, and it is not listed as
 * a tag. Every repository of a layout shares its blobs, so such an entry is reached by digest
 * ({@code any/name@sha256:...}); {@link #references()} lists every ref.name as written.
 *
 * <p><b>Writes.</b> Blobs are written to an ingest file and renamed into place once verified, so no reader sees a
 * partial blob. index.json is replaced atomically (a temporary file renamed over it) under a lock that excludes this
 * JVM's threads and other processes, re-read under that lock, so concurrent writers keep every tag. Inside a
 * {@linkplain #openTagBatch() tag batch}, tags are kept in memory (visible to {@code resolve} and {@code tags}) and
 * index.json is written once when the batch closes: a tag alone costs a rewrite of the whole file. Reads parse
 * index.json again only when the file changed (its identity, size or time).
 */
public final class OciLayoutRegistry implements Registry {

    /** The annotation naming a manifest in index.json. */
    public static final String REF_NAME = LayoutIndex.REF_NAME;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** A tag, as the distribution spec defines it. */
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    private static final byte[] LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

    private final Path root;
    /** Guards the batch state below. */
    private final Object batchLock = new Object();
    /** Tags set in open batches, not yet written: ref.name to manifest, in the order they were set. */
    private final Map<String, Descriptor> pending = new LinkedHashMap<>();
    private int openBatches;
    /** How many batch writes failed: a batch open while one failed lost tags, and says so when it closes. */
    private long failedWrites;
    private volatile Snapshot snapshot;

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

    /**
     * Every {@code ref.name} in index.json with the manifest it names, in file order, then the tags of open batches
     * not yet written.
     */
    public List<NamedManifest> references() {
        List<NamedManifest> out = new ArrayList<>(snapshot().named());
        synchronized (batchLock) {
            pending.forEach((name, d) -> out.add(new NamedManifest(name, d)));
        }
        return out;
    }

    /**
     * Opens a batch of tags over the whole layout: until it closes, tags are kept in memory and visible to reads;
     * its close writes index.json once with all of them. Batches may overlap (each close writes what is pending).
     */
    public TagBatchSupport.TagBatch openTagBatch() {
        long failuresAtOpen;
        synchronized (batchLock) {
            openBatches++;
            failuresAtOpen = failedWrites;
        }
        return new TagBatchSupport.TagBatch() {
            private boolean closed;

            @Override
            public void close() {
                if (closed) {
                    return;
                }
                closed = true;
                Map<String, Descriptor> batch;
                long failuresBefore;
                synchronized (batchLock) {
                    openBatches--;
                    batch = new LinkedHashMap<>(pending);
                    failuresBefore = failedWrites;
                }
                if (failuresBefore != failuresAtOpen) {
                    throw new RegistryException(RegistryException.Reason.OTHER, "Tags of a batch could not be"
                            + " written to " + root + "/index.json (an overlapping batch failed to write it; see"
                            + " that error): set them again");
                }
                if (batch.isEmpty()) {
                    return;
                }
                try {
                    writeTags(batch);
                } catch (RuntimeException e) {
                    synchronized (batchLock) {
                        failedWrites++;
                        batch.forEach(pending::remove);
                    }
                    throw e;
                }
                synchronized (batchLock) {
                    batch.forEach(pending::remove);
                }
            }
        };
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

    /** index.json as last parsed, parsed again only when the file changed. */
    private Snapshot snapshot() {
        Path index = root.resolve("index.json");
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(index, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Reason.INVALID, "Cannot read " + index + ": "
                    + e.getMessage() + " (the layout is damaged)", 0, List.of(), e);
        }
        Snapshot current = snapshot;
        if (current != null && current.sameFile(attributes)) {
            return current;
        }
        List<NamedManifest> named = new ArrayList<>();
        Map<String, Descriptor> byName = new HashMap<>();
        Map<String, Descriptor> byDigest = new HashMap<>();
        List<LayoutIndex.Entry> entries;
        try {
            entries = LayoutIndex.parse(readIndex(), Integer.MAX_VALUE, "");
        } catch (LayoutIndex.InvalidIndexException e) {
            throw new RegistryException(RegistryException.Reason.INVALID, root + "/" + e.getMessage()
                    + ": the layout is damaged");
        }
        for (LayoutIndex.Entry entry : entries) {
            Descriptor d = entry.descriptor();
            byDigest.putIfAbsent(d.digest(), d.plain());
            String name = entry.refName();
            if (name != null) {
                named.add(new NamedManifest(name, d));
                byName.putIfAbsent(name, d.plain());
            }
        }
        Snapshot parsed = new Snapshot(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size(),
                List.copyOf(named), byName, byDigest);
        snapshot = parsed;
        return parsed;
    }

    /** The manifest a ref.name names: a tag of an open batch, else index.json's first entry with that name. */
    private Descriptor named(String refName) {
        synchronized (batchLock) {
            Descriptor d = pending.get(refName);
            if (d != null) {
                return d.plain();
            }
        }
        return snapshot().byName().get(refName);
    }

    /**
     * Writes these tags into index.json at once: under the lock, re-reads it, drops the entries these ref.names
     * named, appends the new ones, and replaces the file atomically.
     */
    private void writeTags(Map<String, Descriptor> tags) {
        try {
            AtomicFiles.withLock(root.resolve(".index.lock"), () -> {
                ObjectNode index = readIndex();
                ArrayNode kept = MAPPER.createArrayNode();
                for (JsonNode entry : index.withArray("manifests")) {
                    if (!tags.containsKey(entry.path("annotations").path(REF_NAME).asText(null))) {
                        kept.add(entry);
                    }
                }
                tags.forEach((refName, manifest) -> {
                    ObjectNode entry = kept.addObject();
                    entry.put("mediaType", manifest.mediaType());
                    entry.put("digest", manifest.digest());
                    entry.put("size", manifest.size());
                    if (manifest.artifactType() != null) {
                        entry.put("artifactType", manifest.artifactType());
                    }
                    entry.putObject("annotations").put(REF_NAME, refName);
                });
                index.set("manifests", kept);
                AtomicFiles.write(root.resolve("index.json"), MAPPER.writerWithDefaultPrettyPrinter()
                        .writeValueAsBytes(index));
                return null;
            });
        } catch (IOException e) {
            String what = tags.size() == 1 ? "tag " + tags.keySet().iterator().next() : tags.size() + " tags";
            throw new RegistryException(RegistryException.Reason.OTHER, "Cannot update " + root
                    + "/index.json to write " + what + ": " + e.getMessage() + " (check the directory's space and"
                    + " permissions; index.json is as it was)", 0, List.of(), e);
        }
    }

    /** index.json parsed, with the file's identity when it was read. */
    private record Snapshot(Object fileKey, FileTime modified, long size, List<NamedManifest> named,
                            Map<String, Descriptor> byName, Map<String, Descriptor> byDigest) {

        boolean sameFile(BasicFileAttributes a) {
            return fileKey != null && fileKey.equals(a.fileKey()) && modified.equals(a.lastModifiedTime())
                    && size == a.size();
        }
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

    private final class LayoutRepository implements Repository, TagListSupport, TagBatchSupport {
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
        public TagBatchSupport.TagBatch openTagBatch() {
            return OciLayoutRegistry.this.openTagBatch();
        }

        @Override
        public Descriptor resolve(String reference) {
            if (reference.contains(":")) {
                Descriptor listed = snapshot().byDigest().get(reference);
                if (listed != null) {
                    return listed;
                }
                Path path = blobPath(reference);
                if (Files.exists(path)) {
                    return sniff(reference, path);
                }
                throw new RegistryException(RegistryException.Reason.NOT_FOUND, "Manifest " + name + "@"
                        + reference + " not found in " + location() + ": the layout has no such blob");
            }
            Descriptor found = named(name + ":" + reference);
            if (found != null) {
                return found;
            }
            Descriptor bare = named(reference);
            throw new RegistryException(RegistryException.Reason.NOT_FOUND, "Manifest " + name + ":" + reference
                    + " not found in " + location() + ": index.json has no ref.name '" + name + ":" + reference + "'"
                    + (bare == null ? " (check the reference)" : "; its entry named '" + reference + "' without a"
                    + " repository is no repository's tag: name it by digest, " + name + "@" + bare.digest()));
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
            Descriptor entry = manifest.plain();
            synchronized (batchLock) {
                if (openBatches > 0) {
                    pending.remove(refName);
                    pending.put(refName, entry);
                    return;
                }
            }
            writeTags(Map.of(refName, entry));
        }

        /** The tags of this repository: the ref.names {@code <name>:<tag>}, nothing else. */
        @Override
        public List<String> tags() {
            Set<String> tags = new LinkedHashSet<>();
            String prefix = name + ":";
            for (NamedManifest m : references()) {
                if (m.refName().startsWith(prefix) && TAG.matcher(m.refName().substring(prefix.length())).matches()) {
                    tags.add(m.refName().substring(prefix.length()));
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
