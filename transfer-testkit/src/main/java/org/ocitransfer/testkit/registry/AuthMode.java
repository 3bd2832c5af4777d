package org.ocitransfer.testkit.registry;

/** How a {@link DistributionRegistry} started by the kit authenticates its clients. */
public enum AuthMode {
    /** No authentication: anyone may pull and push. */
    OPEN,
    /** HTTP basic authentication against an htpasswd (bcrypt) file made with {@code htpasswd}. */
    BASIC,
    /** The Docker token protocol: the registry trusts RS256 JWTs issued by the kit's {@link TokenServer}. */
    TOKEN
}
