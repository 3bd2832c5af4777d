/**
 * Assertions about registry content ({@link org.ocitransfer.testkit.assertions.RegistryAssertions}): tags and whole
 * graphs, over any {@link org.ocitransfer.core.registry.Repository}; and the spec-fields check
 * ({@link org.ocitransfer.testkit.assertions.SpecDocuments}) that what was written to a registry, a layout or an
 * archive holds only JSON fields the OCI specs (or docs/archive-format.md, for catalog.json) define.
 */
package org.ocitransfer.testkit.assertions;
