/**
 * Faults and probes a test puts around a real component: {@link org.ocitransfer.testkit.faults.HookedRegistry} holds,
 * hangs or counts a registry's pushes.
 */
package org.ocitransfer.testkit.faults;
