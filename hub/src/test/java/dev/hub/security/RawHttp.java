package dev.hub.security;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 on a plain socket to 127.0.0.1, for what a client library will not do: send headers and
 * hold the body back, send a method nobody defined, or go on sending after the answer. Every read
 * waits at most 10 s.
 */
final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  /** A response: its status, its headers (names in lower case) and its body. */
  record Response(int status, Map<String, String> headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  static RawHttp connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    socket.setSoTimeout(10_000);
    return new RawHttp(socket);
  }

  /** Sends one request and reads its response; the connection stays open unless the server closes it. */
  static Response exchange(int port, String head, byte[] body) throws IOException {
    try (RawHttp http = connect(port)) {
      http.send(head.getBytes(StandardCharsets.ISO_8859_1));
      http.send(body);
      return http.readResponse();
    }
  }

  /**
   * The head of a request: request line, {@code Host}, the given headers, the blank line.
   *
   * @param headers {@code name: value} lines without line ends
   */
  static String head(String method, String path, int port, String... headers) {
    StringBuilder head = new StringBuilder(method)
        .append(' ')
        .append(path)
        .append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1:")
        .append(port)
        .append("\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    return head.append("\r\n").toString();
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Reads a response whose body has a {@code Content-Length} (or none). */
  Response readResponse() throws IOException {
    String statusLine = readLine();
    Map<String, String> headers = new TreeMap<>();
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    byte[] body = new byte[Integer.parseInt(headers.getOrDefault("content-length", "0"))];
    in.readFully(body);
    return new Response(
        Integer.parseInt(statusLine.split(" ")[1]),
        headers,
        new String(body, StandardCharsets.UTF_8));
  }

  /**
   * Writes {@code total} bytes of body in pieces of 8 KiB, then waits for the connection to end.
   *
   * @param chunked each piece framed as a chunk of {@code Transfer-Encoding: chunked}, so the server
   *     sees a well-formed body going on rather than garbage
   * @return true when the server ended the connection (a failed write, a reset or end of stream);
   *     false when it took every byte and kept the connection open for 2 s after
   */
  boolean sendUntilClosed(long total, boolean chunked) throws IOException {
    byte[] piece = new byte[8192];
    java.util.Arrays.fill(piece, (byte) 'x');
    byte[] chunkHead =
        (Integer.toHexString(piece.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    byte[] chunkTail = "\r\n".getBytes(StandardCharsets.ISO_8859_1);
    try {
      for (long sent = 0; sent < total; sent += piece.length) {
        if (chunked) {
          out.write(chunkHead);
        }
        out.write(piece);
        if (chunked) {
          out.write(chunkTail);
        }
      }
      out.flush();
      socket.setSoTimeout(2_000);
      return in.read() < 0;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (SocketException | EOFException closed) {
      return true;
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("the connection ended in a response head");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
