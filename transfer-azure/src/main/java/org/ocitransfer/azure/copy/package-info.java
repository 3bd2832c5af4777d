/**
 * Copying an archive blob between two containers: {@link org.ocitransfer.azure.copy.BlobCopier} copies server-side
 * when the target store can ({@link org.ocitransfer.azure.copy.ServerSideCopy}), streaming otherwise, and verifies
 * the size and catalog digest afterwards.
 */
package org.ocitransfer.azure.copy;
