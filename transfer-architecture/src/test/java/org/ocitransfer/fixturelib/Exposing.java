package org.ocitransfer.fixturelib;

import java.util.List;

import org.ocitransfer.fixturelib.internal.Hidden;

/** Fixture of ArchitectureRulesTest: a public class whose signature names an internal type (in a type argument). */
public class Exposing {

    /** Names the internal type in its return type's argument. */
    public List<Hidden> hidden() {
        return List.of();
    }
}
