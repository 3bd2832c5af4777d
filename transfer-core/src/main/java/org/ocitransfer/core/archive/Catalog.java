package org.ocitransfer.core.archive;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.ocitransfer.core.content.Digest;

/**
 * The archive's {@code catalog.json}: what was exported, by which run, and where every blob's data lies. Other
 * readers ignore the file; {@code catalogDigest} (the sha256 of its bytes) covers the whole archive, because it
 * holds index.json's digest and every blob is content-addressed.
 *
 * @param formatVersion  the catalog format's version, {@value #FORMAT_VERSION}
 * @param pipeline       the export pipeline's name
 * @param run            the pipeline run's name
 * @param sourceRegistry the registry the artifacts came from
 * @param indexDigest    the sha256 of index.json's bytes
 * @param artifacts      the exported artifacts, in index.json's order
 * @param blobs          every blob, in archive order
 */
public record Catalog(int formatVersion, String pipeline, String run, String sourceRegistry, String indexDigest,
                      List<Artifact> artifacts, List<Blob> blobs) {

    /** The version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    /** Validates and copies. */
    public Catalog {
        Objects.requireNonNull(pipeline, "catalog pipeline");
        Objects.requireNonNull(run, "catalog run");
        Objects.requireNonNull(sourceRegistry, "catalog sourceRegistry");
        Digest.parse(indexDigest);
        artifacts = List.copyOf(artifacts);
        blobs = List.copyOf(blobs);
    }

    /**
     * An exported artifact.
     *
     * @param reference the full source reference (registry host included when known)
     * @param name      its {@code org.opencontainers.image.ref.name} in index.json
     * @param digest    the resolved root digest
     * @param mediaType the root's media type
     * @param size      the root's size
     */
    public record Artifact(String reference, String name, String digest, String mediaType, long size) {

        /** Validates. */
        public Artifact {
            Objects.requireNonNull(reference, "catalog artifact reference");
            Objects.requireNonNull(name, "catalog artifact name");
            Objects.requireNonNull(mediaType, "catalog artifact mediaType");
            Digest.parse(digest);
            if (size < 0) {
                throw new IllegalArgumentException("artifact " + reference + " has a negative size " + size);
            }
        }
    }

    /**
     * A stored blob.
     *
     * @param digest    its digest
     * @param size      its size
     * @param mediaType its media type (as the first descriptor naming it said)
     * @param offset    where its data starts, counted from the first byte of the first {@code blobs/} entry's
     *                  header (so the catalog's own size never moves it)
     */
    public record Blob(String digest, long size, String mediaType, long offset) {

        /** Validates. */
        public Blob {
            Digest.parse(digest);
            Objects.requireNonNull(mediaType, "catalog blob mediaType");
            if (size < 0 || offset < 0) {
                throw new IllegalArgumentException("blob " + digest + " has a negative size or offset");
            }
        }
    }

    /** The catalog's bytes: compact JSON, fields in the documented order. */
    public byte[] toJson() {
        return ArchiveJson.write(g -> {
            g.writeStartObject();
            g.writeNumberField("formatVersion", formatVersion);
            g.writeStringField("pipeline", pipeline);
            g.writeStringField("run", run);
            g.writeStringField("sourceRegistry", sourceRegistry);
            g.writeStringField("indexDigest", indexDigest);
            g.writeArrayFieldStart("artifacts");
            for (Artifact a : artifacts) {
                g.writeStartObject();
                g.writeStringField("reference", a.reference());
                g.writeStringField("name", a.name());
                g.writeStringField("digest", a.digest());
                g.writeStringField("mediaType", a.mediaType());
                g.writeNumberField("size", a.size());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("blobs");
            for (Blob b : blobs) {
                g.writeStartObject();
                g.writeStringField("digest", b.digest());
                g.writeNumberField("size", b.size());
                g.writeStringField("mediaType", b.mediaType());
                g.writeNumberField("offset", b.offset());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /**
     * Reads a catalog.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    static Catalog parse(byte[] json) {
        JsonNode root;
        try {
            root = ArchiveJson.read(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("it is not valid JSON (" + e.getMessage() + ")", e);
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("it is not a JSON object");
        }
        long version = number(root, "formatVersion");
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("its formatVersion is " + version + " but this reader knows only "
                    + FORMAT_VERSION + " (a newer SDK wrote it: upgrade the importing side)");
        }
        List<Artifact> artifacts = new ArrayList<>();
        for (JsonNode a : array(root, "artifacts")) {
            artifacts.add(new Artifact(text(a, "reference"), text(a, "name"), text(a, "digest"),
                    text(a, "mediaType"), number(a, "size")));
        }
        List<Blob> blobs = new ArrayList<>();
        for (JsonNode b : array(root, "blobs")) {
            blobs.add(new Blob(text(b, "digest"), number(b, "size"), text(b, "mediaType"), number(b, "offset")));
        }
        return new Catalog(FORMAT_VERSION, text(root, "pipeline"), text(root, "run"), text(root, "sourceRegistry"),
                text(root, "indexDigest"), artifacts, blobs);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a string");
        }
        return value.textValue();
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a non-negative integer");
        }
        return value.longValue();
    }

    private static JsonNode array(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not an array");
        }
        for (JsonNode item : value) {
            if (!item.isObject()) {
                throw new IllegalArgumentException("an item of '" + field + "' is not an object");
            }
        }
        return value;
    }
}
