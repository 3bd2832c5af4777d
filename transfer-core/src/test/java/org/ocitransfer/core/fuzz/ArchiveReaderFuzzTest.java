// Fuzzes the archive reader (and the graph walk an import does on what it accepts): only our own exceptions escape.
package org.ocitransfer.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.ocitransfer.api.TransferException;
import org.ocitransfer.core.internal.archive.ArchiveReader;
import org.ocitransfer.core.internal.archive.BytesSource;
import org.ocitransfer.core.internal.archive.IndexEntry;
import org.ocitransfer.core.internal.archive.ReaderLimits;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Manifests;
import org.ocitransfer.core.internal.run.ContentGraph;

/**
 * Any bytes given to {@link ArchiveReader} as an archive are either refused with one of the project's exceptions (a
 * {@link TransferException}: {@code ArchiveFormatException}, {@code ContentVerificationException}) or opened; an
 * opened archive's every graph can then be walked as an import walks it ({@link ContentGraph#walk}) and every blob
 * read to its end, again failing only with the project's exceptions (a blob stream's {@link IOException} must be
 * caused by one), and every refusal must carry a message. Anything else (a NullPointerException, an
 * IndexOutOfBoundsException, an OutOfMemoryError...) is a finding.
 *
 * <p>A normal build runs the regression inputs in {@code src/test/resources/org/ocitransfer/core/fuzz/
 * ArchiveReaderFuzzTestInputs/}; {@code JAZZER_FUZZ=1 mvn -pl transfer-core -am test
 * -Dtest=ArchiveReaderFuzzTest -Dsurefire.failIfNoSpecifiedTests=false} fuzzes (findings are written there).
 */
class ArchiveReaderFuzzTest {

    /** Small limits, so the fuzzer reaches them with small inputs. */
    static final ReaderLimits LIMITS = new ReaderLimits(64, 4096, 64 * 1024, 64 * 1024, 6, 64, 64, 4096);

    @FuzzTest(maxDuration = "5m")
    void archiveIsRefusedOrReadWithOurExceptionsOnly(byte[] input) {
        for (ReaderLimits limits : new ReaderLimits[] {LIMITS, ReaderLimits.DEFAULTS}) {
            ArchiveReader reader;
            try {
                reader = ArchiveReader.open(new BytesSource("fuzz-input", input), limits);
            } catch (TransferException refused) {
                requireMessage(refused);
                continue;
            }
            readEverything(reader);
        }
    }

    private static void readEverything(ArchiveReader reader) {
        reader.catalog();
        reader.catalogDigest();
        for (IndexEntry entry : reader.index()) {
            if (!entry.descriptor().isManifest()) {
                continue;
            }
            try {
                ContentGraph graph = ContentGraph.walk(entry.descriptor().plain(), reader::readManifest);
                for (Descriptor blob : graph.blobs()) {
                    if (reader.contains(blob.digest())) {
                        drain(reader, blob);
                    }
                }
            } catch (TransferException refused) {
                requireMessage(refused); // the project's own refusal of what the archive holds: allowed
            }
        }
        // Every blob reachable from index.json, read raw as well (manifests through readManifest).
        Deque<Descriptor> todo = new ArrayDeque<>();
        reader.index().forEach(e -> todo.add(e.descriptor()));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Descriptor d = todo.pop();
            if (!seen.add(d.digest()) || !reader.contains(d.digest())) {
                continue;
            }
            try {
                if (d.isManifest()) {
                    todo.addAll(Manifests.parse(d, reader.readManifest(d)).children());
                } else {
                    drain(reader, d);
                }
            } catch (TransferException refused) {
                requireMessage(refused);
            }
        }
    }

    private static void drain(ArchiveReader reader, Descriptor blob) {
        try (InputStream in = reader.open(blob)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            if (!(e.getCause() instanceof TransferException refused)) {
                throw new AssertionError("Reading blob " + blob + " failed with an IOException not caused by one of"
                        + " the project's exceptions", e);
            }
            requireMessage(refused);
        }
    }

    /** A refusal must say what is wrong. */
    static void requireMessage(TransferException refused) {
        if (refused.getMessage() == null || refused.getMessage().isBlank()) {
            throw new AssertionError("A refusal without a message", refused);
        }
    }
}
