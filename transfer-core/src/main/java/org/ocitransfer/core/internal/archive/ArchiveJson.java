package org.ocitransfer.core.internal.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ocitransfer.core.content.Descriptor;

/**
 * The archive's JSON: written deterministically (fixed field order, sorted maps, no whitespace) and read strictly
 * (duplicate keys and trailing content refused), so what one parser sees another sees too.
 */
final class ArchiveJson {

    /** Strict reader (and writer of nested free-form values such as platforms, with sorted keys). */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private ArchiveJson() {
    }

    /** Writes a JSON document with a generator and returns its bytes. */
    static byte[] write(JsonWriter body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setCodec(MAPPER);
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("Writing JSON into memory failed", e);
        }
        return out.toByteArray();
    }

    /** Writes a descriptor's fields in a fixed order, with the given annotations (sorted) instead of its own. */
    static void writeDescriptor(JsonGenerator g, Descriptor d, Map<String, String> annotations) throws IOException {
        g.writeStartObject();
        g.writeStringField("mediaType", d.mediaType());
        g.writeStringField("digest", d.digest());
        g.writeNumberField("size", d.size());
        if (d.artifactType() != null) {
            g.writeStringField("artifactType", d.artifactType());
        }
        List<String> urls = d.urls();
        if (urls != null && !urls.isEmpty()) {
            g.writeArrayFieldStart("urls");
            for (String url : urls) {
                g.writeString(url);
            }
            g.writeEndArray();
        }
        if (d.platform() != null && !d.platform().isEmpty()) {
            g.writeFieldName("platform");
            g.writeObject(new TreeMap<>(d.platform()));
        }
        if (annotations != null && !annotations.isEmpty()) {
            g.writeObjectFieldStart("annotations");
            for (Map.Entry<String, String> a : new TreeMap<>(annotations).entrySet()) {
                g.writeStringField(a.getKey(), a.getValue());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** Parses a JSON document strictly. @throws IOException when it is not exactly one valid JSON value */
    static JsonNode read(byte[] bytes) throws IOException {
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            JsonNode node = MAPPER.readTree(parser);
            if (node == null) {
                throw new IOException("the document is empty");
            }
            if (parser.nextToken() != null) {
                throw new IOException("content follows the JSON value");
            }
            return node;
        } catch (JsonProcessingException e) {
            // The original message without Jackson's source description, plus where it happened.
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new IOException(e.getOriginalMessage() + where, e);
        }
    }

    /** A JSON body written with a generator. */
    @FunctionalInterface
    interface JsonWriter {
        /** Writes the document. */
        void write(JsonGenerator g) throws IOException;
    }
}
