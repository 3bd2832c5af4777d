package org.ocitransfer.core.secret;

import java.util.ArrayList;
import java.util.List;
import org.ocitransfer.api.PipelineIdentity;

/** A secret store that asks several stores in turn: the first that supports a URI answers. */
public final class SecretStores implements SecretStore {

    private final List<SecretStore> stores;

    private SecretStores(List<SecretStore> stores) {
        this.stores = List.copyOf(stores);
    }

    /** The given stores, asked in order. */
    public static SecretStores of(List<SecretStore> stores) {
        return new SecretStores(stores);
    }

    /** The built-ins: {@code env:} and {@code file:}. */
    public static SecretStores builtIn() {
        return new SecretStores(List.of(new EnvSecretStore(), new FileSecretStore()));
    }

    /** These stores, then {@code more}. */
    public SecretStores with(SecretStore more) {
        List<SecretStore> all = new ArrayList<>(stores);
        all.add(more);
        return new SecretStores(all);
    }

    /** Each store as the identity ({@link SecretStore#forIdentity}), asked in the same order. */
    @Override
    public SecretStores forIdentity(PipelineIdentity identity) {
        return identity == null ? this : new SecretStores(stores.stream().map(s -> s.forIdentity(identity)).toList());
    }

    @Override
    public boolean supports(String secretUri) {
        return stores.stream().anyMatch(s -> s.supports(secretUri));
    }

    @Override
    public Secret get(String secretUri) {
        for (SecretStore store : stores) {
            if (store.supports(secretUri)) {
                return store.get(secretUri);
            }
        }
        throw new SecretException("No secret store reads '" + secretUri + "': use env:NAME, file:/path, or a Key"
                + " Vault secret URI https://<vault>.vault.azure.net/secrets/<name> (with the Azure module)");
    }
}
