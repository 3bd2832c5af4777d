package org.ocitransfer.fixtureapp;

/** Fixture of ArchitectureRulesTest: hands out the package-private {@link Intruder} class. */
public final class IntruderAccess {

    private IntruderAccess() {
    }

    /** The class that breaks the rule. */
    public static Class<?> intruder() {
        return Intruder.class;
    }
}
