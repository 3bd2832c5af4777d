// A repository's uploads over HTTP: content pushed verified, chunked when large, retried when replayable; mounts.
package org.ocitransfer.core.registry.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.content.VerifyingInputStream;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.RegistryException.Reason;

/**
 * The writes of an {@link HttpRepository}: {@link #push} and {@link #mount}. Content is verified as it is read from
 * its source. Manifests and blobs up to 1 MiB are read into memory and verified before anything is sent; bigger
 * blobs stream: one PUT when smaller than the chunked-upload threshold, else PATCH chunks then PUT. A failed upload
 * is cancelled; it is retried as a whole (POST ... PUT) only when its {@link ContentSource} is replayable. A declined
 * mount leaves its upload session for the push that follows.
 */
final class BlobUploads extends RepositoryPart {

    private static final int SMALL_BLOB = 1024 * 1024;
    private static final String OCTETS = "application/octet-stream";

    private final ManifestCalls manifests;

    BlobUploads(HttpRegistry registry, Transport transport, String name, ManifestCalls manifests) {
        super(registry, transport, name);
        this.manifests = manifests;
    }

    void push(Descriptor expected, ContentSource content) {
        if (expected.isManifest()) {
            byte[] bytes = readVerified(expected, content);
            manifests.putManifest(expected.digest(), bytes, expected.mediaType(), expected.digest(),
                    "manifest " + expected.digest() + " in repository '" + name + "'");
        } else if (expected.size() <= SMALL_BLOB) {
            byte[] bytes = readVerified(expected, content);
            pushBlob(expected, ContentSource.of(bytes), bytes);
        } else {
            pushBlob(expected, content, null);
        }
    }

    boolean mount(Descriptor blob, String fromRepository) {
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

    private static URI withDigest(URI location, String digest) {
        String s = location.toString();
        return URI.create(s + (location.getRawQuery() == null ? "?" : "&") + "digest=" + enc(digest));
    }
}
