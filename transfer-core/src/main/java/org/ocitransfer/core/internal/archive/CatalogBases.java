// Reads what offline inspection needs from catalog.json without the whole catalog: the bases, and its digest.
package org.ocitransfer.core.internal.archive;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ocitransfer.api.archive.ArchiveInspection;
import org.ocitransfer.core.content.Digest;

/**
 * The {@code bases} a differential archive's catalog.json records ({@code [{"blob","catalogDigest"}, ...]}), read
 * with a streaming parser from the entry's range (every other field skipped), and the catalog digest of any archive
 * (its catalog.json range hashed, nothing else read but the tar's headers).
 */
final class CatalogBases {

    /** The most bases a catalog may record before it is taken as hostile. */
    static final int MAX_BASES = 1024;

    private CatalogBases() {
    }

    /**
     * The bases catalog.json records, in order; empty when it records none.
     *
     * @throws ArchiveFormatException when the field is malformed or lists more than {@value #MAX_BASES}, or the
     *                                catalog is over the reader's limit
     */
    static List<ArchiveInspection.Base> read(ArchiveSource source, TarScanner.Entry catalog, ReaderLimits limits) {
        if (catalog.size() > limits.maxCatalogBytes()) {
            throw invalid(source, "is " + catalog.size() + " bytes, over the " + limits.maxCatalogBytes()
                    + "-byte limit for catalog.json (ReaderLimits.maxCatalogBytes)");
        }
        List<ArchiveInspection.Base> bases = new ArrayList<>();
        try (InputStream in = source.open(catalog.dataOffset(), catalog.size());
             JsonParser p = ArchiveJson.MAPPER.getFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return List.of();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!"bases".equals(field)) {
                    p.skipChildren();
                    continue;
                }
                if (value != JsonToken.START_ARRAY) {
                    throw invalid(source, "'bases' is not an array");
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    String blob = null;
                    String d = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        JsonToken token = p.nextToken();
                        String text = token == JsonToken.VALUE_STRING ? p.getText() : null;
                        p.skipChildren();
                        if ("blob".equals(key)) {
                            blob = text;
                        } else if ("catalogDigest".equals(key)) {
                            d = text;
                        }
                    }
                    if (blob == null || d == null) {
                        throw invalid(source, "'bases[" + bases.size() + "]' needs the strings blob and catalogDigest");
                    }
                    Digest.parse(d);
                    if (bases.size() == MAX_BASES) {
                        throw invalid(source, "'bases' lists more than " + MAX_BASES + " base archives");
                    }
                    bases.add(new ArchiveInspection.Base(TarScanner.printable(blob), d));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw invalid(source, "its 'bases' cannot be read (" + e.getMessage() + ")");
        }
        return List.copyOf(bases);
    }

    /** The catalog digest of an archive, hashing only its catalog.json; empty when it has none. */
    static Optional<String> catalogDigest(ArchiveSource source, ReaderLimits limits) {
        Optional<TarScanner.Entry> catalog = catalogEntry(TarScanner.scan(source, limits, Map.of()).entries());
        if (catalog.isEmpty()) {
            return Optional.empty();
        }
        MessageDigest sha256 = Digest.newSha256();
        try (InputStream in = new DigestInputStream(source.open(catalog.get().dataOffset(), catalog.get().size()),
                sha256)) {
            long read = in.transferTo(OutputStream.nullOutputStream());
            if (read != catalog.get().size()) {
                throw new ArchiveFormatException("Archive " + source.describe() + " is refused: entry 'catalog.json'"
                        + " ends after " + read + " of its " + catalog.get().size() + " bytes: it is truncated");
            }
        } catch (IOException e) {
            throw new ArchiveFormatException("Archive " + source.describe() + " is refused: entry 'catalog.json'"
                    + " cannot be read: " + e.getMessage(), e);
        }
        return Optional.of("sha256:" + HexFormat.of().formatHex(sha256.digest()));
    }

    /** The catalog.json entry among scanned entries. */
    static Optional<TarScanner.Entry> catalogEntry(List<TarScanner.Entry> entries) {
        return entries.stream().filter(e -> !e.directory() && e.name().equals(ArchivePlan.CATALOG_JSON)).findFirst();
    }

    private static ArchiveFormatException invalid(ArchiveSource source, String why) {
        return new ArchiveFormatException("Archive " + source.describe() + " is refused: entry 'catalog.json' "
                + why);
    }
}
