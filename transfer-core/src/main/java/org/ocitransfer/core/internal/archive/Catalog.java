package org.ocitransfer.core.internal.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
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
 * @param bases          the base archives of a differential archive, in the order the export named them (empty for
 *                       a whole archive): the archive leaves out every blob and manifest they hold
 */
public record Catalog(int formatVersion, String pipeline, String run, String sourceRegistry, String indexDigest,
                      List<Artifact> artifacts, List<Blob> blobs, List<Base> bases) {

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
        bases = bases == null ? List.of() : List.copyOf(bases);
    }

    /** A whole (not differential) archive's catalog. */
    public Catalog(int formatVersion, String pipeline, String run, String sourceRegistry, String indexDigest,
                   List<Artifact> artifacts, List<Blob> blobs) {
        this(formatVersion, pipeline, run, sourceRegistry, indexDigest, artifacts, blobs, List.of());
    }

    /** Whether the archive is differential: it leaves out what its {@link #bases()} hold. */
    public boolean differential() {
        return !bases.isEmpty();
    }

    /**
     * A base archive of a differential archive.
     *
     * @param blob          the base archive's blob name in the export's container
     * @param catalogDigest the base's catalogDigest ({@code sha256:<hex>} of its catalog.json) when it was read
     */
    public record Base(String blob, String catalogDigest) {

        /** Validates. */
        public Base {
            Objects.requireNonNull(blob, "catalog base blob");
            Digest.parse(catalogDigest);
        }

        /** {@code <blob> (catalog sha256:...)}, for messages (control characters of a hostile name escaped). */
        @Override
        public String toString() {
            return TarScanner.printable(blob) + " (catalog " + catalogDigest + ")";
        }
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
            if (!bases.isEmpty()) {
                g.writeArrayFieldStart("bases");
                for (Base b : bases) {
                    g.writeStartObject();
                    g.writeStringField("blob", b.blob());
                    g.writeStringField("catalogDigest", b.catalogDigest());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
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

    /** Checks each item as it is read, so a hostile catalog is refused without being held whole. */
    interface ItemCheck {
        /** Accepts every item: for a reader that needs some fields only (the archive's own import checks the rest). */
        ItemCheck ANY = new ItemCheck() {
            @Override
            public void artifact(Artifact artifact) {
                // accepted
            }

            @Override
            public void blob(Blob blob) {
                // accepted
            }
        };

        /** @throws IllegalArgumentException when the artifact may not be listed */
        void artifact(Artifact artifact);

        /** @throws IllegalArgumentException when the blob may not be listed (absent, elsewhere, listed twice) */
        void blob(Blob blob);
    }

    /**
     * Reads a catalog with a streaming parser: each item is built, checked by {@code check} and kept (so only items
     * the check accepts are held), never a tree of the whole document. Strict like {@link ArchiveJson}: duplicate
     * keys, trailing content and strings over {@value #MAX_STRING_CHARS} characters are refused.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong, or the item the check refused
     * @throws IOException when the stream cannot be read
     */
    static Catalog read(InputStream json, ItemCheck check) throws IOException {
        Long version = null;
        String pipeline = null;
        String run = null;
        String sourceRegistry = null;
        String indexDigest = null;
        List<Artifact> artifacts = null;
        List<Blob> blobs = null;
        List<Base> bases = null;
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("it is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "formatVersion" -> {
                        version = number(p, field);
                        if (version != FORMAT_VERSION) {
                            throw new IllegalArgumentException("its formatVersion is " + version + " but this reader"
                                    + " knows only " + FORMAT_VERSION + " (a newer SDK wrote it: upgrade the importing"
                                    + " side)");
                        }
                    }
                    case "pipeline" -> pipeline = text(p, field);
                    case "run" -> run = text(p, field);
                    case "sourceRegistry" -> sourceRegistry = text(p, field);
                    case "indexDigest" -> indexDigest = text(p, field);
                    case "artifacts" -> artifacts = items(p, field, item -> {
                        Artifact a = new Artifact(item.text("reference"), item.text("name"), item.text("digest"),
                                item.text("mediaType"), item.number("size"));
                        check.artifact(a);
                        return a;
                    });
                    case "blobs" -> blobs = items(p, field, item -> {
                        Blob b = new Blob(item.text("digest"), item.number("size"), item.text("mediaType"),
                                item.number("offset"));
                        check.blob(b);
                        return b;
                    });
                    case "bases" -> bases = items(p, field, item -> new Base(item.text("blob"),
                            item.text("catalogDigest")));
                    default -> p.skipChildren(); // unknown fields are ignored, as the tree reader did
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IllegalArgumentException("content follows the JSON object");
            }
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new IllegalArgumentException("it is not valid JSON (" + e.getOriginalMessage() + where + ")", e);
        }
        require(version, "formatVersion");
        require(artifacts, "artifacts");
        require(blobs, "blobs");
        return new Catalog(FORMAT_VERSION, require(pipeline, "pipeline"), require(run, "run"),
                require(sourceRegistry, "sourceRegistry"), require(indexDigest, "indexDigest"), artifacts, blobs,
                bases);
    }

    /** The longest string a catalog field may hold (names, references, media types, digests). */
    static final int MAX_STRING_CHARS = 64 * 1024;

    private static final JsonFactory FACTORY = ArchiveJson.MAPPER.getFactory().copy()
            .setStreamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING_CHARS).build());

    private static <T> T require(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("field '" + field + "' is missing");
        }
        return value;
    }

    /** One array item's scalar fields. */
    private record Item(Map<String, Object> fields) {
        String text(String field) {
            if (!(fields.get(field) instanceof String value)) {
                throw new IllegalArgumentException("field '" + field + "' is missing or not a string");
            }
            return value;
        }

        long number(String field) {
            if (!(fields.get(field) instanceof Long value) || value < 0) {
                throw new IllegalArgumentException("field '" + field + "' is missing or not a non-negative"
                        + " integer");
            }
            return value;
        }
    }

    private static <T> List<T> items(JsonParser p, String field, Function<Item, T> make) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not an array");
        }
        List<T> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("an item of '" + field + "' is not an object");
            }
            Map<String, Object> fields = new HashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_STRING) {
                    fields.put(name, p.getText());
                } else if (value == JsonToken.VALUE_NUMBER_INT
                        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    fields.put(name, p.getLongValue());
                } else {
                    p.skipChildren();
                }
            }
            out.add(make.apply(new Item(fields)));
        }
        return out;
    }

    private static String text(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a string");
        }
        return p.getText();
    }

    private static long number(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                || p.getLongValue() < 0) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a non-negative integer");
        }
        return p.getLongValue();
    }
}
