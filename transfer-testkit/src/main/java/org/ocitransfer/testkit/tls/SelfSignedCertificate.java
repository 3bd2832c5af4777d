package org.ocitransfer.testkit.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed RSA certificate for test servers on loopback (TLS stand-ins, token signing), made with the JDK's own
 * {@code keytool} so no extra library is needed. Valid for {@code localhost} and {@code 127.0.0.1}.
 */
public final class SelfSignedCertificate {

    private static final char[] PASSWORD = "testkit".toCharArray();
    private final KeyStore keyStore;
    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    private SelfSignedCertificate(KeyStore keyStore, X509Certificate certificate, PrivateKey privateKey) {
        this.keyStore = keyStore;
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /**
     * Generates a fresh key pair and certificate in {@code workDir}.
     *
     * @param commonName the certificate's CN
     */
    public static SelfSignedCertificate generate(Path workDir, String commonName) {
        try {
            Files.createDirectories(workDir);
            Path store = workDir.resolve(commonName.replaceAll("[^A-Za-z0-9]", "_") + ".p12");
            Files.deleteIfExists(store);
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "main",
                    "-keyalg", "RSA", "-keysize", "2048", "-validity", "30", "-dname", "CN=" + commonName,
                    "-ext", "san=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", new String(PASSWORD),
                    "-keypass", new String(PASSWORD))
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool could not make a test certificate: " + output);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, PASSWORD);
            }
            return new SelfSignedCertificate(ks, (X509Certificate) ks.getCertificate("main"),
                    (PrivateKey) ks.getKey("main", PASSWORD));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not load the test certificate", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while making a test certificate", e);
        }
    }

    /** The certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The private key (RSA). */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The certificate in PEM, e.g. for a registry's {@code rootcertbundle}. */
    public String certificatePem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server-side TLS context presenting this certificate. */
    public SSLContext serverContext() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client-side TLS context that trusts this certificate (and nothing else). */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("main", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
