package org.ocitransfer.core.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import org.ocitransfer.api.ArtifactResult;
import org.ocitransfer.api.PipelineRunResponse;
import org.ocitransfer.api.RunProgress;
import org.ocitransfer.api.TransferException;

/**
 * The JSON form of the API's resources, shared by records and the CLI's {@code --output json}: field names as the
 * transfer model has them ({@code request.pipelineResourceId}, {@code response.progress.percentage}, ...),
 * ISO-8601 times, nulls left out.
 */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .addMixIn(RunProgress.class, RunProgressMixin.class)
            .addMixIn(ArtifactResult.class, RetryableMixin.class)
            .addMixIn(PipelineRunResponse.class, RetryableMixin.class)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private Json() {
    }

    /** The configured mapper (do not reconfigure it). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Serialises a value. */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new TransferException("Cannot serialise " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Serialises a value, indented, for people. */
    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (IOException e) {
            throw new TransferException("Cannot serialise " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Reads a value. */
    public static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new TransferException("Cannot read a " + type.getSimpleName() + " record: " + e.getMessage(), e);
        }
    }

    /** Adds {@code retryable} to a failure's JSON (an artifact result's, a run response's); ignored when read. */
    abstract static class RetryableMixin {
        @JsonProperty(value = "retryable", access = JsonProperty.Access.READ_ONLY)
        abstract boolean retryable();
    }

    /** Adds {@code percentage} to a progress's JSON. */
    abstract static class RunProgressMixin {
        @JsonProperty("percentage")
        abstract int percentage();
    }
}
