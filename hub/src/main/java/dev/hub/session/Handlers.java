package dev.hub.session;

import dev.hub.protocol.ClientFrame;

/** The handler of each frame type; all stateless, so one of each serves every session. */
final class Handlers {
  static final FrameHandler<ClientFrame.Auth> AUTH = new AuthHandler();
  static final FrameHandler<ClientFrame.Ping> PING = new PingHandler();
  static final FrameHandler<ClientFrame.Subscribe> SUBSCRIBE = new SubscribeHandler();
  static final FrameHandler<ClientFrame.Unsubscribe> UNSUBSCRIBE = new UnsubscribeHandler();
  static final FrameHandler<ClientFrame.Publish> PUBLISH = new PublishHandler();
  static final FrameHandler<ClientFrame.Broadcast> BROADCAST = new BroadcastHandler();
  static final FrameHandler<ClientFrame.Direct> DIRECT = new DirectHandler();
  static final FrameHandler<ClientFrame.Echo> ECHO = new EchoHandler();
  static final FrameHandler<ClientFrame.History> HISTORY = new HistoryHandler();
  static final FrameHandler<ClientFrame.Presence> PRESENCE = new PresenceHandler();
  static final FrameHandler<ClientFrame.Rpc> RPC = new RpcHandler();

  private Handlers() {}
}
