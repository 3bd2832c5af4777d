// The copy into a target planned whole before any byte moves (an archive blob): plan, stream the pieces, commit.
package org.ocitransfer.core.internal.run;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.ocitransfer.api.RunPhase;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.VerifyingInputStream;

/**
 * The engine's path for a {@link Target} planned whole before any byte moves (an archive blob): the same units and
 * {@link GraphCopy.Source} as {@link GraphCopy}, the same pool and progress; the target plans every offset from the
 * units, then its pieces stream from the source, largest first, and it is committed only when every piece is in.
 * An archive cannot hold part of a run, so any failure stops it.
 */
final class PlannedCopy {

    private PlannedCopy() {
    }

    /**
     * A target planned whole before any byte moves (an archive blob): it is handed every unit (their descriptors and
     * names) first and plans every offset; then {@link #run} streams each of its pieces, the content read from
     * the source when the piece's stream reaches it, up to the pool's width at once (largest first); it is committed
     * only when every piece is in, and closed (nothing committed) at the first failure.
     */
    interface Target extends AutoCloseable {

        /** Plans from every unit, in order, before any byte moves; returns the pieces that together make it. */
        List<Piece> plan(List<GraphCopy.Unit> units);

        /** A piece's bytes, each descriptor's content opened through {@code content} when the stream reaches it. */
        InputStream open(Piece piece, ContentOpener content);

        /** Writes a piece's bytes into the target. */
        void write(Piece piece, InputStream bytes) throws IOException;

        /** Makes the whole visible: only once every piece is written. */
        void commit();

        /** Discards whatever was not committed; pieces still being written then fail fast. May be called twice. */
        @Override
        void close();

        /**
         * The run's error for a failure while writing a piece.
         *
         * @param unit    the unit whose content was being moved, or null (the target's own bytes)
         * @param at      the content being moved, or null
         * @param reading whether the source failed (its storage, its content), else the target
         * @param cause   what failed
         */
        RunFailedException failed(GraphCopy.Unit unit, Descriptor at, boolean reading, Exception cause);
    }

    /** One independently written part of a planned target: its index and its length in bytes. */
    record Piece(int index, long length) {
    }

    /** Opens a descriptor's content from the run's source, verified as it streams. */
    @FunctionalInterface
    interface ContentOpener {
        /** The content's bytes. */
        InputStream open(Descriptor content) throws IOException;
    }

    /** Why a piece of a planned target could not be written: at what content, and on which side. */
    private static final class PieceFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient GraphCopy.Unit unit;
        private final transient Descriptor at;
        private final boolean reading;

        PieceFailure(GraphCopy.Unit unit, Descriptor at, boolean reading, Exception cause) {
            super(cause);
            this.unit = unit;
            this.at = at;
            this.reading = reading;
        }
    }

    /**
     * Writes the units into a planned target: planned whole from the units, then every piece streamed from the source
     * (each content's first unit reads it), largest first, up to the pool's width at once; committed when whole. Any
     * failure stops the run (the target cannot hold part of it): the target is closed, nothing committed.
     *
     * @throws RunFailedException the target's, when a piece could not be written
     */
    static void run(GraphCopy.Source source, TaskPool pool, ProgressTracker progress, List<GraphCopy.Unit> units,
                    Target into) {
        Map<String, GraphCopy.Unit> owners = new HashMap<>();
        Map<String, ContentGraph.ManifestNode> manifests = new HashMap<>();
        for (GraphCopy.Unit u : units) {
            for (ContentGraph.ManifestNode node : u.graph().manifests()) {
                owners.putIfAbsent(node.descriptor().digest(), u);
                manifests.putIfAbsent(node.descriptor().digest(), node);
            }
            for (Descriptor blob : u.graph().blobs()) {
                owners.putIfAbsent(blob.digest(), u);
            }
        }
        List<Piece> pieces = new ArrayList<>(into.plan(units));
        progress.totalBytes(pieces.stream().mapToLong(Piece::length).sum());
        progress.phase(RunPhase.COPYING);
        // Largest first, so the long copies start early and the small ones fill in around them.
        pieces.sort(Comparator.comparingLong(Piece::length).reversed().thenComparingInt(Piece::index));
        List<TaskPool.Task<Void>> tasks = new ArrayList<>();
        for (Piece piece : pieces) {
            tasks.add(() -> {
                writePiece(source, progress, into, piece, owners, manifests);
                return null;
            });
        }
        // The first failure closes the target, so pieces still being written fail fast and nothing is committed.
        Exception failure = pool.runAll(tasks, FailurePolicy.STOP, into::close).firstFailure();
        if (failure instanceof PieceFailure f) {
            throw into.failed(f.unit, f.at, f.reading, (Exception) f.getCause());
        }
        if (failure != null) {
            throw failure instanceof RuntimeException r ? r : new IllegalStateException("Unexpected "
                    + failure.getClass().getSimpleName() + ": " + failure.getMessage(), failure);
        }
        into.commit();
    }

    private static void writePiece(GraphCopy.Source source, ProgressTracker progress, Target into, Piece piece,
                                   Map<String, GraphCopy.Unit> owners,
                                   Map<String, ContentGraph.ManifestNode> manifests)
            throws PieceFailure {
        Descriptor[] at = new Descriptor[1];
        AtomicReference<Exception> readFailure = new AtomicReference<>();
        SourceWatch watch = new SourceWatch(into.open(piece, content -> {
            at[0] = content;
            GraphCopy.Unit owner = owners.get(content.digest());
            ContentGraph.ManifestNode node = manifests.get(content.digest());
            return node != null ? new VerifyingInputStream(new ByteArrayInputStream(source.manifest(owner, node)),
                    content, "manifest cache") : source.blob(owner, content).open();
        }), readFailure);
        ProgressBatch counted = new ProgressBatch(progress);
        try (InputStream in = new MeteredInputStream(watch, counted)) {
            into.write(piece, in);
        } catch (IOException | RuntimeException e) {
            Exception read = readFailure.get();
            throw new PieceFailure(at[0] == null ? null : owners.get(at[0].digest()), at[0], read != null,
                    read != null ? read : e);
        } finally {
            counted.flush();
        }
    }
}
