package dev.weft.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The password of a cluster's key and trust stores, found the same way by every {@code ./weft cluster} command:
 * {@code --password-file F} if given (its first line), else the environment variable {@value #ENV}, else the
 * {@value #FILE} file in the certificate folder ({@code ./weft cluster certs} writes one there, readable by its owner
 * only, when it made the password up). Stateless; thread safe.
 */
final class ClusterPassword {
    /** The environment variable that holds the password. */
    static final String ENV = "WEFT_CLUSTER_PASSWORD";
    /** The file name, in the certificate folder, of a password {@code ./weft cluster certs} made up. */
    static final String FILE = "password";
    /** keytool refuses shorter store passwords. */
    static final int MIN_LENGTH = 6;

    private ClusterPassword() {
    }

    /**
     * The password from {@code passwordFile} (when not null), else {@code env}'s {@value #ENV}, else
     * {@code dir/}{@value #FILE}; {@code null} when none of them is there.
     *
     * @throws IllegalArgumentException for a file that cannot be read or a password shorter than
     *                                  {@value #MIN_LENGTH}, saying where it came from
     */
    static char[] find(Path passwordFile, Map<String, String> env, Path dir) {
        if (passwordFile != null) {
            return read(passwordFile, "--password-file " + passwordFile);
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return checked(fromEnv, ENV);
        }
        Path inDir = dir.resolve(FILE);
        return Files.isRegularFile(inDir) ? read(inDir, inDir.toString()) : null;
    }

    private static char[] read(Path file, String where) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            String line = end < 0 ? text : text.substring(0, end);
            return checked(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line, where);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("password file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read password file " + file + ": " + e.getMessage());
        }
    }

    private static char[] checked(String password, String where) {
        if (password.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the password from " + where + " is shorter than " + MIN_LENGTH
                    + " characters (keytool's minimum)");
        }
        return password.toCharArray();
    }

    /** A new random password: 24 URL-safe Base64 characters (144 random bits). */
    static char[] random() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }

    /**
     * Writes {@code password} and a newline to {@code file}, readable and writable by its owner only where the file
     * system has POSIX permissions (the permissions are set when the file is created, so it is never readable by
     * others); replaces an existing file only if {@code replace}.
     */
    static void write(Path file, char[] password, boolean replace) throws IOException {
        if (replace) {
            Files.deleteIfExists(file);
        }
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
            w.write(password);
            w.write('\n');
        }
    }
}
