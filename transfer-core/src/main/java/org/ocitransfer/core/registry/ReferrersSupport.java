package org.ocitransfer.core.registry;

import java.util.List;
import org.ocitransfer.core.content.Descriptor;

/** A repository that can list the referrers of a manifest (signatures, SBOMs, attestations). */
public interface ReferrersSupport {

    /**
     * The manifests whose {@code subject} is {@code subject}, by the referrers API or the tag-schema fallback
     * ({@code <alg>-<hex>} tag pointing at an index of referrers).
     */
    List<Descriptor> referrers(Descriptor subject);

    /**
     * Records a referrer pushed into this repository so listing finds it. A registry with the referrers API does
     * this by itself (a no-op here); without it, the fallback tag index is updated.
     */
    default void addReferrer(Descriptor subject, Descriptor referrer) {
    }
}
