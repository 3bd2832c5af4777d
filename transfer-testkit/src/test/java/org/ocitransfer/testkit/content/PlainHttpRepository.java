package org.ocitransfer.testkit.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.ocitransfer.core.content.ContentSource;
import org.ocitransfer.core.content.Descriptor;
import org.ocitransfer.core.content.MediaTypes;
import org.ocitransfer.core.content.VerifyingInputStream;
import org.ocitransfer.core.registry.RegistryException;
import org.ocitransfer.core.registry.Repository;

/**
 * A minimal Repository over plain HTTP to an open registry, for the kit's own tests only (so they do not depend on
 * the SDK's registry client, which is tested with this kit): monolithic uploads, no auth, no retries.
 */
final class PlainHttpRepository implements Repository {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String name;

    PlainHttpRepository(String baseUrl, String name) {
        this.baseUrl = baseUrl;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String registryLocation() {
        return baseUrl;
    }

    @Override
    public Descriptor resolve(String reference) {
        HttpResponse<Void> r = send(request("/manifests/" + reference).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", MediaTypes.acceptManifests()).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 404) {
            throw new RegistryException(RegistryException.Reason.NOT_FOUND, "No manifest " + reference + " in " + name);
        }
        check(r, 200, "resolve " + reference);
        return Descriptor.of(r.headers().firstValue("Content-Type").orElseThrow(),
                r.headers().firstValue("Docker-Content-Digest").orElseThrow(),
                r.headers().firstValueAsLong("Content-Length").orElseThrow());
    }

    @Override
    public InputStream fetch(Descriptor d) {
        HttpResponse<InputStream> r = send(request(path(d)).header("Accept", d.mediaType()).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() == 404) {
            throw new RegistryException(RegistryException.Reason.NOT_FOUND, "No " + d.digest() + " in " + name);
        }
        check(r, 200, "fetch " + d.digest());
        return new VerifyingInputStream(r.body(), d, baseUrl + "/" + name);
    }

    @Override
    public boolean exists(Descriptor d) {
        HttpResponse<Void> r = send(request(path(d)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", d.mediaType()).build(), HttpResponse.BodyHandlers.discarding());
        return r.statusCode() == 200;
    }

    @Override
    public void push(Descriptor d, ContentSource content) {
        if (d.isManifest()) {
            putManifest(d, d.digest(), content);
            return;
        }
        HttpResponse<Void> started = send(request("/blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        check(started, 202, "start upload of " + d.digest());
        URI location = URI.create(baseUrl).resolve(started.headers().firstValue("Location").orElseThrow());
        String sep = location.getRawQuery() == null ? "?" : "&";
        HttpRequest put = HttpRequest.newBuilder(URI.create(location + sep + "digest=" + d.digest()))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return content.open();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }), d.size())).build();
        check(send(put, HttpResponse.BodyHandlers.discarding()), 201, "upload " + d.digest());
    }

    @Override
    public void tag(Descriptor manifest, String tag) {
        putManifest(manifest, tag, ContentSource.of(fetchManifest(manifest)));
    }

    private void putManifest(Descriptor d, String reference, ContentSource content) {
        byte[] bytes;
        try (InputStream in = content.open()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpResponse<String> r = send(request("/manifests/" + reference).header("Content-Type", d.mediaType())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new RegistryException(RegistryException.Reason.INVALID, "PUT manifest " + reference + " gave "
                    + r.statusCode() + ": " + r.body(), r.statusCode(), List.of(), null);
        }
    }

    private String path(Descriptor d) {
        return (d.isManifest() ? "/manifests/" : "/blobs/") + d.digest();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/v2/" + name + path)).timeout(Duration.ofSeconds(60));
    }

    private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return CLIENT.send(request, handler);
        } catch (IOException e) {
            throw RegistryException.fromIo(request.method() + " " + request.uri(), request.uri().getHost(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void check(HttpResponse<?> r, int expected, String what) {
        if (r.statusCode() != expected) {
            throw new RegistryException(RegistryException.Reason.OTHER, "Could not " + what + ": HTTP "
                    + r.statusCode(), r.statusCode(), List.of(), null);
        }
    }
}
