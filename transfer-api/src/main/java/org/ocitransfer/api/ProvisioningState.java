package org.ocitransfer.api;

/** The provisioning state every resource carries, as in the transfer model users know. */
public enum ProvisioningState {
    /** Being created. */
    Creating,
    /** Being updated. */
    Updating,
    /** Being deleted. */
    Deleting,
    /** Created or updated. For a run: it was accepted, and is going or ended without failing. */
    Succeeded,
    /** Could not be provisioned. For a run: it failed (its status is Failed). */
    Failed,
    /** Provisioning was cancelled. */
    Canceled
}
