package dev.hub.transport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket, for what a well-behaved client library will not do: send
 * bytes that are not UTF-8 in a text frame, or stop reading altogether (nothing reads the socket
 * until the test calls {@link #readFrame}).
 */
public final class RawWebSocket implements AutoCloseable {
  public static final int TEXT = 0x1;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  /** One frame read from the server. */
  public record Frame(int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
    }
  }

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /**
   * Connects and completes the handshake.
   *
   * @param receiveBuffer the socket's receive buffer, small so that a client that stops reading
   *     fills up soon; 0 keeps the system's
   */
  public static RawWebSocket connect(int port, String path, int receiveBuffer) throws IOException {
    return connect("127.0.0.1", port, path, receiveBuffer);
  }

  /**
   * Connects from {@code localHost}, a loopback address such as 127.0.0.2, so that the node sees
   * another client address.
   */
  public static RawWebSocket connect(String localHost, int port, String path, int receiveBuffer)
      throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.bind(new InetSocketAddress(localHost, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    return handshake(socket, port, path);
  }

  /** Connects with TLS (wss), trusting whatever certificate the node presents. */
  public static RawWebSocket connectTls(int port, String path) throws IOException {
    try {
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(
          null,
          new javax.net.ssl.TrustManager[] {
            new javax.net.ssl.X509TrustManager() {
              @Override
              public void checkClientTrusted(
                  java.security.cert.X509Certificate[] chain, String authType) {}

              @Override
              public void checkServerTrusted(
                  java.security.cert.X509Certificate[] chain, String authType) {}

              @Override
              public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
              }
            }
          },
          null);
      javax.net.ssl.SSLSocket socket =
          (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return handshake(socket, port, path);
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static RawWebSocket handshake(Socket socket, int port, String path) throws IOException {
    socket.setSoTimeout(10_000);
    RawWebSocket ws = new RawWebSocket(socket);
    ws.out.write(
        ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    ws.out.flush();
    String status = ws.readHeaders();
    if (!status.contains(" 101 ")) {
      socket.close();
      throw new IOException("upgrade refused: " + status);
    }
    return ws;
  }

  private String readHeaders() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("closed during the handshake");
      }
      head.write(b);
      matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    return text.substring(0, text.indexOf('\r'));
  }

  public void sendText(String text) throws IOException {
    send(TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A final frame with this opcode and payload, masked as RFC 6455 requires of clients. */
  public void send(int opcode, byte[] payload) throws IOException {
    sendFragment(opcode, payload, true);
  }

  /** One frame of a message: opcode 0 continues the message, {@code fin} ends it. */
  public void sendFragment(int opcode, byte[] payload, boolean fin) throws IOException {
    sendBytes(encode(opcode, payload, fin));
  }

  /** Writes bytes as they are: frames made by {@link #encode}, many at once, or anything else. */
  public void sendBytes(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** A client frame on the wire, masked as RFC 6455 requires of clients. */
  public static byte[] encode(int opcode, byte[] payload, boolean fin) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write((fin ? 0x80 : 0) | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65_536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >>> shift));
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.write(mask, 0, 4);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    return frame.toByteArray();
  }

  /** The next frame from the server; throws {@link EOFException} when the connection ended. */
  public Frame readFrame() throws IOException {
    int first = in.readUnsignedByte();
    int second = in.readUnsignedByte();
    long length = second & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    return new Frame(first & 0x0f, payload);
  }

  /** Reads until the server's close frame and returns its code; -1 when the connection ended without one. */
  public int readUntilClose() throws IOException {
    try {
      while (true) {
        Frame frame = readFrame();
        if (frame.opcode() == CLOSE) {
          return frame.closeCode();
        }
      }
    } catch (EOFException | java.net.SocketException e) {
      return -1;
    }
  }

  public InputStream input() {
    return in;
  }

  /** How long a read waits before it throws {@link java.net.SocketTimeoutException}. */
  public void readTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
