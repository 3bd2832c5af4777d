// One repository of an OCI distribution registry: manifests, blobs, uploads, mounts, tags and referrers over HTTP.
package org.ocitransfer.core.registry.http;

import java.io.InputStream;
import java.util.List;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.registry.MountSupport;
import org.ocitransfer.core.registry.ReferrersSupport;
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

    private final Transport t;
    private final String name;
    private final ManifestCalls manifests;
    private final BlobReads reads;
    private final BlobUploads uploads;
    private final Referrers referrers;

    HttpRepository(HttpRegistry registry, Transport transport, String name) {
        if (name == null || name.length() > 255 || !RepositoryPart.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid repository name '" + name + "': use lowercase path"
                    + " components of letters and digits separated by '/', with '.', '_', '__' or '-' inside");
        }
        this.t = transport;
        this.name = name;
        this.manifests = new ManifestCalls(registry, transport, name);
        this.reads = new BlobReads(registry, transport, name);
        this.uploads = new BlobUploads(registry, transport, name, manifests);
        this.referrers = new Referrers(registry, transport, name, this, manifests);
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
        return manifests.resolve(reference);
    }

    /**
     * {@inheritDoc} A blob download that breaks midway (a reset, a read stalled past the read timeout, a body that
     * ends early) resumes with a ranged GET from the byte it reached, up to the retry policy's attempts.
     */
    @Override
    public InputStream fetch(Descriptor descriptor) {
        return reads.fetch(descriptor);
    }

    /**
     * Reads {@code length} bytes of a blob from {@code offset} (a ranged GET). A part cannot be checked against
     * the blob's digest: the stream only checks that exactly {@code length} bytes come. A registry that ignores
     * the range is handled by skipping to the offset.
     *
     * @throws IllegalArgumentException when the range is not inside the blob
     */
    public InputStream fetchRange(Descriptor blob, long offset, long length) {
        return reads.fetchRange(blob, offset, length);
    }

    @Override
    public boolean exists(Descriptor descriptor) {
        return reads.exists(descriptor);
    }

    @Override
    public void push(Descriptor expected, ContentSource content) {
        uploads.push(expected, content);
    }

    @Override
    public void tag(Descriptor manifest, String tag) {
        if (tag == null || !ManifestCalls.TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("Invalid tag '" + tag + "' for repository '" + name
                    + "': a tag matches [A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
        }
        byte[] bytes = fetchManifest(manifest);
        manifests.putManifest(tag, bytes, manifest.mediaType(), manifest.digest(), "tag '" + tag + "' -> "
                + manifest.digest() + " in repository '" + name + "'");
    }

    @Override
    public List<String> tags() {
        return manifests.tags();
    }

    @Override
    public boolean mount(Descriptor blob, String fromRepository) {
        return uploads.mount(blob, fromRepository);
    }

    @Override
    public List<Descriptor> referrers(Descriptor subject) {
        return referrers.referrers(subject);
    }

    /**
     * Without a referrers API, adds the referrer to the fallback index tagged {@code <alg>-<hex>} of the subject
     * (read, add, push the new index by digest, move the tag); with it, does nothing. The entry carries the
     * referrer's {@code artifactType} and annotations, read from the referrer's manifest in this repository.
     */
    @Override
    public void addReferrer(Descriptor subject, Descriptor referrer) {
        referrers.addReferrer(subject, referrer);
    }
}
