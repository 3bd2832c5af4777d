// A repository's manifests and tags over HTTP: resolve a tag or digest, list the tags, put a manifest's exact bytes.
package org.ocitransfer.core.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;

/**
 * The manifest and tag calls of an {@link HttpRepository}: {@link #resolve} (HEAD, else GET and digest the bytes),
 * {@link #tags} and {@link #putManifest} (the exact bytes, with their own media type as Content-Type, checked against
 * the digest the registry says it stored).
 */
final class ManifestCalls extends RepositoryPart {

    /** A valid tag. */
    static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    ManifestCalls(HttpRegistry registry, Transport transport, String name) {
        super(registry, transport, name);
    }

    Descriptor resolve(String reference) {
        boolean byDigest = isDigest(reference);
        if (!byDigest && (reference == null || !TAG.matcher(reference).matches())) {
            throw new IllegalArgumentException("Invalid reference '" + reference + "' in repository '" + name
                    + "': a tag matches [A-Za-z0-9_][A-Za-z0-9._-]{0,127}, a digest is sha256:<64 hex>");
        }
        String what = byDigest ? "manifest " + reference + " in repository '" + name + "'"
                : "tag '" + reference + "' in repository '" + name + "'";
        Call head = Call.of("HEAD", manifestUri(reference), pull, what, name)
                .header("Accept", MediaTypes.acceptManifests());
        try (Response r = t.send(head)) {
            if (r.status() == 200) {
                String digest = r.header("Docker-Content-Digest").map(String::trim).orElse(null);
                long size = r.contentLength();
                String type = r.mediaType();
                if (digest != null && isDigest(digest) && size >= 0 && MediaTypes.isManifest(type)) {
                    if (byDigest && !digest.equals(reference)) {
                        throw corrupt(reference, "the registry described it as " + digest);
                    }
                    return Descriptor.of(type, digest, size);
                }
            } else if (r.status() != 404) {
                throw t.failure(r, head);
            }
        }
        // HEAD without the digest (or a 404, whose details only a GET body carries): GET the manifest.
        Call get = Call.of("GET", manifestUri(reference), pull, what, name)
                .header("Accept", MediaTypes.acceptManifests());
        try (Response r = t.send(get)) {
            if (r.status() != 200) {
                throw t.failure(r, get);
            }
            byte[] bytes = readManifestBody(r, what);
            Digest computed = byDigest ? digestOf(Digest.parse(reference), bytes) : Digest.sha256(bytes);
            if (byDigest && !computed.toString().equals(reference)) {
                throw corrupt(reference, "the registry sent bytes whose digest is " + computed);
            }
            String type = r.mediaType();
            if (!MediaTypes.isManifest(type)) {
                JsonNode root = Transport.JSON.readTree(bytes);
                type = root != null && root.path("mediaType").isTextual() ? root.get("mediaType").asText() : type;
            }
            if (!MediaTypes.isManifest(type)) {
                throw new RegistryException(Reason.INVALID, "The " + what + " at " + t.location + " has media type "
                        + type + ", which is not a supported manifest type (" + MediaTypes.acceptManifests() + ")");
            }
            return Descriptor.of(type, computed.toString(), bytes.length);
        } catch (IOException e) {
            throw RegistryException.fromIo("read " + what, t.location, e);
        }
    }

    /** The repository's tags, every page. */
    List<String> tags() {
        return registry.paged(t.uri("/v2/" + name + "/tags/list?n=" + registry.pageSize()), pull,
                "the tags of repository '" + name + "'", name, body -> strings(body.get("tags")));
    }

    void putManifest(String reference, byte[] bytes, String mediaType, String expectedDigest, String what) {
        Call call = Call.of("PUT", manifestUri(reference), push, what, name).header("Content-Type", mediaType)
                .body(bytes);
        try (Response r = t.send(call)) {
            if (r.status() != 201 && r.status() != 200) {
                throw t.failure(r, call);
            }
            String stored = r.header("Docker-Content-Digest").map(String::trim).orElse(null);
            if (stored != null && stored.startsWith("sha256:") && expectedDigest.startsWith("sha256:")
                    && !stored.equals(expectedDigest)) {
                throw corrupt(expectedDigest, "the registry stored the bytes under " + stored);
            }
        }
    }

    private byte[] readManifestBody(Response r, String what) {
        try {
            return r.readAll(MediaTypes.MAX_MANIFEST_BYTES);
        } catch (IOException e) {
            throw new RegistryException(Reason.INVALID, "Could not read " + what + " at " + t.location
                    + " (at most 4 MiB): " + e.getMessage(), 0, List.of(), e);
        }
    }

    private static boolean isDigest(String reference) {
        if (reference == null || reference.indexOf(':') < 0) {
            return false;
        }
        try {
            Digest.parse(reference);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Digest digestOf(Digest algorithm, byte[] bytes) {
        java.security.MessageDigest hasher = algorithm.newHasher();
        return new Digest(algorithm.algorithm(), java.util.HexFormat.of().formatHex(hasher.digest(bytes)));
    }
}
