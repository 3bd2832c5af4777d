package org.ocitransfer.core.blob;

import java.time.Duration;
import java.time.Instant;

/** An exclusive, expiring claim on a blob; release it when done (close releases it). */
public interface BlobClaim extends AutoCloseable {

    /** The claimed blob. */
    String blobName();

    /** When the claim lapses unless renewed. */
    Instant expiresAt();

    /** Extends the claim. @return false when it was lost (expired and taken by another) */
    boolean renew(Duration ttl);

    /** Releases the claim; idempotent. */
    @Override
    void close();
}
