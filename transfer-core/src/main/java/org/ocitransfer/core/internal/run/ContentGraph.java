package org.ocitransfer.core.internal.run;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Manifests;

/**
 * The content graph under one root manifest: its manifests in post-order (children before parents, the root last)
 * with their exact bytes, and its other blobs (configs, layers) once each.
 *
 * @param root      the root manifest
 * @param manifests every manifest, children before parents
 * @param configs   the configs, each once
 * @param layers    the layers (and other non-config blobs), each once, none of them a config
 */
public record ContentGraph(Descriptor root, List<ManifestNode> manifests, List<Descriptor> configs,
                           List<Descriptor> layers) {

    /** The deepest nesting of indexes accepted (index -> index -> ... -> manifest). */
    public static final int MAX_DEPTH = 8;
    /** The most manifests one graph may hold. */
    public static final int MAX_MANIFESTS = 10_000;

    /**
     * A manifest with its bytes and what it points at.
     *
     * @param descriptor the manifest
     * @param bytes      its exact bytes, or null when the graph was walked from already-parsed manifests
     *                   ({@link #walkParsed}): the caller reads them again when it needs them
     * @param parsed     what it points at
     */
    public record ManifestNode(Descriptor descriptor, byte[] bytes, Manifests.Parsed parsed) {
    }

    /** Loads a manifest's verified bytes. */
    @FunctionalInterface
    public interface ManifestLoader {
        /** The bytes of the manifest. */
        byte[] load(Descriptor manifest);
    }

    /** Walks the graph under {@code root}, loading each manifest once. */
    public static ContentGraph walk(Descriptor root, ManifestLoader loader) {
        return walkNodes(root, d -> {
            byte[] bytes = loader.load(d);
            return new ManifestNode(d.plain(), bytes, Manifests.parse(d, bytes));
        });
    }

    /**
     * Walks the graph under {@code root} from manifests parsed before (an archive reader parses each once when it
     * opens): no manifest is read and no bytes are held, so many graphs over the same manifests cost little.
     */
    public static ContentGraph walkParsed(Descriptor root, Function<Descriptor, Manifests.Parsed> parsed) {
        return walkParsed(root, parsed, Set.of());
    }

    /**
     * As {@link #walkParsed(Descriptor, Function)}, leaving out the content a differential archive lacks: a manifest
     * in {@code leftOut} is neither loaded nor listed, nor anything under it (the root too: the graph then lists no
     * manifest), and a blob in {@code leftOut} is not listed.
     */
    public static ContentGraph walkParsed(Descriptor root, Function<Descriptor, Manifests.Parsed> parsed,
                                          Set<String> leftOut) {
        return walkNodes(root, d -> new ManifestNode(d.plain(), null, parsed.apply(d)), leftOut);
    }

    private static ContentGraph walkNodes(Descriptor root, Function<Descriptor, ManifestNode> loader) {
        return walkNodes(root, loader, Set.of());
    }

    private static ContentGraph walkNodes(Descriptor root, Function<Descriptor, ManifestNode> loader,
                                          Set<String> leftOut) {
        Map<String, ManifestNode> manifests = new LinkedHashMap<>();
        List<Descriptor> configs = new ArrayList<>();
        List<Descriptor> layers = new ArrayList<>();
        Set<String> seenBlobs = new HashSet<>(leftOut);
        visit(root, loader, 0, manifests, configs, layers, seenBlobs, leftOut);
        return new ContentGraph(root, List.copyOf(manifests.values()), List.copyOf(configs), List.copyOf(layers));
    }

    /** Configs then layers: every blob that is not a manifest, each once. */
    public List<Descriptor> blobs() {
        List<Descriptor> blobs = new ArrayList<>(configs);
        blobs.addAll(layers);
        return blobs;
    }

    private static void visit(Descriptor manifest, Function<Descriptor, ManifestNode> loader, int depth,
                              Map<String, ManifestNode> done,
                              List<Descriptor> configs, List<Descriptor> layers, Set<String> seenBlobs,
                              Set<String> leftOut) {
        if (done.containsKey(manifest.digest()) || leftOut.contains(manifest.digest())) {
            return; // walked already, or left out (a differential archive's base holds it)
        }
        if (depth > MAX_DEPTH) {
            throw new ContentVerificationException("Manifest " + manifest.digest() + " is nested more than "
                    + MAX_DEPTH + " indexes deep: refused");
        }
        if (done.size() >= MAX_MANIFESTS) {
            throw new ContentVerificationException("The graph under " + manifest.digest() + " has more than "
                    + MAX_MANIFESTS + " manifests: refused");
        }
        ManifestNode node = loader.apply(manifest);
        Manifests.Parsed parsed = node.parsed();
        for (Descriptor child : parsed.manifests()) {
            if (!child.isManifest()) {
                throw new ContentVerificationException("Index " + manifest.digest() + " lists " + child.digest()
                        + " of media type " + child.mediaType() + ", which is not a manifest type this transfer"
                        + " knows");
            }
            visit(child, loader, depth + 1, done, configs, layers, seenBlobs, leftOut);
        }
        if (parsed.config() != null && seenBlobs.add(parsed.config().digest())) {
            configs.add(parsed.config().plain());
        }
        for (Descriptor layer : parsed.layers()) {
            if (layer.isManifest()) {
                throw new ContentVerificationException("Manifest " + manifest.digest() + " lists a manifest ("
                        + layer.digest() + ") as a layer: refused");
            }
            if (seenBlobs.add(layer.digest())) {
                layers.add(layer.plain());
            }
        }
        done.put(manifest.digest(), node);
    }

    /** Bytes of every manifest and blob of the graph. */
    public long totalBytes() {
        long total = 0;
        for (ManifestNode m : manifests) {
            total += m.descriptor().size();
        }
        for (Descriptor b : blobs()) {
            total += b.size();
        }
        return total;
    }
}
