/**
 * The storage SPI: where archive blobs live. {@link org.ocitransfer.core.blob.BlobStore} (list, read by range, upload,
 * delete, claim) is opened per pipeline container by a {@link org.ocitransfer.core.blob.BlobStoreFactory}; optional
 * abilities ({@link org.ocitransfer.core.blob.RegionUploadSupport}) are separate interfaces discovered at run time;
 * failures are {@link org.ocitransfer.core.blob.BlobStoreException}s. Implement it to add a kind of storage; give the
 * factory to {@code TransferClientBuilder.blobStoreFactory}.
 */
package org.ocitransfer.core.blob;
