/**
 * Deterministic OCI content for tests ({@link org.ocitransfer.testkit.content.ContentGenerator}): images, indexes,
 * Docker images, artifacts and referrers, pushed into any {@link org.ocitransfer.core.registry.Repository}.
 */
package org.ocitransfer.testkit.content;
