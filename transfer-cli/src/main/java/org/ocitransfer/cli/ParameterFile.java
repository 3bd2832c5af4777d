// ARM deployment parameter files (azuredeploy.parameters.json), as the ACR transfer templates take them.
package org.ocitransfer.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.ocitransfer.core.state.Json;

/**
 * A deployment parameter file: {@code {"$schema": ..., "contentVersion": ..., "parameters": {"name": {"value": v}}}}
 * (or the {@code parameters} object alone, as az also takes). Read with {@code --parameters @file}; each parameter a
 * command knows fills the option of the same meaning unless that option is given too. A parameter the command does
 * not know is refused, as an ARM deployment refuses it. Files over {@value #MAX_BYTES} bytes are refused unread.
 */
final class ParameterFile {

    /** The largest file read: parameter files are a few hundred bytes. */
    static final int MAX_BYTES = 1 << 20;

    static final String SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#";

    private final String source;
    private final Map<String, JsonNode> values;

    private ParameterFile(String source, Map<String, JsonNode> values) {
        this.source = source;
        this.values = values;
    }

    /**
     * Reads {@code @path} (or {@code path}).
     *
     * @param known the parameter names the command takes
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    static ParameterFile read(String argument, Set<String> known) {
        Path path = Path.of(argument.startsWith("@") ? argument.substring(1) : argument);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Parameter file " + path + " does not exist: give --parameters"
                    + " @<path to azuredeploy.parameters.json>", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read parameter file " + path, e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("Parameter file " + path + " is over " + MAX_BYTES + " bytes: it is"
                    + " not a deployment parameter file");
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Parameter file " + path + " is not JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + "): "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read parameter file " + path, e);
        }
        JsonNode parameters = root != null && root.has("parameters") ? root.get("parameters") : root;
        if (parameters == null || !parameters.isObject()) {
            throw new IllegalArgumentException("Parameter file " + path + " has no \"parameters\" object: give a"
                    + " deployment parameter file ({\"parameters\": {\"name\": {\"value\": ...}}})");
        }
        Map<String, JsonNode> values = new LinkedHashMap<>();
        Set<String> unknown = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = parameters.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            if (!known.contains(name)) {
                unknown.add(name);
                continue;
            }
            JsonNode holder = entry.getValue();
            if (holder.has("reference")) {
                throw new IllegalArgumentException("Parameter " + name + " in " + path + " is a Key Vault reference:"
                        + " give its value, or for a SAS token the secret's URI as keyVaultUri");
            }
            if (!holder.isObject() || !holder.has("value")) {
                throw new IllegalArgumentException("Parameter " + name + " in " + path + " has no \"value\": write it"
                        + " as \"" + name + "\": {\"value\": ...}");
            }
            values.put(name, holder.get("value"));
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Parameter file " + path + " names parameters this command does not"
                    + " take: " + String.join(", ", unknown) + ". It takes " + String.join(", ", new TreeSet<>(known)));
        }
        return new ParameterFile(path.toString(), values);
    }

    /** A string parameter; null when absent or empty (the templates' "not given"). */
    String string(String name) {
        JsonNode value = values.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode() || value.isBinary()) {
            throw new IllegalArgumentException("Parameter " + name + " in " + source + " must be a string");
        }
        String text = value.asText();
        return text.isEmpty() ? null : text;
    }

    /** An array-of-strings parameter; null when absent. */
    List<String> strings(String name) {
        JsonNode value = values.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException("Parameter " + name + " in " + source + " must be an array of"
                    + " strings, e.g. [\"OverwriteBlobs\"]");
        }
        List<String> list = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new IllegalArgumentException("Parameter " + name + " in " + source + " must hold strings"
                        + " only");
            }
            list.add(item.asText());
        }
        return list;
    }

    /** The given value when there is one (a flag given beside the file wins), else the file's parameter. */
    String or(String given, String name) {
        return given != null ? given : string(name);
    }

    /** Writes a parameter file holding {@code parameters} (null values are left out). */
    static String write(Map<String, Object> parameters) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("$schema", SCHEMA);
        root.put("contentVersion", "1.0.0.0");
        ObjectNode out = root.putObject("parameters");
        parameters.forEach((name, value) -> {
            if (value instanceof List<?> list) {
                ArrayNode array = out.putObject(name).putArray("value");
                list.forEach(item -> array.add(String.valueOf(item)));
            } else if (value != null) {
                out.putObject(name).put("value", String.valueOf(value));
            }
        });
        return Json.pretty(root);
    }
}
