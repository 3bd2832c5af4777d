// The values offline archive inspection and verification report: no I/O here, only what was found.
/**
 * What {@code transfer archive inspect} and {@code transfer archive verify} report about an archive, with no registry
 * involved: {@link org.ocitransfer.api.archive.ArchiveInspection} (artifacts, tags, sizes, bases, parts, signature
 * status) and {@link org.ocitransfer.api.archive.ArchiveVerification} (every problem found, each an
 * {@link org.ocitransfer.api.archive.ArchiveProblem} naming the entry, its byte offset, and the expected and actual
 * values). {@code org.ocitransfer.core.archive.OfflineArchive} produces them.
 */
package org.ocitransfer.api.archive;
