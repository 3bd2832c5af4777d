/**
 * Signed archives: the signer SPI ({@link org.ocitransfer.core.signing.CatalogSigner},
 * {@link org.ocitransfer.core.signing.CatalogSignerFactory}), PEM keys ({@link org.ocitransfer.core.signing.PemKeys}),
 * and the signature's one algorithm ({@link org.ocitransfer.core.signing.CatalogSignatures}): an export pipeline
 * with a signing key signs its archives' catalogDigest, and the signature travels in the archive as the entry
 * {@code catalog.json.sig}; an import pipeline with verify keys refuses an archive that is not signed by one of them.
 */
package org.ocitransfer.core.signing;
