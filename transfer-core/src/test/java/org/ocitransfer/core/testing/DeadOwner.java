// The owner string of a run left by a process that is gone, for tests of the recovery of such runs.
package org.ocitransfer.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** {@code pid@host} of a real process that has ended, on this host named as the client names it in run records. */
public final class DeadOwner {

    private DeadOwner() {
    }

    /** Starts {@code true}, waits for its end, and returns its owner string. */
    public static String create() throws InterruptedException {
        Process gone;
        try {
            gone = new ProcessBuilder("true").start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start 'true' to get the pid of an ended process", e);
        }
        gone.waitFor();
        return gone.pid() + "@" + host();
    }

    /** This host's name as the client writes it: $HOSTNAME, else the looked-up name, else localhost. */
    private static String host() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
