package org.ocitransfer.core.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ocitransfer.core.blob.BlobClaim;
import org.ocitransfer.core.blob.BlobStore;
import org.ocitransfer.core.blob.local.LocalDirectoryBlobStore;

/**
 * The exclusive claim the source trigger relies on, under contention in the local directory container: of many
 * takers racing for a free or a lapsed claim, exactly one gets it.
 */
class ClaimContentionTest {

    private static final int TAKERS = 8;

    @TempDir
    Path dir;

    @Test
    void ofTakersRacingForAFreeOrLapsedClaimExactlyOneGetsIt() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(TAKERS);
        try {
            for (int round = 0; round < 30; round++) {
                String blob = "blob" + round + ".tar";
                if (round % 2 == 1) {
                    Optional<BlobClaim> lapsing = LocalDirectoryBlobStore.open(dir).tryClaim(blob, Duration.ofMillis(1));
                    assertThat(lapsing).isPresent();
                    Thread.sleep(5);
                }
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Optional<BlobClaim>>> takers = new ArrayList<>();
                for (int i = 0; i < TAKERS; i++) {
                    BlobStore store = LocalDirectoryBlobStore.open(dir);
                    Callable<Optional<BlobClaim>> take = () -> {
                        go.await();
                        return store.tryClaim(blob, Duration.ofMinutes(1));
                    };
                    takers.add(pool.submit(take));
                }
                go.countDown();
                List<BlobClaim> won = new ArrayList<>();
                for (Future<Optional<BlobClaim>> taker : takers) {
                    taker.get(30, TimeUnit.SECONDS).ifPresent(won::add);
                }
                assertThat(won).as("holders of %s (round %d)", blob, round).hasSize(1);
                assertThat(won.get(0).renew(Duration.ofMinutes(1))).isTrue();
                won.get(0).close();
                assertThat(LocalDirectoryBlobStore.open(dir).tryClaim(blob, Duration.ofMinutes(1)))
                        .as("free again once released").isPresent();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
