package dev.hub.protocol;

import java.util.Set;

/** The {@code type} strings of docs/protocol.md sections 2 and 3. */
public final class FrameTypes {
  public static final String AUTH = "auth";
  public static final String PING = "ping";
  public static final String SUBSCRIBE = "subscribe";
  public static final String UNSUBSCRIBE = "unsubscribe";
  public static final String PUBLISH = "publish";
  public static final String BROADCAST = "broadcast";
  public static final String DIRECT = "direct";
  public static final String PRESENCE = "presence";
  public static final String HISTORY = "history";
  public static final String RPC = "rpc";
  public static final String ECHO = "echo";

  public static final String CONNECTED = "connected";
  public static final String AUTHENTICATED = "authenticated";
  public static final String PONG = "pong";
  public static final String SUBSCRIBED = "subscribed";
  public static final String UNSUBSCRIBED = "unsubscribed";
  public static final String ACK = "ack";
  public static final String ERROR = "error";
  public static final String JOIN = "join";
  public static final String LEAVE = "leave";
  public static final String RECONNECT = "reconnect";
  public static final String RPC_RESULT = "rpc_result";

  /** Types only the server sends: no event may use them and no client may send them. */
  public static final Set<String> SERVER_ONLY = Set.of(
      CONNECTED,
      AUTHENTICATED,
      PONG,
      SUBSCRIBED,
      UNSUBSCRIBED,
      ACK,
      ERROR,
      PRESENCE,
      HISTORY,
      JOIN,
      LEAVE,
      RECONNECT,
      RPC_RESULT);

  private FrameTypes() {}
}
