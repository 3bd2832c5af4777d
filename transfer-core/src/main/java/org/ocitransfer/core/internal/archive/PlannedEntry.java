package org.ocitransfer.core.internal.archive;

import org.ocitransfer.core.content.Descriptor;

/**
 * One tar entry of a planned archive, with its exact position. The entry occupies
 * {@code [headerOffset, end())}: its header records (a PAX extended header when one is needed, then the ustar
 * header), {@code size} bytes of data from {@code dataOffset}, then zero padding to a 512-byte boundary.
 *
 * @param name         the entry's name ({@code oci-layout}, {@code index.json}, {@code catalog.json},
 *                     {@code catalog.json.sig} or {@code blobs/<alg>/<hex>})
 * @param headerOffset where its first header record starts
 * @param dataOffset   where its data starts
 * @param size         its data's length
 * @param blob         the blob it stores, or null for the metadata files
 */
public record PlannedEntry(String name, long headerOffset, long dataOffset, long size, Descriptor blob) {

    /** The length of the header records. */
    public long headerLength() {
        return dataOffset - headerOffset;
    }

    /** The first byte after the entry's padding: where the next entry starts. */
    public long end() {
        return dataOffset + TarHeaders.padded(size);
    }

    /** Whether this entry stores a blob (rather than a metadata file). */
    public boolean isBlob() {
        return blob != null;
    }
}
