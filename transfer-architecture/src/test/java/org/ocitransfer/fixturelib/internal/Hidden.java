package org.ocitransfer.fixturelib.internal;

/** Fixture of ArchitectureRulesTest: an internal class of the module "fixturelib". */
public class Hidden {
}
