/**
 * Assertions about registry content ({@link org.ocitransfer.testkit.assertions.RegistryAssertions}): tags and whole
 * graphs, over any {@link org.ocitransfer.core.registry.Repository}.
 */
package org.ocitransfer.testkit.assertions;
