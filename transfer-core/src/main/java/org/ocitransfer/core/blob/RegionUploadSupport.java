// The optional capability of a blob store to write one blob as independent regions, in parallel.
package org.ocitransfer.core.blob;

import java.util.List;

/**
 * An optional capability of a {@link BlobStore}, discovered at run time ({@code store instanceof
 * RegionUploadSupport}): writing one new blob as regions laid out up front, each region written independently (by
 * any thread, in any order), the blob becoming visible only when every region is complete and the upload is
 * committed. Stores without it are written through {@link BlobStore#upload} as one ordered stream.
 *
 * <p>A local directory writes regions at their positions in a hidden temporary file renamed into place on commit;
 * Azure stages each region as its own blocks and commits the block list in region order.
 */
public interface RegionUploadSupport {

    /**
     * Starts writing a blob laid out as consecutive regions: region {@code i} covers the bytes from the sum of the
     * lengths before it. Same visibility and overwrite rules as {@link BlobStore#upload}: nothing is visible until
     * {@link RegionUpload#commit()}, and without {@link UploadOptions#overwrite()} an existing blob is refused (at
     * the start, and again atomically at commit).
     *
     * @param name          the blob's name
     * @param regionLengths every region's length in bytes, in blob order; each at least 1, at most
     *                      {@link #maxRegions()} of them; when {@link UploadOptions#expectedSize()} is set they must
     *                      add up to it
     * @param options       overwrite and metadata, as for a plain upload
     * @throws IllegalArgumentException   when the lengths are not a valid layout
     * @throws BlobAlreadyExistsException when the blob exists and overwrite is off
     */
    RegionUpload uploadRegions(String name, List<Long> regionLengths, UploadOptions options);

    /** The most regions one blob may have (Azure: its 50,000-block limit); unlimited by default. */
    default int maxRegions() {
        return Integer.MAX_VALUE;
    }

    /**
     * Checks a layout: at least one region, every length positive, at most {@code maxRegions}, the total equal to
     * the expected size when one is given.
     *
     * @return the total length
     * @throws IllegalArgumentException naming what is wrong
     */
    static long checkLayout(String name, List<Long> regionLengths, long expectedSize, int maxRegions) {
        if (regionLengths == null || regionLengths.isEmpty()) {
            throw new IllegalArgumentException("Blob '" + name + "' needs at least one region to be written");
        }
        if (regionLengths.size() > maxRegions) {
            throw new IllegalArgumentException("Blob '" + name + "' is laid out as " + regionLengths.size()
                    + " regions but this store takes at most " + maxRegions + ": group entries into fewer regions");
        }
        long total = 0;
        for (int i = 0; i < regionLengths.size(); i++) {
            Long length = regionLengths.get(i);
            if (length == null || length < 1) {
                throw new IllegalArgumentException("Region " + i + " of blob '" + name + "' has length " + length
                        + "; every region must hold at least one byte");
            }
            total = Math.addExact(total, length);
        }
        if (expectedSize >= 0 && total != expectedSize) {
            throw new IllegalArgumentException("The regions of blob '" + name + "' add up to " + total
                    + " bytes but the blob is expected to be " + expectedSize + " bytes");
        }
        return total;
    }
}
