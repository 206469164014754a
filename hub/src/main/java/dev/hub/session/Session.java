package dev.hub.session;

import dev.hub.auth.Identity;
import dev.hub.protocol.ClientFrame;
import dev.hub.protocol.CloseCode;
import dev.hub.protocol.ErrorCode;
import dev.hub.protocol.HubException;
import dev.hub.protocol.ServerFrames;
import dev.hub.routing.Recipient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's protocol state: who it is, what it is subscribed to, and the dispatch of its
 * frames to one handler per type. Runs on its connection's event loop only.
 */
public final class Session implements Recipient {
  private static final Logger log = LoggerFactory.getLogger(Session.class);

  private final String connectionId;
  private final Outbound out;
  private final SessionServices services;
  private final Set<String> channels = new LinkedHashSet<>();
  private Identity identity;
  private boolean closed;

  /**
   * @param identity who the connection is, or null until it sends an {@code auth} frame
   */
  public Session(String connectionId, Identity identity, Outbound out, SessionServices services) {
    this.connectionId = connectionId;
    this.identity = identity;
    this.out = out;
    this.services = services;
  }

  /** Sends {@code connected} and makes the connection reachable by broadcasts and direct events. */
  public void open() {
    if (identity != null) {
      services.registry().addConnection(this, identity.user());
    }
    out.send(ServerFrames.connected(connectionId, services.nodeId(), user(), services.heartbeatMs(),
        services.clock().instant()));
  }

  public void handle(ClientFrame frame) {
    if (closed) {
      return;
    }
    Future<JsonObject> reply;
    try {
      reply = dispatch(frame);
    } catch (HubException e) {
      reply = Future.failedFuture(e);
    } catch (RuntimeException e) {
      log.error("connection {}: internal error handling {}", connectionId, frame.getClass().getSimpleName(), e);
      reply = Future.failedFuture(new HubException(ErrorCode.INTERNAL, "internal error"));
    }
    reply.onComplete(result -> {
      if (closed) {
        return;
      }
      if (result.succeeded()) {
        if (result.result() != null) {
          out.send(result.result());
        }
      } else {
        fail(frame.id(), result.cause());
      }
    });
  }

  private Future<JsonObject> dispatch(ClientFrame frame) {
    if (identity == null && !(frame instanceof ClientFrame.Auth) && !(frame instanceof ClientFrame.Ping)) {
      throw new HubException(ErrorCode.UNAUTHORIZED, "send an auth frame first");
    }
    if (frame instanceof ClientFrame.Ping ping) {
      return Handlers.PING.handle(this, ping);
    } else if (frame instanceof ClientFrame.Subscribe subscribe) {
      return Handlers.SUBSCRIBE.handle(this, subscribe);
    } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
      return Handlers.UNSUBSCRIBE.handle(this, unsubscribe);
    } else if (frame instanceof ClientFrame.Publish publish) {
      return Handlers.PUBLISH.handle(this, publish);
    } else if (frame instanceof ClientFrame.Broadcast broadcast) {
      return Handlers.BROADCAST.handle(this, broadcast);
    } else if (frame instanceof ClientFrame.Direct direct) {
      return Handlers.DIRECT.handle(this, direct);
    } else if (frame instanceof ClientFrame.Echo echo) {
      return Handlers.ECHO.handle(this, echo);
    } else if (frame instanceof ClientFrame.Auth auth) {
      return Handlers.AUTH.handle(this, auth);
    }
    return Handlers.NOT_YET.handle(this, frame);
  }

  /**
   * Sends the error frame for a failure and closes the connection when its code says so. Anything
   * but a {@link HubException} is a bug: logged with the connection id, reported as {@code internal}.
   */
  public void fail(Object requestId, Throwable failure) {
    HubException error;
    if (failure instanceof HubException hub) {
      error = hub;
    } else {
      log.error("connection {}: internal error", connectionId, failure);
      error = new HubException(ErrorCode.INTERNAL, "internal error");
    }
    Object id = error.requestId() != null ? error.requestId() : requestId;
    out.send(ServerFrames.error(id, error.code(), error.getMessage()));
    int close = error.code().closeCode();
    // Rate limiting closes only when the client goes on; the transport decides that.
    if (close != CloseCode.NONE && error.code() != ErrorCode.RATE_LIMITED) {
      out.close(close, error.code().wire());
    }
  }

  /** Forgets the connection everywhere. Idempotent: called once the socket is closed, however. */
  public void closed() {
    if (closed) {
      return;
    }
    closed = true;
    for (String channel : channels) {
      services.registry().unsubscribe(channel, this);
    }
    channels.clear();
    if (identity != null) {
      services.registry().removeConnection(this, identity.user());
    }
  }

  @Override
  public void deliver(Buffer encodedEvent) {
    out.sendEncoded(encodedEvent);
  }

  boolean isSubscribed(String channel) {
    return channels.contains(channel);
  }

  int subscriptionCount() {
    return channels.size();
  }

  void addSubscription(String channel) {
    if (channels.add(channel)) {
      services.registry().subscribe(channel, this);
    }
  }

  boolean removeSubscription(String channel) {
    if (!channels.remove(channel)) {
      return false;
    }
    services.registry().unsubscribe(channel, this);
    return true;
  }

  /**
   * Takes a new identity from an {@code auth} frame: the first one makes the connection reachable,
   * a later one (a token refresh) replaces the grants and the expiry.
   */
  void authenticated(Identity fresh) {
    if (!out.identified(fresh)) {
      throw new HubException(ErrorCode.TOO_MANY_CONNECTIONS, "too many connections for user " + fresh.user());
    }
    if (identity == null) {
      services.registry().addConnection(this, fresh.user());
    }
    identity = fresh;
  }

  public String connectionId() {
    return connectionId;
  }

  public Identity identity() {
    return identity;
  }

  public String user() {
    return identity == null ? null : identity.user();
  }

  SessionServices services() {
    return services;
  }

  public boolean isClosed() {
    return closed;
  }
}
