// An exclusive claim on an Azure blob, held as a blob lease and renewed in the background for long claims.
package org.ocitransfer.azure.internal.blob;

import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlobAcquireLeaseOptions;
import com.azure.storage.blob.specialized.BlobLeaseClient;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.ocitransfer.core.blob.BlobClaim;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blob lease of 15-60 s. A claim wanted for longer is renewed every third of the lease until the wanted time, so
 * a crashed holder loses it within a minute. While held, the store passes the lease id on its own writes, deletes
 * and metadata changes of the blob.
 */
final class LeaseClaim implements BlobClaim {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseClaim.class);

    private final AzureBlobStore store;
    private final String name;
    private final BlobLeaseClient lease;
    private final Duration leaseDuration;
    private volatile Instant expiresAt;
    private ScheduledFuture<?> keepAlive;
    private boolean closed;

    LeaseClaim(AzureBlobStore store, String name, BlobLeaseClient lease, Duration leaseDuration, Duration wanted) {
        this.store = store;
        this.name = name;
        this.lease = lease;
        this.leaseDuration = leaseDuration;
        extendTo(Instant.now().plus(wanted.compareTo(leaseDuration) < 0 ? leaseDuration : wanted));
    }

    /**
     * Leases {@code name} for {@code ttl} (60 s when none), renewed in the background past the 15-60 s a lease lasts.
     *
     * @return the claim; empty when another holder leases the blob
     */
    static Optional<LeaseClaim> tryAcquire(AzureBlobStore store, String name, Duration ttl) {
        Duration wanted = ttl == null || ttl.isNegative() || ttl.isZero() ? Duration.ofSeconds(60) : ttl;
        int leaseSeconds = (int) Math.max(15, Math.min(60, (wanted.toMillis() + 999) / 1000));
        BlobLeaseClient lease = new BlobLeaseClientBuilder().blobClient(store.containerClient().getBlobClient(name))
                .buildClient();
        try {
            lease.acquireLeaseWithResponse(new BlobAcquireLeaseOptions(leaseSeconds), null, Context.NONE);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409) {
                LoggerFactory.getLogger(AzureBlobStore.class).debug("Blob '{}' in {} is claimed by another process",
                        name, store.location());
                return Optional.empty();
            }
            throw store.errors().map("claiming (leasing) blob '" + name + "'", name, e);
        } catch (RuntimeException e) {
            throw store.errors().map("claiming (leasing) blob '" + name + "'", name, e);
        }
        return Optional.of(new LeaseClaim(store, name, lease, Duration.ofSeconds(leaseSeconds), wanted));
    }

    String leaseId() {
        return lease.getLeaseId();
    }

    @Override
    public String blobName() {
        return name;
    }

    @Override
    public Instant expiresAt() {
        return expiresAt;
    }

    @Override
    public synchronized boolean renew(Duration ttl) {
        if (closed) {
            return false;
        }
        if (!renewLease()) {
            return false;
        }
        Duration wanted = ttl == null || ttl.compareTo(leaseDuration) < 0 ? leaseDuration : ttl;
        extendTo(Instant.now().plus(wanted));
        return true;
    }

    private synchronized void extendTo(Instant until) {
        expiresAt = until;
        if (keepAlive != null) {
            keepAlive.cancel(false);
            keepAlive = null;
        }
        if (until.isAfter(Instant.now().plus(leaseDuration))) {
            long period = Math.max(1, leaseDuration.toMillis() / 3);
            keepAlive = store.leaseKeeper().scheduleAtFixedRate(this::keepAlive, period, period, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void keepAlive() {
        if (closed || keepAlive == null) {
            return;
        }
        // Once a renewal makes the lease reach the wanted time, stop renewing and let it lapse.
        if (!renewLease() || !Instant.now().plus(leaseDuration).isBefore(expiresAt)) {
            keepAlive.cancel(false);
            keepAlive = null;
        }
    }

    private boolean renewLease() {
        try {
            lease.renewLease();
            return true;
        } catch (BlobStorageException e) {
            LOG.warn("Lost the claim (lease) on blob '{}' in {}: HTTP {} {}", name, store.location(),
                    e.getStatusCode(), e.getErrorCode());
            return false;
        } catch (RuntimeException e) {
            LOG.warn("Could not renew the claim (lease) on blob '{}' in {}: {}", name, store.location(),
                    store.errors().redaction().scrub(e.toString()));
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
        store.forget(name, this);
        try {
            lease.releaseLease();
        } catch (BlobStorageException e) {
            // 404: the blob was deleted while claimed (e.g. after import); 409: the lease had already lapsed.
            LOG.debug("Releasing the claim on blob '{}' in {}: HTTP {} {} (nothing left to release)", name,
                    store.location(), e.getStatusCode(), e.getErrorCode());
        } catch (RuntimeException e) {
            LOG.warn("Could not release the claim (lease) on blob '{}' in {}; it lapses within {} s: {}", name,
                    store.location(), leaseDuration.toSeconds(), store.errors().redaction().scrub(e.toString()));
        }
    }
}
