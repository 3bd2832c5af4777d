/**
 * Assertions about registry content ({@link org.ocitransfer.testkit.assertions.RegistryAssertions}): tags and whole
 * graphs, over any {@link org.ocitransfer.core.registry.Repository}; and the spec-fields check
 * ({@link org.ocitransfer.testkit.assertions.SpecDocuments}) that what was written to a registry, a layout or an
 * archive holds only JSON fields the OCI specs (or docs/archive-format.md, for catalog.json) define; and that a run
 * ended Succeeded ({@link org.ocitransfer.testkit.assertions.RunAssertions}).
 */
package org.ocitransfer.testkit.assertions;
