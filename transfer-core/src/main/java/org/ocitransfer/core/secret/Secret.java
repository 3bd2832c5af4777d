package org.ocitransfer.core.secret;

/**
 * A secret value (a SAS token, a password). {@link #toString()} never shows it; only {@link #reveal()} does, at
 * the one place it is handed to a protocol.
 */
public final class Secret {

    private final String value;

    /** Wraps a value. */
    public Secret(String value) {
        if (value == null) {
            throw new IllegalArgumentException("A secret value cannot be null");
        }
        this.value = value;
    }

    /** The value: hand it to the protocol, never to a log or message. */
    public String reveal() {
        return value;
    }

    /** Always {@code Secret[redacted]}. */
    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}
