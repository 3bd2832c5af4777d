// A stand-in for Azure Container Registry's POST /oauth2/exchange, plugged into the kit's TokenServer.
package org.ocitransfer.testkit.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ocitransfer.testkit.registry.TokenServer;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;

/**
 * A STAND-IN for ACR's token exchange (no Azure Container Registry runs here): an endpoint for the kit's
 * {@link TokenServer} at {@value #PATH} that takes {@code grant_type=access_token}, {@code service},
 * {@code access_token} (an Entra ID JWT) and optional {@code tenant}, checks the token as ACR would (RS256
 * signature by the given Entra ID stand-in certificate, issuer {@code https://sts.windows.net/...}, an ACR-accepted
 * audience, not expired, tenant matching), and answers {@code {"refresh_token": ...}} with a refresh token the token
 * server honours in its {@code grant_type=refresh_token} flow. Register it with
 * {@code DistributionRegistry.builder().auth(TOKEN).tokenServer(b -> b.endpoint(AcrExchangeStandIn.PATH, standIn))}.
 */
public final class AcrExchangeStandIn implements TokenServer.Endpoint {

    /** The path ACR serves the exchange on. */
    public static final String PATH = "/oauth2/exchange";
    /** The audiences ACR accepts: Resource Manager, and the ACR audience. */
    public static final List<String> AUDIENCES = List.of("https://management.azure.com",
            "https://management.core.windows.net/", "https://containerregistry.azure.net");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One exchange as received (never the token itself).
     *
     * @param service  the service asked for
     * @param tenant   the tenant parameter, or null
     * @param audience the Entra ID token's audience
     * @param subject  the identity ({@code oid}) the refresh token was issued to, or null when refused
     * @param status   the HTTP status answered
     */
    public record Exchange(String service, String tenant, String audience, String subject, int status) {
    }

    private final SelfSignedCertificate entraSigner;
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

    /** Accepts tokens signed with {@code entraSigner} (the key of an {@link EntraIdStandInCredential}). */
    public AcrExchangeStandIn(SelfSignedCertificate entraSigner) {
        this.entraSigner = entraSigner;
    }

    /** The exchanges received so far. */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    @Override
    public TokenServer.Response handle(TokenServer.Request request, TokenServer server) {
        String service = request.parameter("service");
        String tenant = request.parameter("tenant");
        if (!"POST".equals(request.method())) {
            return refuse(400, "unsupported", "The exchange takes POST with a form", service, tenant, null);
        }
        if (!"access_token".equals(request.parameter("grant_type"))) {
            return refuse(400, "unsupported_grant_type", "grant_type must be access_token", service, tenant, null);
        }
        if (!server.service().equals(service)) {
            return refuse(400, "invalid_request", "unknown service '" + service + "'", service, tenant, null);
        }
        JsonNode claims = verified(request.parameter("access_token"));
        if (claims == null) {
            return refuse(401, "unauthorized", "the access token is not a valid Entra ID token", service, tenant,
                    null);
        }
        String audience = claims.path("aud").asText();
        if (AUDIENCES.stream().noneMatch(a -> a.equals(audience) || (a + "/").equals(audience))
                || !claims.path("iss").asText().startsWith("https://sts.windows.net/")
                || claims.path("exp").asLong() <= Instant.now().getEpochSecond()
                || (tenant != null && !tenant.equals(claims.path("tid").asText()))) {
            return refuse(401, "unauthorized", "the access token's audience, issuer, lifetime or tenant is not"
                    + " accepted", service, tenant, audience);
        }
        String subject = claims.path("oid").asText("unknown");
        exchanges.add(new Exchange(service, tenant, audience, subject, 200));
        return TokenServer.Response.json(200, Map.of("refresh_token", server.issueRefreshToken(subject)));
    }

    private TokenServer.Response refuse(int status, String code, String why, String service, String tenant,
                                        String audience) {
        exchanges.add(new Exchange(service, tenant, audience, null, status));
        return TokenServer.Response.error(status, code, why);
    }

    private JsonNode verified(String jwt) {
        if (jwt == null) {
            return null;
        }
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(entraSigner.certificate().getPublicKey());
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return null;
            }
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
