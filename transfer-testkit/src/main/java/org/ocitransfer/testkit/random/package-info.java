/**
 * Seeded randomness for tests ({@link org.ocitransfer.testkit.random.Seeds}): one seed a run, printed, fixed with
 * {@code -Dtest.seed=N}.
 */
package org.ocitransfer.testkit.random;
