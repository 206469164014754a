package dev.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test-only certificate authorities and node certificates for cluster TLS, made at test time by
 * the JDK's {@code keytool} in a directory the caller deletes: EC P-256 keys, a CA certificate
 * with the CA basic constraint, and node certificates it signs for {@code 127.0.0.1} (server and
 * client use, as each node is both on the event bus). Nothing here is committed.
 */
final class ClusterCertificates {
  private static final String PASSWORD = "test-only";
  private static final long TIMEOUT_SECONDS = 60;

  private final Path directory;

  /** The three files a node takes: {@code --cluster-tls-cert}, {@code --cluster-tls-key}, {@code --cluster-tls-ca}. */
  record NodeFiles(Path cert, Path key, Path ca) {
    /** The hub's flags for these files. */
    List<String> flags() {
      return List.of(
          "--cluster-tls-cert",
          cert.toString(),
          "--cluster-tls-key",
          key.toString(),
          "--cluster-tls-ca",
          ca.toString());
    }
  }

  ClusterCertificates(Path directory) {
    this.directory = directory;
  }

  /** A new CA named {@code name}; its certificate is {@code <name>.pem}. */
  Path authority(String name) throws IOException, InterruptedException {
    Path store = directory.resolve(name + ".p12");
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-validity",
        "2",
        "-dname",
        "CN=hub test cluster " + name,
        "-ext",
        "bc:c",
        "-keystore",
        store.toString());
    Path pem = directory.resolve(name + ".pem");
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        store.toString(),
        "-file",
        pem.toString());
    return pem;
  }

  /** A key and a certificate for {@code node}, signed by the CA {@code authority} made before. */
  NodeFiles node(String node, String authority) throws IOException, InterruptedException {
    Path store = directory.resolve(node + ".p12");
    keytool(
        "-genkeypair",
        "-alias",
        "node",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-validity",
        "2",
        "-dname",
        "CN=" + node,
        "-keystore",
        store.toString());
    Path request = directory.resolve(node + ".csr");
    keytool(
        "-certreq", "-alias", "node", "-keystore", store.toString(), "-file", request.toString());
    Path cert = directory.resolve(node + ".pem");
    keytool(
        "-gencert",
        "-alias",
        "ca",
        "-keystore",
        directory.resolve(authority + ".p12").toString(),
        "-infile",
        request.toString(),
        "-outfile",
        cert.toString(),
        "-rfc",
        "-validity",
        "2",
        "-ext",
        "ku:c=digitalSignature",
        "-ext",
        "eku=serverAuth,clientAuth",
        "-ext",
        "san=ip:127.0.0.1");
    return new NodeFiles(
        cert,
        privateKey(store, directory.resolve(node + ".key")),
        directory.resolve(authority + ".pem"));
  }

  /** keytool cannot export a private key: read it from the store and write it as PKCS#8 PEM. */
  private static Path privateKey(Path store, Path pem) throws IOException {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (var in = Files.newInputStream(store)) {
        keys.load(in, PASSWORD.toCharArray());
      }
      Key key = keys.getKey("node", PASSWORD.toCharArray());
      String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(key.getEncoded());
      Files.writeString(
          pem, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
      return pem;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("cannot read the key of " + store, e);
    }
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(
        List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-noprompt"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process
        .getOutputStream()
        .close(); // a prompt would wait for input forever: let it read end of file
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("keytool did not finish: " + command);
    }
    if (process.exitValue() != 0) {
      throw new IOException("keytool failed: " + command + "\n" + output);
    }
  }
}
