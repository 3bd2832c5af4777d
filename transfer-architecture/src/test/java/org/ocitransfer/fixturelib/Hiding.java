package org.ocitransfer.fixturelib;

import org.ocitransfer.fixturelib.internal.Hidden;

/** Fixture of ArchitectureRulesTest: uses an internal type of its own module, outside its public signature. */
public class Hiding {

    private final Hidden hidden = new Hidden();

    /** Nothing internal here. */
    public String name() {
        return hidden.toString();
    }

    Hidden packagePrivate() {
        return hidden;
    }
}
