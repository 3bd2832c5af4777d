package org.ocitransfer.core.registry;

import java.util.List;

/** A repository that can list its tags. */
public interface TagListSupport {

    /** Every tag, in the registry's order. */
    List<String> tags();
}
