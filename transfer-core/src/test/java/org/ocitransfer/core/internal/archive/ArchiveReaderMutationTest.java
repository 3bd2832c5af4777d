package org.ocitransfer.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.ocitransfer.core.testing.Seeds;
import org.ocitransfer.core.internal.archive.hostile.TarStream;

/**
 * Seeded mutations of a valid archive (bit flips, byte overwrites in headers and data, truncations, splices):
 * each mutant is either refused with an {@link ArchiveFormatException} (thrown, or as the cause of a stream's
 * IOException) or read back with exactly the original content. No other exception may escape the reader.
 */
class ArchiveReaderMutationTest {

    private static final int MUTANTS = 1000;

    @Test
    void mutantsAreRefusedOrReadIdentically() throws IOException {
        ArchiveFixture fixture = new ArchiveFixture();
        ArchivePlan plan = ArchivePlan.plan(fixture.request());
        byte[] original = ArchiveFixture.write(plan, fixture.content.opener());
        Random random = new Random(Seeds.seed(20260101L));
        int refused = 0;
        int intact = 0;
        for (int i = 0; i < MUTANTS; i++) {
            byte[] mutant = mutate(original, plan, random);
            BytesSource source = new BytesSource("mutant" + i, mutant);
            try (ArchiveReader reader = ArchiveReader.open(source)) {
                Map<String, byte[]> read = ArchiveFixture.readAll(reader);
                read.forEach((digest, bytes) -> assertThat(bytes).as("mutant %s blob %s", source.describe(), digest)
                        .isEqualTo(fixture.content.all().get(digest)));
                intact++;
            } catch (ArchiveFormatException e) {
                assertThat(e.getMessage()).startsWith("Archive memory:mutant" + i + " is refused: ");
                refused++;
            } catch (IOException e) {
                assertThat(e.getCause()).as("mutant %d: %s", i, e).isInstanceOf(ArchiveFormatException.class);
                refused++;
            }
        }
        assertThat(refused + intact).isEqualTo(MUTANTS);
        assertThat(refused).isGreaterThan(MUTANTS / 2);
    }

    private static byte[] mutate(byte[] original, ArchivePlan plan, Random random) {
        byte[] b = original.clone();
        // Aim most mutations at header records, where the parser's decisions are made.
        PlannedEntry entry = plan.entries().get(random.nextInt(plan.entries().size()));
        int headerStart = (int) entry.headerOffset();
        int headerLength = (int) entry.headerLength();
        switch (random.nextInt(6)) {
            case 0 -> b[headerStart + random.nextInt(headerLength)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> {
                int at = headerStart + random.nextInt(headerLength);
                b[at] = (byte) "0123456789 \0-x/.".charAt(random.nextInt(16));
                // Keep the checksum right half of the time, so the mutation reaches the fields behind it.
                if (random.nextBoolean()) {
                    int record = headerStart + (at - headerStart) / 512 * 512;
                    System.arraycopy(TarStream.withChecksum(Arrays.copyOfRange(b, record, record + 512)), 0, b, record,
                            512);
                }
            }
            case 2 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
            case 3 -> b = Arrays.copyOf(b, random.nextInt(b.length));
            case 4 -> {
                int from = random.nextInt(b.length - 512) / 512 * 512;
                int to = random.nextInt(b.length - 512) / 512 * 512;
                System.arraycopy(original, from, b, to, 512);
            }
            default -> {
                int at = (int) entry.dataOffset() + random.nextInt((int) Math.max(1, entry.size()));
                b[Math.min(at, b.length - 1)] ^= (byte) (1 << random.nextInt(8));
            }
        }
        return b;
    }
}
