/**
 * OCI content as the SPIs exchange it: {@link org.ocitransfer.core.content.Descriptor},
 * {@link org.ocitransfer.core.content.Digest}, {@link org.ocitransfer.core.content.MediaTypes}, manifest parsing
 * ({@link org.ocitransfer.core.content.Manifests}) and the stream that verifies size and digest as it is read
 * ({@link org.ocitransfer.core.content.VerifyingInputStream}), on a base for streams whose every byte passes one read
 * ({@link org.ocitransfer.core.content.BlockFilterInputStream}). Used by whoever implements a {@code Registry}.
 */
package org.ocitransfer.core.content;
