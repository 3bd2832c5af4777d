package org.ocitransfer.fixtureapp;

import org.ocitransfer.fixturelib.internal.Hidden;

/** Fixture of ArchitectureRulesTest: the module "fixtureapp" using an internal class of the module "fixturelib". */
final class Intruder {

    Object make() {
        return new Hidden();
    }
}
