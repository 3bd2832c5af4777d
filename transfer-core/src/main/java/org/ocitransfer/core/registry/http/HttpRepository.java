// One repository of an OCI distribution registry: manifests, blobs, uploads, mounts, tags and referrers over HTTP.
package org.ocitransfer.core.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Digest;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.content.VerifyingInputStream;
import org.ocitransfer.core.registry.MountSupport;
import org.ocitransfer.core.registry.ReferrersSupport;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.TagListSupport;

/**
 * One repository of an OCI distribution registry, reached through its {@link HttpRegistry}. Implements every
 * optional ability: {@link ReferrersSupport} (the referrers API, else the tag-schema fallback), {@link MountSupport}
 * and {@link TagListSupport}; adds {@link #fetchRange ranged blob reads}.
 *
 * <ul>
 *   <li>Manifests are pushed and tagged with their exact bytes and their own media type as Content-Type.</li>
 *   <li>Every download is verified (size and digest) while it streams.</li>
 *   <li>Blobs up to 1 MiB are read into memory and verified before anything is sent; bigger ones stream: one PUT
 *       when smaller than the chunked-upload threshold, else PATCH chunks then PUT. A failed upload is cancelled;
 *       it is retried as a whole (POST ... PUT) only when its {@link ContentSource} is replayable.</li>
 * </ul>
 */
public final class HttpRepository implements Repository, ReferrersSupport, MountSupport, TagListSupport {

    private static final Pattern NAME = Pattern.compile(
            "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int SMALL_BLOB = 1024 * 1024;
    private static final String OCTETS = "application/octet-stream";

    private final HttpRegistry registry;
    private final Transport t;
    private final String name;
    private final List<String> pull;
    private final List<String> push;

    HttpRepository(HttpRegistry registry, Transport transport, String name) {
        if (name == null || name.length() > 255 || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid repository name '" + name + "': use lowercase path"
                    + " components of letters and digits separated by '/', with '.', '_', '__' or '-' inside");
        }
        this.registry = registry;
        this.t = transport;
        this.name = name;
        this.pull = List.of("repository:" + name + ":pull");
        this.push = List.of("repository:" + name + ":pull,push");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String registryLocation() {
        return t.location;
    }

    @Override
    public Descriptor resolve(String reference) {
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

    /**
     * {@inheritDoc} A blob download that breaks midway (a reset, a read stalled past the read timeout, a body that
     * ends early) resumes with a ranged GET from the byte it reached, up to the retry policy's attempts.
     */
    @Override
    public InputStream fetch(Descriptor descriptor) {
        Call call = contentCall("GET", descriptor);
        Response r = t.send(call);
        if (r.status() != 200) {
            throw t.failure(r, call);
        }
        InputStream body = descriptor.isManifest() ? r.body() : new ResumingBody(r.body(), descriptor);
        return new VerifyingInputStream(body, descriptor, where());
    }

    /**
     * Reads {@code length} bytes of a blob from {@code offset} (a ranged GET). A part cannot be checked against
     * the blob's digest: the stream only checks that exactly {@code length} bytes come. A registry that ignores
     * the range is handled by skipping to the offset.
     *
     * @throws IllegalArgumentException when the range is not inside the blob
     */
    public InputStream fetchRange(Descriptor blob, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > blob.size()) {
            throw new IllegalArgumentException("Range " + offset + "+" + length + " is outside blob " + blob.digest()
                    + " of " + blob.size() + " bytes");
        }
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        long last = offset + length - 1;
        Call call = Call.of("GET", blobUri(blob.digest()), pull, "bytes " + offset + "-" + last + " of blob "
                + blob.digest() + " in repository '" + name + "'", name)
                .header("Range", "bytes=" + offset + "-" + last).allowForeignRedirects();
        Response r = t.send(call);
        try {
            if (r.status() == 206) {
                Matcher m = CONTENT_RANGE.matcher(r.header("Content-Range").orElse(""));
                if (!m.matches() || Long.parseLong(m.group(1)) != offset || Long.parseLong(m.group(2)) != last) {
                    r.close();
                    throw new RegistryException(Reason.OTHER, "The registry " + t.location + " answered "
                            + call.what() + " with another range (Content-Range: "
                            + r.header("Content-Range").orElse("none") + ")", 206, List.of(), null);
                }
                return new RangeStream(r.body(), length, call.what(), true);
            }
            if (r.status() == 200) {
                long skipped = r.body().skip(offset);
                while (skipped < offset) {
                    if (r.body().read() < 0) {
                        break;
                    }
                    skipped++;
                }
                return new RangeStream(r.body(), length, call.what(), true);
            }
            throw t.failure(r, call);
        } catch (IOException e) {
            r.close();
            throw RegistryException.fromIo("read " + call.what(), t.location, e);
        }
    }

    @Override
    public boolean exists(Descriptor descriptor) {
        Call call = contentCall("HEAD", descriptor);
        try (Response r = t.send(call)) {
            if (r.status() == 200) {
                return true;
            }
            if (r.status() == 404) {
                return false;
            }
            throw t.failure(r, call);
        }
    }

    @Override
    public void push(Descriptor expected, ContentSource content) {
        if (expected.isManifest()) {
            byte[] bytes = readVerified(expected, content);
            putManifest(expected.digest(), bytes, expected.mediaType(), expected.digest(),
                    "manifest " + expected.digest() + " in repository '" + name + "'");
        } else if (expected.size() <= SMALL_BLOB) {
            byte[] bytes = readVerified(expected, content);
            pushBlob(expected, ContentSource.of(bytes), bytes);
        } else {
            pushBlob(expected, content, null);
        }
    }

    @Override
    public void tag(Descriptor manifest, String tag) {
        if (tag == null || !TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("Invalid tag '" + tag + "' for repository '" + name
                    + "': a tag matches [A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
        }
        byte[] bytes = fetchManifest(manifest);
        putManifest(tag, bytes, manifest.mediaType(), manifest.digest(), "tag '" + tag + "' -> " + manifest.digest()
                + " in repository '" + name + "'");
    }

    @Override
    public List<String> tags() {
        return registry.paged(t.uri("/v2/" + name + "/tags/list?n=" + registry.pageSize()), pull,
                "the tags of repository '" + name + "'", name, body -> strings(body.get("tags")));
    }

    @Override
    public boolean mount(Descriptor blob, String fromRepository) {
        if (fromRepository == null || !NAME.matcher(fromRepository).matches()) {
            throw new IllegalArgumentException("Invalid source repository '" + fromRepository + "' to mount from");
        }
        Call call = Call.of("POST", t.uri("/v2/" + name + "/blobs/uploads/?mount=" + enc(blob.digest()) + "&from="
                        + enc(fromRepository)), List.of(push.get(0), "repository:" + fromRepository + ":pull"),
                "mount of blob " + blob.digest() + " from repository '" + fromRepository + "' into '" + name + "'",
                name).once();
        try (Response r = t.send(call)) {
            if (r.status() == 201) {
                return true;
            }
            if (r.status() == 202) {
                // Declined: the registry opened an upload instead; the push that follows continues it.
                registry.pendingUploads().put(name + "@" + blob.digest(), t.uploadLocation(r, call));
                return false;
            }
            throw t.failure(r, call);
        }
    }

    @Override
    public List<Descriptor> referrers(Descriptor subject) {
        List<Descriptor> viaApi = referrersApi(subject);
        if (viaApi != null) {
            return viaApi;
        }
        Descriptor index = fallbackIndex(subject);
        if (index == null) {
            return List.of();
        }
        JsonNode root = json(fetchManifest(index), "the referrers index " + index.digest());
        return descriptors(root.get("manifests"));
    }

    /**
     * Without a referrers API, adds the referrer to the fallback index tagged {@code <alg>-<hex>} of the subject
     * (read, add, push the new index by digest, move the tag); with it, does nothing. The entry carries the
     * referrer's {@code artifactType} and annotations, read from the referrer's manifest in this repository.
     */
    @Override
    public void addReferrer(Descriptor subject, Descriptor referrer) {
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
                JsonNode existing = json(fetchManifest(current), "the referrers index " + current.digest());
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
            putManifest(digest, bytes, MediaTypes.OCI_INDEX, digest, what);
            putManifest(tag, bytes, MediaTypes.OCI_INDEX, digest, "tag '" + tag + "' of the " + what);
        }
    }

    /** The fallback tag of a subject: {@code <alg>-<hex>} (at most 32 and 64 characters). */
    static String fallbackTag(Descriptor subject) {
        Digest d = subject.parsedDigest();
        String alg = d.algorithm().length() > 32 ? d.algorithm().substring(0, 32) : d.algorithm();
        String hex = d.hex().length() > 64 ? d.hex().substring(0, 64) : d.hex();
        return alg + "-" + hex;
    }

    // --- referrers -------------------------------------------------------------------------------------------

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
            return resolve(fallbackTag(subject));
        } catch (RegistryException e) {
            if (e.reason() == Reason.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private Descriptor referrerEntry(Descriptor referrer) {
        JsonNode root = json(fetchManifest(referrer), "referrer " + referrer.digest());
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

    // --- uploads ---------------------------------------------------------------------------------------------

    private void pushBlob(Descriptor expected, ContentSource content, byte[] bytes) {
        boolean replayable = bytes != null || content.replayable();
        int attempts = replayable ? t.retry().maxAttempts() : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                uploadOnce(expected, content, bytes);
                return;
            } catch (RegistryException e) {
                if (e.reason() != Reason.TRANSIENT) {
                    throw e;
                }
                if (!replayable) {
                    throw new RegistryException(Reason.TRANSIENT, "Pushing blob " + expected.digest() + " to"
                            + " repository '" + name + "' at " + t.location + " failed and was not retried: its"
                            + " content is a one-shot stream that cannot be replayed; push it again from a replayable"
                            + " source. Cause: " + e.getMessage(), e.status(), e.errors(), e);
                }
                if (attempt >= attempts) {
                    throw e;
                }
                Transport.pause(t.retry().delayBefore(attempt, null));
            }
        }
    }

    private void uploadOnce(Descriptor expected, ContentSource content, byte[] bytes) {
        String what = "blob " + expected.digest() + " in repository '" + name + "'";
        URI pending = registry.pendingUploads().remove(name + "@" + expected.digest());
        boolean fresh = pending == null;
        Session session = new Session(fresh ? startUpload(what) : pending);
        try {
            if (bytes != null) {
                finish(session, expected, what, bytes);
            } else if (expected.size() >= registry.chunkedUploadThreshold()) {
                chunked(session, expected, content, what);
            } else {
                monolithic(session, expected, content, what);
            }
        } catch (RegistryException e) {
            cancel(session.location, e);
            if (!fresh && e.reason() == Reason.NOT_FOUND && (bytes != null || content.replayable())) {
                // The session the registry opened when declining a mount is gone: start a new one.
                uploadOnce(expected, content, bytes);
                return;
            }
            throw e;
        }
    }

    /** Where an upload continues: each PATCH answers with the next Location. */
    private static final class Session {
        private URI location;

        Session(URI location) {
            this.location = location;
        }
    }

    private URI startUpload(String what) {
        Call call = Call.of("POST", t.uri("/v2/" + name + "/blobs/uploads/"), push, "upload of " + what, name);
        try (Response r = t.send(call)) {
            if (r.status() == 202) {
                return t.uploadLocation(r, call);
            }
            throw t.failure(r, call);
        }
    }

    private void finish(Session session, Descriptor expected, String what, byte[] bytes) {
        Call call = Call.of("PUT", withDigest(session.location, expected.digest()), push, what, name).once();
        if (bytes != null) {
            call = call.header("Content-Type", OCTETS).body(bytes).once();
        }
        complete(call);
    }

    private void monolithic(Session session, Descriptor expected, ContentSource content, String what) {
        try (VerifyingInputStream in = open(expected, content)) {
            complete(Call.of("PUT", withDigest(session.location, expected.digest()), push, what, name)
                    .header("Content-Type", OCTETS).body(() -> in, expected.size()));
        } catch (IOException e) {
            throw RegistryException.fromIo("read the content of " + what, t.location, e);
        }
    }

    private void chunked(Session session, Descriptor expected, ContentSource content, String what) {
        long chunk = registry.chunkSize();
        try (VerifyingInputStream in = open(expected, content)) {
            long offset = 0;
            while (offset < expected.size()) {
                long n = Math.min(chunk, expected.size() - offset);
                InputStream part = new RangeStream(in, n, what, false);
                Call call = Call.of("PATCH", session.location, push, "bytes " + offset + "-" + (offset + n - 1) + " of "
                        + what, name).header("Content-Type", OCTETS)
                        .header("Content-Range", offset + "-" + (offset + n - 1)).body(() -> part, n);
                try (Response r = t.send(call)) {
                    if (r.status() != 202) {
                        throw t.failure(r, call);
                    }
                    session.location = t.uploadLocation(r, call);
                }
                offset += n;
            }
            if (!in.isVerified()) {
                throw corrupt(expected.digest(), "the content pushed did not end where its descriptor says");
            }
            finish(session, expected, what, null);
        } catch (IOException e) {
            throw RegistryException.fromIo("read the content of " + what, t.location, e);
        }
    }

    private void complete(Call call) {
        try (Response r = t.send(call)) {
            if (r.status() != 201) {
                throw t.failure(r, call);
            }
        }
    }

    /** Best effort: tells the registry to drop a failed upload; a failure to do so is attached to the cause. */
    private void cancel(URI location, RegistryException cause) {
        Call call = Call.of("DELETE", location, push, "cancel of the failed upload", name).once();
        try (Response r = t.send(call)) {
            Transport.LOG.debug("Cancelling a failed upload in {} answered HTTP {}", name, r.status());
        } catch (RegistryException e) {
            cause.addSuppressed(e);
        }
    }

    private VerifyingInputStream open(Descriptor expected, ContentSource content) {
        try {
            return new VerifyingInputStream(content.open(), expected, "the source given to push into repository '"
                    + name + "' at " + t.location);
        } catch (IOException e) {
            throw new RegistryException(Reason.OTHER, "Could not open the content of " + expected.digest()
                    + " to push it to repository '" + name + "': " + e.getMessage(), 0, List.of(), e);
        }
    }

    private byte[] readVerified(Descriptor expected, ContentSource content) {
        if (expected.size() > MediaTypes.MAX_MANIFEST_BYTES && expected.isManifest()) {
            throw new RegistryException(Reason.INVALID, "Manifest " + expected.digest() + " is " + expected.size()
                    + " bytes, over the 4 MiB limit for manifests");
        }
        try (VerifyingInputStream in = open(expected, content)) {
            return in.readAllBytes();
        } catch (IOException e) {
            ContentVerificationException bad = VerifyingInputStream.verificationFailure(e);
            if (bad != null) {
                throw new RegistryException(Reason.CORRUPT, bad.getMessage() + "; nothing was pushed to repository '"
                        + name + "'", 0, List.of(), bad);
            }
            throw new RegistryException(Reason.OTHER, "Could not read the content of " + expected.digest()
                    + " to push it to repository '" + name + "': " + e.getMessage(), 0, List.of(), e);
        }
    }

    private void putManifest(String reference, byte[] bytes, String mediaType, String expectedDigest, String what) {
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

    // --- helpers ---------------------------------------------------------------------------------------------

    private Call contentCall(String method, Descriptor d) {
        if (d.isManifest()) {
            return Call.of(method, manifestUri(d.digest()), pull, "manifest " + d.digest() + " in repository '"
                    + name + "'", name).header("Accept", accept(d));
        }
        return Call.of(method, blobUri(d.digest()), pull, "blob " + d.digest() + " in repository '" + name + "'",
                name).allowForeignRedirects();
    }

    private static String accept(Descriptor d) {
        String all = MediaTypes.acceptManifests();
        return all.contains(d.mediaType()) ? all : d.mediaType() + ", " + all;
    }

    private URI manifestUri(String reference) {
        return t.uri("/v2/" + name + "/manifests/" + reference);
    }

    private URI blobUri(String digest) {
        return t.uri("/v2/" + name + "/blobs/" + digest);
    }

    private static URI withDigest(URI location, String digest) {
        String s = location.toString();
        return URI.create(s + (location.getRawQuery() == null ? "?" : "&") + "digest=" + enc(digest));
    }

    private String where() {
        return "registry " + t.location + " repository " + name;
    }

    private RegistryException corrupt(String digest, String detail) {
        return new RegistryException(Reason.CORRUPT, "Content " + digest + " in repository '" + name + "' at "
                + t.location + " does not match its digest: " + detail);
    }

    private byte[] readManifestBody(Response r, String what) {
        try {
            return r.readAll(MediaTypes.MAX_MANIFEST_BYTES);
        } catch (IOException e) {
            throw new RegistryException(Reason.INVALID, "Could not read " + what + " at " + t.location
                    + " (at most 4 MiB): " + e.getMessage(), 0, List.of(), e);
        }
    }

    private byte[] readJson(Response r, String what) {
        try {
            return r.readAll(Transport.MAX_JSON_BYTES);
        } catch (IOException e) {
            throw RegistryException.fromIo("read " + what, t.location, e);
        }
    }

    private JsonNode json(byte[] bytes, String what) {
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

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
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

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Exactly {@code length} bytes of an underlying stream; closes it only when it owns it. */
    /** A blob's body that, when the connection breaks, goes on from where it was with a ranged GET. */
    private final class ResumingBody extends InputStream {
        private final Descriptor blob;
        private InputStream in;
        private long position;
        private int attempt = 1;

        ResumingBody(InputStream in, Descriptor blob) {
            this.in = in;
            this.blob = blob;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                IOException broken;
                try {
                    int n = in.read(b, off, len);
                    if (n >= 0 || position >= blob.size()) {
                        position += Math.max(n, 0);
                        return n;
                    }
                    broken = new IOException("the body ended after " + position + " of " + blob.size() + " bytes");
                } catch (IOException e) {
                    broken = e;
                }
                if (attempt >= t.retry().maxAttempts() || Thread.currentThread().isInterrupted()) {
                    throw broken;
                }
                Transport.LOG.debug("Download of blob {} in {} broke at byte {} of {} ({}); resuming there (attempt"
                        + " {} of {})", blob.digest(), name, position, blob.size(), broken.toString(), attempt + 1,
                        t.retry().maxAttempts());
                try {
                    in.close();
                } catch (IOException e) {
                    broken.addSuppressed(e);
                }
                Transport.pause(t.retry().delayBefore(attempt++, null));
                try {
                    in = fetchRange(blob, position, blob.size() - position);
                } catch (RegistryException e) {
                    e.addSuppressed(broken);
                    throw new IOException("Could not resume the download of blob " + blob.digest() + " in repository '"
                            + name + "' at byte " + position + ": " + e.getMessage(), e);
                }
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static final class RangeStream extends InputStream {
        private final InputStream in;
        private final long length;
        private final String what;
        private final boolean owner;
        private long read;

        RangeStream(InputStream in, long length, String what, boolean owner) {
            this.in = in;
            this.length = length;
            this.what = what;
            this.owner = owner;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (read >= length) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, length - read));
            if (n < 0) {
                throw new IOException("The stream of " + what + " ended after " + read + " of " + length + " bytes");
            }
            read += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (owner) {
                in.close();
            }
        }
    }
}
