// What a finished, verified blob copy did.
package org.ocitransfer.azure.copy;

/**
 * A finished and verified blob copy.
 *
 * @param sourceUri     the source blob (never carries a SAS)
 * @param targetUri     the target blob (never carries a SAS)
 * @param size          bytes copied, equal on both sides
 * @param catalogDigest the {@code catalogdigest} metadata found equal on both sides, or null when the source had none
 * @param method        how the bytes moved
 */
public record CopyResult(String sourceUri, String targetUri, long size, String catalogDigest, CopyMethod method) {
}
