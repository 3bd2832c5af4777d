// What the parts of one HTTP repository share: its registry, transport, name and token scopes, and their helpers.
package org.ocitransfer.core.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;

/**
 * The base of the parts of an {@link HttpRepository} ({@link ManifestCalls}, {@link BlobReads},
 * {@link BlobUploads}, {@link Referrers}): the repository's registry and transport, its name, the token scopes to
 * pull and to push, and what they all use: its addresses, the messages of corrupt content, JSON bodies.
 */
abstract class RepositoryPart {

    /** A valid repository name (the distribution spec's). */
    static final Pattern NAME = Pattern.compile(
            "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

    final HttpRegistry registry;
    final Transport t;
    final String name;
    final List<String> pull;
    final List<String> push;

    RepositoryPart(HttpRegistry registry, Transport transport, String name) {
        this.registry = registry;
        this.t = transport;
        this.name = name;
        this.pull = List.of("repository:" + name + ":pull");
        this.push = List.of("repository:" + name + ":pull,push");
    }

    final URI manifestUri(String reference) {
        return t.uri("/v2/" + name + "/manifests/" + reference);
    }

    final URI blobUri(String digest) {
        return t.uri("/v2/" + name + "/blobs/" + digest);
    }

    final RegistryException corrupt(String digest, String detail) {
        return new RegistryException(Reason.CORRUPT, "Content " + digest + " in repository '" + name + "' at "
                + t.location + " does not match its digest: " + detail);
    }

    final byte[] readJson(Response r, String what) {
        try {
            return r.readAll(Transport.MAX_JSON_BYTES);
        } catch (IOException e) {
            throw RegistryException.fromIo("read " + what, t.location, e);
        }
    }

    final JsonNode json(byte[] bytes, String what) {
        try {
            JsonNode node = Transport.JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IOException("not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new RegistryException(Reason.INVALID, "The registry " + t.location + " sent " + what
                    + " that is not valid JSON: " + e.getMessage(), 0, List.of(), e);
        }
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
