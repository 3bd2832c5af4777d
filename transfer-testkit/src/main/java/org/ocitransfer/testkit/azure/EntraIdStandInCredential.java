// A TokenCredential for tests that issues Entra ID-shaped JWTs locally: a stand-in for Microsoft Entra ID.
package org.ocitransfer.testkit.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ocitransfer.testkit.tls.SelfSignedCertificate;
import reactor.core.publisher.Mono;

/**
 * A stand-in for Microsoft Entra ID in tests (no real tenant is reachable here): a {@link TokenCredential} that
 * signs RS256 JWTs with a test key, with the claims Azure services read ({@code aud} from the requested scope,
 * {@code iss} {@code https://sts.windows.net/<tenant>/}, {@code tid}, {@code oid}, {@code iat}, {@code nbf},
 * {@code exp}). Azurite's {@code --oauth basic} accepts them (it checks issuer, audience and lifetime, not the
 * signature). It records every request (scopes, tenant) for assertions.
 */
public final class EntraIdStandInCredential implements TokenCredential {

    /** One token request. */
    public record Request(List<String> scopes, String tenantId) {
    }

    private final SelfSignedCertificate signer;
    private final String tenant;
    private final String objectId = UUID.randomUUID().toString();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /** Tokens signed with {@code signer}'s key, for {@code tenant}. */
    public EntraIdStandInCredential(SelfSignedCertificate signer, String tenant) {
        this.signer = signer;
        this.tenant = tenant;
    }

    /** The requests received so far. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        return Mono.fromCallable(() -> getTokenSync(request));
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
        requests.add(new Request(List.copyOf(request.getScopes()), request.getTenantId()));
        String scope = request.getScopes().isEmpty() ? "" : request.getScopes().get(0);
        String tid = request.getTenantId() != null ? request.getTenantId() : tenant;
        Instant expiry = Instant.now().plusSeconds(3600);
        ObjectNode claims = StandInTokens.claims(scope, tid, expiry).put("oid", objectId).put("sub", objectId);
        return new AccessToken(StandInTokens.sign(signer, claims), OffsetDateTime.ofInstant(expiry, ZoneOffset.UTC));
    }

    /** The object id its tokens name ({@code oid}): who the Key Vault stand-in sees asking. */
    public String objectId() {
        return objectId;
    }
}
