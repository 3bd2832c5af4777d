package org.ocitransfer.core.registry.memory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.Manifests;
import org.ocitransfer.core.content.VerifyingInputStream;
import org.ocitransfer.core.registry.MountSupport;
import org.ocitransfer.core.registry.ReferrersSupport;
import org.ocitransfer.core.registry.Registry;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.registry.TagListSupport;

/**
 * A registry held in memory, for embedding and tests: whole blobs live on the heap, so keep content small.
 * Registry URI {@code memory:<name>} when registered with the client.
 */
public final class MemoryRegistry implements Registry {

    private final String name;
    private final Map<String, Repo> repositories = new ConcurrentHashMap<>();

    /** An empty registry, named for messages. */
    public MemoryRegistry(String name) {
        this.name = name;
    }

    @Override
    public Repository repository(String repositoryName) {
        return repositories.computeIfAbsent(repositoryName, Repo::new);
    }

    /** The repositories that hold something, by name. */
    public List<String> repositoryNames() {
        return repositories.entrySet().stream().filter(e -> !e.getValue().content.isEmpty())
                .map(Map.Entry::getKey).sorted().toList();
    }

    @Override
    public String location() {
        return "memory:" + name;
    }

    private record Stored(String mediaType, byte[] bytes) {
    }

    private final class Repo implements Repository, ReferrersSupport, MountSupport, TagListSupport {
        private final String repoName;
        private final Map<String, Stored> content = new ConcurrentHashMap<>();
        private final Map<String, String> tags = new ConcurrentHashMap<>();

        Repo(String repoName) {
            this.repoName = repoName;
        }

        @Override
        public String name() {
            return repoName;
        }

        @Override
        public String registryLocation() {
            return location();
        }

        @Override
        public Descriptor resolve(String reference) {
            String digest = reference.contains(":") ? reference : tags.get(reference);
            Stored stored = digest == null ? null : content.get(digest);
            if (stored == null || !Descriptor.of(stored.mediaType(), stored.bytes()).isManifest()) {
                throw new RegistryException(RegistryException.Reason.NOT_FOUND, "Manifest " + reference
                        + " not found in " + location() + "/" + repoName + ": check the tag or digest");
            }
            return Descriptor.of(stored.mediaType(), stored.bytes());
        }

        @Override
        public InputStream fetch(Descriptor descriptor) {
            Stored stored = content.get(descriptor.digest());
            if (stored == null) {
                throw new RegistryException(RegistryException.Reason.NOT_FOUND, "Content " + descriptor.digest()
                        + " not found in " + location() + "/" + repoName);
            }
            return new VerifyingInputStream(new ByteArrayInputStream(stored.bytes()), descriptor,
                    location() + "/" + repoName);
        }

        @Override
        public boolean exists(Descriptor descriptor) {
            Stored stored = content.get(descriptor.digest());
            return stored != null && stored.bytes().length == descriptor.size();
        }

        @Override
        public void push(Descriptor expected, ContentSource source) {
            byte[] bytes;
            try (InputStream in = new VerifyingInputStream(source.open(), expected, "the pushed content")) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw RegistryException.fromIo("push " + expected.digest(), location() + "/" + repoName, e);
            }
            if (expected.isManifest()) {
                Manifests.parse(expected, bytes);
            }
            content.putIfAbsent(expected.digest(), new Stored(expected.mediaType(), bytes));
        }

        @Override
        public void tag(Descriptor manifest, String tag) {
            if (!content.containsKey(manifest.digest())) {
                throw new RegistryException(RegistryException.Reason.NOT_FOUND, "Cannot tag " + repoName + ":"
                        + tag + ": manifest " + manifest.digest() + " is not in the repository; push it first");
            }
            tags.put(tag, manifest.digest());
        }

        @Override
        public List<Descriptor> referrers(Descriptor subject) {
            List<Descriptor> out = new ArrayList<>();
            for (Map.Entry<String, Stored> e : content.entrySet()) {
                Stored stored = e.getValue();
                Descriptor d = Descriptor.of(stored.mediaType(), stored.bytes());
                if (d.isManifest()) {
                    Manifests.Parsed parsed = Manifests.parse(d, stored.bytes());
                    if (parsed.subject() != null && parsed.subject().digest().equals(subject.digest())) {
                        out.add(new Descriptor(d.mediaType(), d.digest(), d.size(), null, null, null,
                                parsed.artifactType() != null ? parsed.artifactType()
                                        : parsed.config() != null ? parsed.config().mediaType() : null));
                    }
                }
            }
            out.sort(java.util.Comparator.comparing(Descriptor::digest));
            return out;
        }

        @Override
        public boolean mount(Descriptor blob, String fromRepository) {
            Repo from = repositories.get(fromRepository);
            Stored stored = from == null ? null : from.content.get(blob.digest());
            if (stored == null) {
                return false;
            }
            content.putIfAbsent(blob.digest(), stored);
            return true;
        }

        @Override
        public List<String> tags() {
            return tags.keySet().stream().sorted().toList();
        }
    }
}
