package org.ocitransfer.testkit.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.ocitransfer.core.content.Digest;

/** Plain java.net.http calls to a registry for the kit's own tests (independent of the SDK's registry client). */
public final class PlainHttp {

    /** HTTP/1.1 client, no redirects followed. */
    public static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private PlainHttp() {
    }

    /** {@code Basic base64(user:pass)}. */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** GET a URL with an optional Authorization header. */
    public static HttpResponse<byte[]> get(String url, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Pushes a blob with a monolithic upload (POST, then PUT with the digest); returns the digest.
     *
     * @throws AssertionError when a step fails, naming the status and body
     */
    public static String pushBlob(String baseUrl, String repository, byte[] bytes, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(baseUrl + "/v2/" + repository + "/blobs/uploads/"))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            post.header("Authorization", authorization);
        }
        HttpResponse<String> started = CLIENT.send(post.build(), HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202) {
            throw new AssertionError("POST upload gave " + started.statusCode() + ": " + started.body());
        }
        String location = started.headers().firstValue("Location").orElseThrow();
        URI uploadUri = URI.create(baseUrl).resolve(location);
        String digest = Digest.sha256(bytes).toString();
        String sep = uploadUri.getRawQuery() == null ? "?" : "&";
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(uploadUri + sep + "digest=" + digest))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (authorization != null) {
            put.header("Authorization", authorization);
        }
        HttpResponse<String> done = CLIENT.send(put.build(), HttpResponse.BodyHandlers.ofString());
        if (done.statusCode() != 201) {
            throw new AssertionError("PUT upload gave " + done.statusCode() + ": " + done.body());
        }
        return digest;
    }
}
