package org.ocitransfer.api;

import java.time.Instant;
import java.util.List;

/**
 * What a run did (read-only; the client fills it in). Build one with {@link #builder()}, change one with
 * {@link #toBuilder()}.
 *
 * @param status                  Queued, Running, Succeeded, CompletedWithErrors or Failed
 * @param progress                bytes and artifacts done; {@link RunProgress#percentage()} is the model's
 *                                progress percentage
 * @param startTime               when it started
 * @param finishTime              when it ended, null while running
 * @param importedArtifacts       import: the references written into the target registry
 * @param artifactResults         per artifact: digest, outcome, message
 * @param catalogDigest           the digest of the archive's catalog.json (export: written; import: read)
 * @param source                  import: the archive blob, with its URI
 * @param target                  export: the archive blob, with its URI
 * @param trigger                 set when the source trigger started the run; null for a run created explicitly
 * @param pipelineRunErrorMessage what went wrong and what to do, null on success
 * @param errorCategory           what kind of failure it was: for a Failed run, of the failure that stopped it; for a
 *                                CompletedWithErrors run, of its first failed artifact; null otherwise (and in
 *                                records written before it existed)
 */
public record PipelineRunResponse(RunStatus status, RunProgress progress, Instant startTime, Instant finishTime,
                                  List<String> importedArtifacts, List<ArtifactResult> artifactResults,
                                  String catalogDigest, BlobLocation source, BlobLocation target,
                                  RunTrigger trigger, String pipelineRunErrorMessage, ErrorCategory errorCategory) {

    /** Copies the lists. */
    public PipelineRunResponse {
        importedArtifacts = importedArtifacts == null ? List.of() : List.copyOf(importedArtifacts);
        artifactResults = artifactResults == null ? List.of() : List.copyOf(artifactResults);
        if (progress == null) {
            progress = RunProgress.NONE;
        }
    }

    /** Whether the run failed in a way that running it again unchanged (with a new forceUpdateTag) can mend. */
    public boolean retryable() {
        return errorCategory != null && errorCategory.retryable();
    }

    /** An empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this response's values, to build a changed copy. */
    public Builder toBuilder() {
        return new Builder().status(status).progress(progress).startTime(startTime).finishTime(finishTime)
                .importedArtifacts(importedArtifacts).artifactResults(artifactResults).catalogDigest(catalogDigest)
                .source(source).target(target).trigger(trigger).pipelineRunErrorMessage(pipelineRunErrorMessage)
                .errorCategory(errorCategory);
    }

    /** Builds a {@link PipelineRunResponse}; every value is optional (lists default to empty). */
    public static final class Builder {
        private RunStatus status;
        private RunProgress progress;
        private Instant startTime;
        private Instant finishTime;
        private List<String> importedArtifacts;
        private List<ArtifactResult> artifactResults;
        private String catalogDigest;
        private BlobLocation source;
        private BlobLocation target;
        private RunTrigger trigger;
        private String pipelineRunErrorMessage;
        private ErrorCategory errorCategory;

        private Builder() {
        }

        /** See {@link PipelineRunResponse#status()}. */
        public Builder status(RunStatus status) {
            this.status = status;
            return this;
        }

        /** See {@link PipelineRunResponse#progress()}. */
        public Builder progress(RunProgress progress) {
            this.progress = progress;
            return this;
        }

        /** See {@link PipelineRunResponse#startTime()}. */
        public Builder startTime(Instant startTime) {
            this.startTime = startTime;
            return this;
        }

        /** See {@link PipelineRunResponse#finishTime()}. */
        public Builder finishTime(Instant finishTime) {
            this.finishTime = finishTime;
            return this;
        }

        /** See {@link PipelineRunResponse#importedArtifacts()}. */
        public Builder importedArtifacts(List<String> importedArtifacts) {
            this.importedArtifacts = importedArtifacts;
            return this;
        }

        /** See {@link PipelineRunResponse#artifactResults()}. */
        public Builder artifactResults(List<ArtifactResult> artifactResults) {
            this.artifactResults = artifactResults;
            return this;
        }

        /** See {@link PipelineRunResponse#catalogDigest()}. */
        public Builder catalogDigest(String catalogDigest) {
            this.catalogDigest = catalogDigest;
            return this;
        }

        /** See {@link PipelineRunResponse#source()}. */
        public Builder source(BlobLocation source) {
            this.source = source;
            return this;
        }

        /** See {@link PipelineRunResponse#target()}. */
        public Builder target(BlobLocation target) {
            this.target = target;
            return this;
        }

        /** See {@link PipelineRunResponse#trigger()}. */
        public Builder trigger(RunTrigger trigger) {
            this.trigger = trigger;
            return this;
        }

        /** See {@link PipelineRunResponse#pipelineRunErrorMessage()}. */
        public Builder pipelineRunErrorMessage(String message) {
            this.pipelineRunErrorMessage = message;
            return this;
        }

        /** See {@link PipelineRunResponse#errorCategory()}. */
        public Builder errorCategory(ErrorCategory errorCategory) {
            this.errorCategory = errorCategory;
            return this;
        }

        /** The response. */
        public PipelineRunResponse build() {
            return new PipelineRunResponse(status, progress, startTime, finishTime, importedArtifacts,
                    artifactResults, catalogDigest, source, target, trigger, pipelineRunErrorMessage, errorCategory);
        }
    }
}
