// Entra ID-shaped JWTs for the stand-ins: signed with a test key, and read back (claims only) by the Key Vault stand-in.
package org.ocitransfer.testkit.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;

/**
 * Makes and reads the test tokens of {@link EntraIdStandInCredential} and {@link ManagedIdentityStandIn}: RS256 JWTs
 * signed with a test key, carrying the claims Azure services read. Only stand-ins read them back, and they read the
 * claims without checking the signature (as Azurite's {@code --oauth basic} does).
 */
final class StandInTokens {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StandInTokens() {
    }

    /** The claims every token has: aud (from the scope or resource), iss, tid, iat, nbf, exp. */
    static ObjectNode claims(String scopeOrResource, String tenant, Instant expiry) {
        String audience = scopeOrResource.endsWith("/.default")
                ? scopeOrResource.substring(0, scopeOrResource.length() - "/.default".length()) : scopeOrResource;
        long now = Instant.now().getEpochSecond();
        ObjectNode claims = JSON.createObjectNode();
        claims.put("aud", audience).put("iss", "https://sts.windows.net/" + tenant + "/").put("iat", now - 60)
                .put("nbf", now - 60).put("exp", expiry.getEpochSecond()).put("tid", tenant).put("ver", "1.0");
        return claims;
    }

    /** The signed token. */
    static String sign(SelfSignedCertificate signer, ObjectNode claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String body = b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(signer.privateKey());
            rsa.update((header + "." + body).getBytes(StandardCharsets.US_ASCII));
            return header + "." + body + "." + b64.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not sign a test token", e);
        }
    }

    /** A token's claims (not verified), or an empty object when it is not a JWT. */
    static JsonNode read(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            return JSON.createObjectNode();
        }
    }
}
