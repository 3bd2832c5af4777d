// A repository's referrers over HTTP: the referrers API when the registry has it, else the tag-schema fallback index.
package org.ocitransfer.core.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;
import org.ocitransfer.core.registry.Repository;

/**
 * The referrers of an {@link HttpRepository}: listed by the referrers API when the registry answers it, else read
 * from (and added to) the fallback index tagged {@code <alg>-<hex>} of the subject.
 */
final class Referrers extends RepositoryPart {

    private final Repository repository;
    private final ManifestCalls manifestCalls;

    /** @param repository the repository whose manifests these are, to resolve and read them */
    Referrers(HttpRegistry registry, Transport transport, String name, Repository repository,
            ManifestCalls manifests) {
        super(registry, transport, name);
        this.repository = repository;
        this.manifestCalls = manifests;
    }

    List<Descriptor> referrers(Descriptor subject) {
        List<Descriptor> viaApi = referrersApi(subject);
        if (viaApi != null) {
            return viaApi;
        }
        Descriptor index = fallbackIndex(subject);
        if (index == null) {
            return List.of();
        }
        JsonNode root = json(repository.fetchManifest(index), "the referrers index " + index.digest());
        return descriptors(root.get("manifests"));
    }

    /**
     * Without a referrers API, adds the referrer to the fallback index tagged {@code <alg>-<hex>} of the subject
     * (read, add, push the new index by digest, move the tag); with it, does nothing. The entry carries the
     * referrer's {@code artifactType} and annotations, read from the referrer's manifest in this repository.
     */
    void addReferrer(Descriptor subject, Descriptor referrer) {
        if (referrersApi(subject) != null) {
            return;
        }
        Descriptor entry = referrerEntry(referrer);
        String tag = fallbackTag(subject);
        synchronized (registry.lock(name + ":" + tag)) {
            Descriptor current = fallbackIndex(subject);
            ObjectNode index;
            if (current == null) {
                index = Transport.JSON.createObjectNode();
                index.put("schemaVersion", 2);
                index.put("mediaType", MediaTypes.OCI_INDEX);
                index.putArray("manifests");
            } else {
                JsonNode existing = json(repository.fetchManifest(current),
                        "the referrers index " + current.digest());
                if (!(existing instanceof ObjectNode obj) || !MediaTypes.OCI_INDEX.equals(current.mediaType())) {
                    throw new RegistryException(Reason.INVALID, "Tag '" + tag + "' in repository '" + name + "' at "
                            + t.location + " should point at an OCI index of referrers but holds "
                            + current.mediaType() + "; move or delete that tag");
                }
                index = obj;
            }
            ArrayNode manifests = index.withArray("manifests");
            for (JsonNode m : manifests) {
                if (entry.digest().equals(m.path("digest").asText())) {
                    return;
                }
            }
            manifests.add(Transport.JSON.valueToTree(entry));
            byte[] bytes;
            try {
                bytes = Transport.JSON.writeValueAsBytes(index);
            } catch (IOException e) {
                throw new RegistryException(Reason.OTHER, "Could not write the referrers index of " + subject.digest()
                        + ": " + e.getMessage(), 0, List.of(), e);
            }
            String digest = Digest.sha256(bytes).toString();
            String what = "referrers index of " + subject.digest() + " in repository '" + name + "'";
            manifestCalls.putManifest(digest, bytes, MediaTypes.OCI_INDEX, digest, what);
            manifestCalls.putManifest(tag, bytes, MediaTypes.OCI_INDEX, digest, "tag '" + tag + "' of the " + what);
        }
    }

    /** The fallback tag of a subject: {@code <alg>-<hex>} (at most 32 and 64 characters). */
    static String fallbackTag(Descriptor subject) {
        Digest d = subject.parsedDigest();
        String alg = d.algorithm().length() > 32 ? d.algorithm().substring(0, 32) : d.algorithm();
        String hex = d.hex().length() > 64 ? d.hex().substring(0, 64) : d.hex();
        return alg + "-" + hex;
    }

    /** The referrers by the API, or null when the registry has none (404). */
    private List<Descriptor> referrersApi(Descriptor subject) {
        String what = "the referrers of " + subject.digest() + " in repository '" + name + "'";
        URI first = t.uri("/v2/" + name + "/referrers/" + subject.digest());
        Call probe = Call.of("GET", first, pull, what, name).header("Accept", MediaTypes.OCI_INDEX);
        try (Response r = t.send(probe)) {
            if (r.status() == 404) {
                return null;
            }
            if (r.status() != 200) {
                throw t.failure(r, probe);
            }
            List<Descriptor> out = new ArrayList<>(descriptors(json(readJson(r, what), what).get("manifests")));
            URI next = registry.nextLink(r, probe);
            if (next != null) {
                out.addAll(registry.paged(next, pull, what, name, body -> descriptors(body.get("manifests"))));
            }
            return out;
        }
    }

    private Descriptor fallbackIndex(Descriptor subject) {
        try {
            return repository.resolve(fallbackTag(subject));
        } catch (RegistryException e) {
            if (e.reason() == Reason.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private Descriptor referrerEntry(Descriptor referrer) {
        JsonNode root = json(repository.fetchManifest(referrer), "referrer " + referrer.digest());
        String artifactType = root.path("artifactType").isTextual() ? root.get("artifactType").asText()
                : root.path("config").path("mediaType").isTextual() ? root.get("config").get("mediaType").asText()
                : referrer.artifactType();
        Map<String, String> annotations = null;
        if (root.path("annotations").isObject()) {
            annotations = new HashMap<>();
            for (Map.Entry<String, JsonNode> e : root.get("annotations").properties()) {
                annotations.put(e.getKey(), e.getValue().asText());
            }
        }
        return new Descriptor(referrer.mediaType(), referrer.digest(), referrer.size(), null, annotations, null,
                artifactType);
    }

    private static List<Descriptor> descriptors(JsonNode array) {
        List<Descriptor> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            for (JsonNode n : array) {
                try {
                    out.add(Transport.JSON.treeToValue(n, Descriptor.class));
                } catch (IOException | IllegalArgumentException e) {
                    throw new RegistryException(Reason.INVALID, "A referrers list holds an invalid descriptor: "
                            + e.getMessage(), 0, List.of(), e);
                }
            }
        }
        return out;
    }
}
