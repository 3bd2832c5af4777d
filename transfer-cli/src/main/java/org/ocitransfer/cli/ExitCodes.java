// The command line's exit codes.
package org.ocitransfer.cli;

/** The exit codes of {@code transfer}. */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;
    /** A run that failed wholly or partly (Failed, CompletedWithErrors), or an operation that failed. */
    public static final int FAILED = 1;
    /** A usage or validation error: a bad flag or value, or a named resource that does not exist. */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
