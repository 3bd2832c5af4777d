package org.ocitransfer.api;

/** A pipeline or run that does not exist was asked for. */
public class ResourceNotFoundException extends TransferException {

    /** @param what the kind of resource; @param name its name */
    public ResourceNotFoundException(String what, String name) {
        super(what + " '" + name + "' does not exist: list them to see the names there are", ErrorCategory.NOT_FOUND);
    }
}
