package io.fleetgate.app;

import io.fleetgate.vcp.crypto.EcKeyPair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet key (EC P-256) that signs vehicle commands: read from a PEM file, or in demo mode
 * generated on first start and saved there (owner-only), so vehicles paired with it stay paired.
 */
public final class FleetKey {
    private static final Logger LOG = LoggerFactory.getLogger(FleetKey.class);

    private FleetKey() {}

    /** The key at {@code file}; a new one saved there when {@code generateIfMissing}; empty without a file. */
    public static Optional<EcKeyPair> load(String file, boolean generateIfMissing) {
        if (file == null || file.isBlank()) {
            return Optional.empty();
        }
        Path path = Path.of(file);
        try {
            if (!Files.exists(path)) {
                if (!generateIfMissing) {
                    throw new IllegalStateException("no fleet key at " + path + " (fleetgate.vcp.private-key-file)");
                }
                EcKeyPair generated = EcKeyPair.generate(new SecureRandom());
                save(path, generated.privateKeyPem());
                LOG.info("generated a new fleet key at {}", path);
                return Optional.of(generated);
            }
            return Optional.of(EcKeyPair.fromPem(Files.readString(path, StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the fleet key at " + path, e);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("the fleet key at " + path + " is not an EC P-256 private key in PEM", e);
        }
    }

    private static void save(Path path, String pem) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(path, pem, StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // the file system has no POSIX permissions; the folder's own protection applies
        }
    }
}
