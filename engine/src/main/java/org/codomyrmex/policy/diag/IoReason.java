package org.codomyrmex.policy.diag;

import java.io.IOException;

/** Why a file could not be read, in words rather than the exception's class name. */
public final class IoReason {
    private IoReason() {
    }

    /**
     * "no such file", "permission denied", or the reason the file system gives: the JDK's own message for a
     * missing or forbidden file is only its path ("cannot read tls.crt: tls.crt").
     */
    public static String of(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }
}
