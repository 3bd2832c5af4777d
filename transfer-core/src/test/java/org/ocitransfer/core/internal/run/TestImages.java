package org.ocitransfer.core.internal.run;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.registry.Repository;
import org.ocitransfer.core.testing.Seeds;

/**
 * Builds small, valid OCI content in a repository for core tests (the test kit has the full generator; core cannot
 * depend on it). Manifests are written once as exact bytes.
 */
final class TestImages {

    private final Random random;

    TestImages(long seed) {
        this.random = new Random(Seeds.seed(seed));
    }

    byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    static Descriptor push(Repository repo, String mediaType, byte[] bytes) {
        Descriptor d = Descriptor.of(mediaType, bytes);
        repo.push(d, ContentSource.of(bytes));
        return d;
    }

    static String json(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    /** An image with the given layers (pushed), a fresh config, tagged when tag is not null. */
    Descriptor image(Repository repo, String tag, List<byte[]> layers, String manifestType) {
        boolean docker = MediaTypes.DOCKER_MANIFEST.equals(manifestType);
        String configType = docker ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG;
        String layerType = docker ? MediaTypes.DOCKER_LAYER_GZIP : MediaTypes.OCI_LAYER_GZIP;
        Descriptor config = push(repo, configType, ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":"
                + "{\"type\":\"layers\",\"diff_ids\":[]},\"seed\":" + random.nextInt() + "}")
                .getBytes(StandardCharsets.UTF_8));
        List<String> layerJson = new ArrayList<>();
        for (byte[] layer : layers) {
            layerJson.add(json(push(repo, layerType, layer)));
        }
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + manifestType + "\",\"config\":" + json(config)
                + ",\"layers\":[" + String.join(",", layerJson) + "]}").getBytes(StandardCharsets.UTF_8);
        Descriptor m = push(repo, manifestType, manifest);
        if (tag != null) {
            repo.tag(m, tag);
        }
        return m;
    }

    Descriptor image(Repository repo, String tag, List<byte[]> layers) {
        return image(repo, tag, layers, MediaTypes.OCI_MANIFEST);
    }

    /** A multi-arch index over images for amd64 and arm64, each with its own layer plus a shared one. */
    Descriptor index(Repository repo, String tag, byte[] sharedLayer) {
        List<String> entries = new ArrayList<>();
        for (String arch : List.of("amd64", "arm64")) {
            Descriptor child = image(repo, null, List.of(sharedLayer, randomBytes(300)));
            entries.add("{\"mediaType\":\"" + child.mediaType() + "\",\"digest\":\"" + child.digest() + "\",\"size\":"
                    + child.size() + ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}}");
        }
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + String.join(",", entries) + "]}").getBytes(StandardCharsets.UTF_8);
        Descriptor d = push(repo, MediaTypes.OCI_INDEX, index);
        repo.tag(d, tag);
        return d;
    }

    /** A non-image artifact (artifactType, empty config) with one blob, optionally referring to a subject. */
    Descriptor artifact(Repository repo, String tag, String artifactType, byte[] blob, Descriptor subject) {
        Descriptor empty = push(repo, MediaTypes.OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8));
        Descriptor layer = push(repo, "application/vnd.example.data", blob);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"artifactType\":\""
                + artifactType + "\",\"config\":" + json(empty) + ",\"layers\":[" + json(layer) + "]"
                + (subject == null ? "" : ",\"subject\":" + json(subject)) + "}").getBytes(StandardCharsets.UTF_8);
        Descriptor m = push(repo, MediaTypes.OCI_MANIFEST, manifest);
        if (tag != null) {
            repo.tag(m, tag);
        }
        return m;
    }
}
