// The public entry point of offline archive inspection and verification (transfer archive inspect|verify).
/**
 * Inspects and verifies a transfer archive (or any OCI layout tar) with no registry at all, in a local file or a
 * blob of any {@link org.ocitransfer.core.blob.BlobStore}: {@link org.ocitransfer.core.archive.OfflineArchive}.
 * What it reports is in {@code org.ocitransfer.api.archive}.
 */
package org.ocitransfer.core.archive;
