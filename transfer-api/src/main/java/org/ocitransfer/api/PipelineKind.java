package org.ocitransfer.api;

/** The two kinds of pipeline: an export writes artifacts into an archive blob, an import reads one back. */
public enum PipelineKind {
    /** Reads artifacts from a registry and writes them as one archive blob into a storage container. */
    EXPORT("exportPipelines"),
    /** Reads an archive blob from a storage container and writes its artifacts into a registry. */
    IMPORT("importPipelines");

    private final String collection;

    PipelineKind(String collection) {
        this.collection = collection;
    }

    /** The resource collection name in resource ids: {@code exportPipelines} or {@code importPipelines}. */
    public String collection() {
        return collection;
    }

    /** Lowercase name as the CLI takes it: {@code export} or {@code import}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
