// `transfer archive inspect` and OfflineArchive.inspect(): what an archive holds, from its headers, index, catalog
// and manifests only.
package org.ocitransfer.core.internal.archive;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ocitransfer.api.archive.ArchiveInspection;
import org.ocitransfer.api.archive.SignatureStatus;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Manifests;

/**
 * Describes an archive without hashing its layers: the tar is indexed by its headers, then opened by
 * {@link ArchiveReader} (which checks the layout and reads each manifest, verified), and each artifact's graph is
 * walked for its size. An archive the reader refuses is refused here too, with the reader's message.
 */
public final class ArchiveInspector {

    /** How many left-out digests the note names before it says "and N more". */
    private static final int LEFT_OUT_SHOWN = 20;

    private ArchiveInspector() {
    }

    /**
     * Inspects an archive.
     *
     * @throws ArchiveFormatException when the archive is refused (the message names the entry and the rule)
     */
    public static ArchiveInspection inspect(ArchiveSource source, ReaderLimits limits) {
        List<TarScanner.Entry> entries = TarScanner.scan(source, limits, Map.of()).entries();
        ArchiveReader reader = ArchiveReader.open(source, limits);
        List<String> notes = new ArrayList<>();
        Map<String, Long> held = new HashMap<>();
        for (TarScanner.Entry e : entries) {
            String digest = e.directory() ? null : EntryDigestPass.blobDigest(e.name());
            if (digest != null) {
                held.put(digest, e.size());
            }
        }
        List<ArchiveInspection.Artifact> artifacts = new ArrayList<>();
        for (IndexEntry entry : reader.index()) {
            Map<String, Long> graph = graph(reader, entry.descriptor());
            artifacts.add(new ArchiveInspection.Artifact(entry.refName(), tag(entry), entry.imageName(),
                    entry.descriptor().digest(), entry.descriptor().mediaType(),
                    graph.values().stream().mapToLong(Long::longValue).sum(), graph.size()));
            if (entry.refName() == null) {
                notes.add("index.json names " + entry.descriptor().digest() + " without a ref.name: import it by"
                        + " digest");
            } else if (entry.tagOnly()) {
                notes.add("'" + TarScanner.printable(entry.refName()) + "' names only a tag, no repository (as"
                        + " skopeo and other tools write it): an import needs --target-repository");
            }
        }
        Optional<Catalog> catalog = reader.catalog();
        List<ArchiveInspection.Base> bases = catalog.map(c -> c.bases().stream()
                .map(b -> new ArchiveInspection.Base(TarScanner.printable(b.blob()), b.catalogDigest())).toList())
                .orElse(List.of());
        Map<String, Descriptor> leftOut = reader.leftOut();
        if (!leftOut.isEmpty()) {
            List<String> shown = leftOut.keySet().stream().limit(LEFT_OUT_SHOWN).toList();
            notes.add("differential: it leaves out " + leftOut.size() + " manifests and blobs ("
                    + leftOut.values().stream().mapToLong(Descriptor::size).sum() + " bytes) that its bases hold: "
                    + String.join(", ", shown) + (leftOut.size() > shown.size() ? " and "
                    + (leftOut.size() - shown.size()) + " more" : "") + "; import the bases first");
        }
        if (catalog.isEmpty()) {
            notes.add(0, "no catalog.json: another tool wrote this OCI layout tar, so it has no catalog digest,"
                    + " pipeline, run or source registry, and blob offsets are not recorded (an import still reads"
                    + " it; verify checks every blob by its digest)");
        }
        boolean signed = reader.signature().isPresent();
        return new ArchiveInspection(source.describe(), source.size(), reader.catalogDigest().orElse(null),
                catalog.map(Catalog::pipeline).orElse(null), catalog.map(Catalog::run).orElse(null),
                catalog.map(Catalog::sourceRegistry).orElse(null), artifacts, held.size(),
                held.values().stream().mapToLong(Long::longValue).sum(), bases, source.parts(),
                signed ? SignatureStatus.SIGNED_NOT_VERIFIED : SignatureStatus.UNSIGNED, notes);
    }

    /** Every blob of an artifact's graph that the archive holds, by digest, with its size (each digest once). */
    private static Map<String, Long> graph(ArchiveReader reader, Descriptor root) {
        Map<String, Long> blobs = new HashMap<>();
        Deque<Descriptor> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Descriptor d = todo.pop();
            if (!reader.contains(d.digest()) || blobs.putIfAbsent(d.digest(), d.size()) != null) {
                continue;
            }
            if (d.isManifest()) {
                Manifests.Parsed parsed = reader.parsed(d);
                parsed.children().forEach(todo::push);
            }
        }
        return blobs;
    }

    /** The tag an artifact is imported under, or null when it is named by digest or not at all. */
    private static String tag(IndexEntry entry) {
        String name = entry.refName();
        if (name == null || name.contains("@")) {
            return null;
        }
        if (entry.tagOnly()) {
            return name;
        }
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? name.substring(colon + 1) : null;
    }
}
