package org.ocitransfer.api;

/** Whether an import pipeline's source trigger starts runs by itself when a blob lands. */
public enum TriggerStatus {
    /** Landed blobs start import runs (the default). */
    Enabled,
    /** Only runs created explicitly import anything. */
    Disabled
}
