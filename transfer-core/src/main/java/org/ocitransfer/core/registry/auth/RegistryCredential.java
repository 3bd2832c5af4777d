package org.ocitransfer.core.registry.auth;

import org.ocitransfer.core.secret.Secret;

/**
 * How to sign in to one registry: a username with a password (basic, or the bearer token endpoint with basic
 * credentials), or an identity token (an OAuth2 refresh token, as docker's {@code identitytoken} and ACR's exchange
 * give). {@code toString} never shows a secret.
 *
 * @param username      the user (for an identity token, often {@code 00000000-0000-0000-0000-000000000000})
 * @param password      the password, or null
 * @param identityToken a refresh token for the token endpoint's {@code grant_type=refresh_token}, or null
 */
public record RegistryCredential(String username, Secret password, Secret identityToken) {

    /** A username and password. */
    public static RegistryCredential basic(String username, String password) {
        return new RegistryCredential(username, new Secret(password), null);
    }

    /** An identity (refresh) token. */
    public static RegistryCredential identityToken(String username, String token) {
        return new RegistryCredential(username, null, new Secret(token));
    }

    @Override
    public String toString() {
        return "RegistryCredential[" + username + (password != null ? ", password" : "")
                + (identityToken != null ? ", identity token" : "") + "]";
    }
}
