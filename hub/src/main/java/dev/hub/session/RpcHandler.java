package dev.hub.session;

import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.FrameTypes;
import dev.hub.protocol.HubException;
import dev.hub.protocol.ServerFrames;
import dev.hub.routing.Addresses;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code rpc}: forwards the client's body to a JVM service on the event bus, with the caller's
 * user and connection in headers, and sends the reply back as {@code rpc_result} (docs/protocol.md
 * section 8). Only addresses the {@code rpc} claim permits, never the hub's own.
 */
final class RpcHandler implements FrameHandler<ClientFrame.Rpc> {
  static final long DEFAULT_TIMEOUT_MS = 10_000;
  /** A client may not hold a request open longer than this, whatever it asks. */
  static final long MAX_TIMEOUT_MS = 60_000;
  /** Requests one connection may have waiting at once: each holds a reply handler on the node. */
  static final int MAX_IN_FLIGHT = 64;

  @Override
  public Future<JsonObject> handle(Session session, ClientFrame.Rpc frame) {
    String address = frame.address();
    if (Addresses.isHubAddress(address) || !session.identity().grants().mayCall(address)) {
      throw new HubException(ErrorCode.FORBIDDEN, "no permission to call " + address);
    }
    if (!session.startRpc(MAX_IN_FLIGHT)) {
      throw new HubException(
          ErrorCode.RATE_LIMITED, "at most " + MAX_IN_FLIGHT + " rpc calls in flight");
    }
    long timeout = Math.min(
        frame.timeoutMs() == null ? DEFAULT_TIMEOUT_MS : frame.timeoutMs(), MAX_TIMEOUT_MS);
    DeliveryOptions options = new DeliveryOptions()
        .setSendTimeout(timeout)
        .addHeader(Addresses.RPC_CONNECTION_HEADER, session.connectionId());
    if (session.user() != null) {
      options.addHeader(Addresses.RPC_USER_HEADER, session.user());
    }
    return session
        .services()
        .vertx()
        .eventBus()
        .request(address, busValue(frame.body()), options)
        .eventually(() -> {
          session.endRpc();
          return Future.succeededFuture();
        })
        .map(reply -> result(frame.id(), reply.body()))
        .recover(failure -> Future.failedFuture(asHubError(address, failure)));
  }

  /** JSON numbers beyond long or double have no event-bus codec: send them as doubles. */
  private static Object busValue(Object body) {
    if (body instanceof Number number
        && !(body instanceof Integer
            || body instanceof Long
            || body instanceof Double
            || body instanceof Float)) {
      return number.doubleValue();
    }
    return body;
  }

  private static JsonObject result(Object id, Object body) {
    return ServerFrames.reply(
        FrameTypes.RPC_RESULT, id, new JsonObject().put("body", jsonValue(body)));
  }

  private static Object jsonValue(Object body) {
    if (body == null
        || body instanceof JsonObject
        || body instanceof JsonArray
        || body instanceof String
        || body instanceof Number
        || body instanceof Boolean) {
      return body;
    }
    return body instanceof Buffer bytes ? bytes.toString() : String.valueOf(body);
  }

  private static HubException asHubError(String address, Throwable failure) {
    if (!(failure instanceof ReplyException reply)) {
      return new HubException(ErrorCode.INTERNAL, "internal error");
    }
    return switch (reply.failureType()) {
      case NO_HANDLERS -> new HubException(ErrorCode.NO_HANDLER, "nobody serves " + address);
      case TIMEOUT -> new HubException(ErrorCode.TIMEOUT, address + " did not answer in time");
      default -> new HubException(ErrorCode.RPC_FAILED, String.valueOf(reply.getMessage()));
    };
  }
}
