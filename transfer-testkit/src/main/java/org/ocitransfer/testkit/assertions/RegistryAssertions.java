package org.ocitransfer.testkit.assertions;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ocitransfer.core.content.ContentVerificationException;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Manifests;
import org.ocitransfer.core.registry.ReferrersSupport;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.Repository;

/**
 * Assertions about registry content for tests, over any {@link Repository} (the HTTP client, an OCI layout, the
 * memory registry): a tag points at a digest; two repositories hold the same graph. An OCI layout asserted on is
 * also checked to hold only JSON fields the OCI specs define ({@link SpecDocuments}). Failures are
 * {@link AssertionError}s whose messages name the repository, the reference and every piece that differs.
 */
public final class RegistryAssertions {

    private static final int MAX_REPORTED = 20;

    private RegistryAssertions() {
    }

    /**
     * Asserts the tag resolves to the digest.
     *
     * @param expectedDigest {@code sha256:...}
     */
    public static void assertTag(Repository repository, String tag, String expectedDigest) {
        checkLayout(repository);
        Descriptor actual = resolve(repository, tag);
        if (!actual.digest().equals(expectedDigest)) {
            throw new AssertionError("Tag " + where(repository) + ":" + tag + " points at " + actual.digest()
                    + ", expected " + expectedDigest);
        }
    }

    /** Asserts the tag resolves to this manifest: same digest, size and media type. */
    public static void assertTag(Repository repository, String tag, Descriptor expected) {
        checkLayout(repository);
        Descriptor actual = resolve(repository, tag);
        if (!actual.digest().equals(expected.digest()) || actual.size() != expected.size()
                || !actual.mediaType().equals(expected.mediaType())) {
            throw new AssertionError("Tag " + where(repository) + ":" + tag + " points at " + actual
                    + ", expected " + expected);
        }
    }

    /** Asserts the tag does not exist (e.g. after a failed import). */
    public static void assertNoTag(Repository repository, String tag) {
        try {
            Descriptor found = repository.resolve(tag);
            throw new AssertionError("Tag " + where(repository) + ":" + tag + " exists (" + found
                    + ") but should not");
        } catch (RegistryException e) {
            if (e.reason() != RegistryException.Reason.NOT_FOUND) {
                throw new AssertionError("Could not check that tag " + where(repository) + ":" + tag
                        + " is absent: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Asserts both references resolve to the same manifest and that both repositories hold its whole graph (index
     * children, configs, layers), every piece with the same digest; the content in {@code b} is read through and
     * verified. Referrers are not compared.
     */
    public static void assertSameGraph(Repository a, String refA, Repository b, String refB) {
        assertSameGraph(a, refA, b, refB, false);
    }

    /**
     * Like {@link #assertSameGraph(Repository, String, Repository, String)}; with {@code includeReferrers}, also
     * asserts every manifest of the graph has the same referrers in both (found through {@link ReferrersSupport},
     * which both must implement), and that the referrers' own graphs are the same.
     */
    public static void assertSameGraph(Repository a, String refA, Repository b, String refB,
                                       boolean includeReferrers) {
        checkLayout(a);
        checkLayout(b);
        Descriptor rootA = resolve(a, refA);
        Descriptor rootB = resolve(b, refB);
        if (!rootA.digest().equals(rootB.digest())) {
            throw new AssertionError(where(a) + ":" + refA + " is " + rootA.digest() + " but " + where(b) + ":"
                    + refB + " is " + rootB.digest());
        }
        if (includeReferrers && !(a instanceof ReferrersSupport && b instanceof ReferrersSupport)) {
            throw new AssertionError("Comparing referrers needs repositories that list them (ReferrersSupport): "
                    + (a instanceof ReferrersSupport ? "" : where(a) + " does not; ")
                    + (b instanceof ReferrersSupport ? "" : where(b) + " does not"));
        }
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<Node> queue = new ArrayDeque<>();
        queue.add(new Node(rootA, refA));
        int checked = 0;
        while (!queue.isEmpty()) {
            Node node = queue.poll();
            if (!seen.add(node.descriptor().digest())) {
                continue;
            }
            checked++;
            Descriptor d = node.descriptor();
            if (!d.isManifest()) {
                checkBlob(a, b, node, problems);
                continue;
            }
            byte[] bytesA = readManifest(a, node, problems);
            readManifest(b, node, problems);
            if (bytesA == null) {
                continue;
            }
            Manifests.Parsed parsed;
            try {
                parsed = Manifests.parse(d, bytesA);
            } catch (ContentVerificationException e) {
                problems.add("manifest " + node + " in " + where(a) + " cannot be parsed: " + e.getMessage());
                continue;
            }
            for (Descriptor child : parsed.children()) {
                queue.add(new Node(child, node.path() + " > " + child.digest()));
            }
            if (includeReferrers) {
                compareReferrers(a, b, node, problems, queue);
            }
        }
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder(where(a) + ":" + refA + " and " + where(b) + ":" + refB
                    + " differ (" + problems.size() + " problems among " + checked + " pieces):");
            problems.stream().limit(MAX_REPORTED).forEach(p -> message.append("\n  - ").append(p));
            if (problems.size() > MAX_REPORTED) {
                message.append("\n  ... and ").append(problems.size() - MAX_REPORTED).append(" more");
            }
            throw new AssertionError(message.toString());
        }
    }

    /** A piece of the graph and how it was reached, for messages. */
    private record Node(Descriptor descriptor, String path) {
        @Override
        public String toString() {
            return descriptor + " (reached by " + path + ")";
        }
    }

    private static void checkBlob(Repository a, Repository b, Node node, List<String> problems) {
        if (!a.exists(node.descriptor())) {
            problems.add("blob " + node + " is missing from " + where(a));
        }
        if (!b.exists(node.descriptor())) {
            problems.add("blob " + node + " is missing from " + where(b));
            return;
        }
        try (InputStream in = b.fetch(node.descriptor())) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException | RegistryException e) {
            problems.add("blob " + node + " in " + where(b) + " cannot be read back intact: " + e.getMessage());
        }
    }

    private static byte[] readManifest(Repository repository, Node node, List<String> problems) {
        try {
            return repository.fetchManifest(node.descriptor());
        } catch (RegistryException e) {
            problems.add(e.reason() == RegistryException.Reason.NOT_FOUND
                    ? "manifest " + node + " is missing from " + where(repository)
                    : "manifest " + node + " in " + where(repository) + " cannot be read: " + e.getMessage());
            return null;
        }
    }

    private static void compareReferrers(Repository a, Repository b, Node node, List<String> problems,
                                         Deque<Node> queue) {
        Set<String> inA = digests(((ReferrersSupport) a).referrers(node.descriptor()));
        Set<String> inB = digests(((ReferrersSupport) b).referrers(node.descriptor()));
        for (String digest : inA) {
            if (!inB.contains(digest)) {
                problems.add("referrer " + digest + " of " + node + " is missing from " + where(b));
            }
        }
        for (String digest : inB) {
            if (!inA.contains(digest)) {
                problems.add("referrer " + digest + " of " + node + " is in " + where(b) + " but not in "
                        + where(a));
            }
        }
        for (Descriptor referrer : ((ReferrersSupport) a).referrers(node.descriptor())) {
            queue.add(new Node(referrer.plain(), node.path() + " <referrer " + referrer.digest() + ">"));
        }
    }

    private static Set<String> digests(List<Descriptor> descriptors) {
        Set<String> set = new LinkedHashSet<>();
        descriptors.forEach(d -> set.add(d.digest()));
        return set;
    }

    private static Descriptor resolve(Repository repository, String reference) {
        try {
            return repository.resolve(reference);
        } catch (RegistryException e) {
            throw new AssertionError(where(repository) + ":" + reference + " does not resolve: " + e.getMessage(),
                    e);
        }
    }

    /** An OCI layout's files are checked against the specs' field sets ({@link SpecDocuments}) whenever asserted on. */
    private static void checkLayout(Repository repository) {
        String location = repository.registryLocation();
        if (location.startsWith("oci-layout:")) {
            SpecDocuments.assertLayout(java.nio.file.Path.of(location.substring("oci-layout:".length())));
        }
    }

    private static String where(Repository repository) {
        return repository.registryLocation() + "/" + repository.name();
    }
}
