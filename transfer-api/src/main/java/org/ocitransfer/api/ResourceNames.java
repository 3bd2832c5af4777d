package org.ocitransfer.api;

import java.util.regex.Pattern;

/** Names and ids of resources: pipelines and runs are named by 5-50 alphanumerics, as in the transfer model. */
public final class ResourceNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]{5,50}");

    /** The collection of pipeline runs in resource ids. */
    public static final String RUNS = "pipelineRuns";

    private ResourceNames() {
    }

    /**
     * Checks a resource name.
     *
     * @param what what is named, for the message ("export pipeline", "pipeline run")
     * @return the name
     * @throws IllegalArgumentException naming the name and the rule
     */
    public static String validate(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid " + what + " name '" + name
                    + "': a name is 5 to 50 letters or digits (A-Z, a-z, 0-9), nothing else");
        }
        return name;
    }

    /** The resource id of a pipeline: {@code /exportPipelines/<name>} or {@code /importPipelines/<name>}. */
    public static String pipelineId(PipelineKind kind, String name) {
        return "/" + kind.collection() + "/" + name;
    }

    /** The resource id of a run: {@code /pipelineRuns/<name>}. */
    public static String runId(String name) {
        return "/" + RUNS + "/" + name;
    }

    /**
     * Reads a pipeline resource id: any prefix (an ARM id works), then {@code exportPipelines/<name>} or
     * {@code importPipelines/<name>}. A bare name is not accepted: it would not say the kind.
     *
     * @throws IllegalArgumentException when the id names no pipeline
     */
    public static PipelineId parsePipelineId(String id) {
        if (id != null) {
            String[] parts = id.split("/");
            if (parts.length >= 2) {
                String collection = parts[parts.length - 2];
                String name = parts[parts.length - 1];
                for (PipelineKind kind : PipelineKind.values()) {
                    if (kind.collection().equalsIgnoreCase(collection)) {
                        return new PipelineId(kind, validate(name, kind.label() + " pipeline"));
                    }
                }
            }
        }
        throw new IllegalArgumentException("Invalid pipeline resource id '" + id
                + "': it must end in /exportPipelines/<name> or /importPipelines/<name>");
    }

    /**
     * A pipeline's kind and name, read from its resource id.
     *
     * @param kind export or import
     * @param name the pipeline's name
     */
    public record PipelineId(PipelineKind kind, String name) {
        /** The canonical resource id. */
        public String id() {
            return pipelineId(kind, name);
        }
    }
}
