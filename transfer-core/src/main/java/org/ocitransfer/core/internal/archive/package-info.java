/**
 * The transfer archive: an OCI image layout in a POSIX tar, planned to the byte before it is written
 * ({@link org.ocitransfer.core.internal.archive.ArchivePlan}), written by streaming
 * ({@link org.ocitransfer.core.internal.archive.ArchiveWriter}) and read with every entry checked and every blob verified
 * ({@link org.ocitransfer.core.internal.archive.ArchiveReader}). The format is specified in {@code docs/archive-format.md}.
 */
package org.ocitransfer.core.internal.archive;
