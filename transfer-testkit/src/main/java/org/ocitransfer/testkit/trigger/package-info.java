/**
 * Parts for source trigger tests: {@link org.ocitransfer.testkit.trigger.TriggerFixture} (local storage:
 * {@link org.ocitransfer.testkit.trigger.LocalTriggerFixture}), a record store counting triggered starts, and the
 * body of a watcher process a test kills mid-import.
 */
package org.ocitransfer.testkit.trigger;
