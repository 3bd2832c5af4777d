package org.ocitransfer.api;

/** The provisioning state every resource carries, as in the transfer model users know. */
public enum ProvisioningState {
    /** Being created. */
    Creating,
    /** Being updated. */
    Updating,
    /** Being deleted. */
    Deleting,
    /** Created or updated. For a run: it was accepted and has (or had) its execution. */
    Succeeded,
    /** Could not be provisioned. */
    Failed,
    /** Provisioning was cancelled. */
    Canceled
}
