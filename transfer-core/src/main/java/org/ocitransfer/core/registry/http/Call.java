// One HTTP exchange to make with a registry: method, address, scopes it needs, headers, body and how to treat it.
package org.ocitransfer.core.registry.http;

import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One exchange to make with a registry.
 *
 * @param method        GET, HEAD, PUT, POST, PATCH, DELETE
 * @param uri           the address (the registry's, or a token service's)
 * @param scopes        the token scopes it needs ({@code repository:a/b:pull,push}); empty for none
 * @param headers       extra headers
 * @param bytes         the body held in memory, or null
 * @param bodyLength    the body's length in bytes (0 without a body)
 * @param resendable    whether the exchange may be sent again (no body, or a body held in memory)
 * @param authenticate  whether the registry's authentication applies (false for token services)
 * @param foreignRedirects whether a GET may follow a redirect to another host (blob downloads served from storage;
 *                      credentials are never sent there)
 * @param what          what it is about, for messages ("manifest 'v1' in repository 'a/b'")
 * @param repository    the repository it concerns, or null
 * @param stream        the streamed body (read once), or null
 */
record Call(String method, URI uri, List<String> scopes, Map<String, String> headers, byte[] bytes,
            long bodyLength, boolean resendable, boolean authenticate, boolean foreignRedirects, String what,
            String repository, Supplier<InputStream> stream) {

    Call {
        scopes = List.copyOf(scopes);
        headers = Map.copyOf(headers);
    }

    static Call of(String method, URI uri, List<String> scopes, String what, String repository) {
        return new Call(method, uri, scopes, Map.of(), null, 0, true, true, false, what, repository, null);
    }

    Call header(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Call(method, uri, scopes, h, bytes, bodyLength, resendable, authenticate, foreignRedirects, what,
                repository, stream);
    }

    /** With bytes held in memory: resendable. */
    Call body(byte[] bytes) {
        return new Call(method, uri, scopes, headers, bytes, bytes.length, resendable, authenticate, foreignRedirects,
                what, repository, null);
    }

    /** With a stream of a known length, read once: never resent. */
    Call body(Supplier<InputStream> stream, long length) {
        return new Call(method, uri, scopes, headers, null, length, false, authenticate, foreignRedirects, what,
                repository, stream);
    }

    /** Not resent even without a body (an upload step whose state on the registry changed). */
    Call once() {
        return new Call(method, uri, scopes, headers, bytes, bodyLength, false, authenticate, foreignRedirects, what,
                repository, stream);
    }

    Call unauthenticated() {
        return new Call(method, uri, scopes, headers, bytes, bodyLength, resendable, false, foreignRedirects, what,
                repository, stream);
    }

    Call allowForeignRedirects() {
        return new Call(method, uri, scopes, headers, bytes, bodyLength, resendable, authenticate, true, what,
                repository, stream);
    }

    /** Whether it has a body (in memory or streamed). */
    boolean hasBody() {
        return bytes != null || stream != null;
    }
}
