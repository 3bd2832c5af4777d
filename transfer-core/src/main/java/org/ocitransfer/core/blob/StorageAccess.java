package org.ocitransfer.core.blob;

/** The kinds of access a run needs on a container, checked in preflight (SAS permissions r, a, w, l, d). */
public enum StorageAccess {
    /** Read blobs ({@code r}). */
    READ,
    /** Add blocks ({@code a}). */
    ADD,
    /** Write and commit blobs ({@code w}). */
    WRITE,
    /** List blobs ({@code l}). */
    LIST,
    /** Delete blobs ({@code d}). */
    DELETE
}
