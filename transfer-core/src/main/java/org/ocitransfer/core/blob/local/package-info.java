/**
 * Local directory containers ({@code file:///dir}), built into every client:
 * {@link org.ocitransfer.core.blob.local.LocalDirectoryBlobStoreFactory} and its
 * {@link org.ocitransfer.core.blob.local.LocalDirectoryBlobStore} (uploads renamed into place on commit, claims as
 * files created atomically).
 */
package org.ocitransfer.core.blob.local;
