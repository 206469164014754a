package dev.hub.transport;

import dev.hub.internals.NettyInternals;
import dev.hub.internals.VertxInternals;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops what Vert.x 5.0 keeps for each upgraded WebSocket and never uses again: 10.6 of the
 * 17.1 KB of heap a subscribed idle connection cost (docs/capacity.md). Two Vert.x internals,
 * reached by reflection ({@link VertxInternals#trimUpgradedSocket}):
 *
 * <ol>
 *   <li><b>The HTTP connection the socket was upgraded from.</b> The WebSocket's {@code VertxHandler}
 *       keeps the factory that created its connection, a lambda holding the HTTP connection, its
 *       request, response and handshaker, and through them the HTTP connection's own outbound queue
 *       (4.8 KB). The handler calls the factory once, when it is added to the pipeline, which is
 *       done before the upgrade completes; dropping it afterwards frees all of that.
 *   <li><b>The first chunk of the WebSocket's outbound queue.</b> Vert.x gives each connection an
 *       unbounded multi-producer queue (Netty's shaded JCTools {@code MpscUnboundedArrayQueue}) whose
 *       chunks have 1,024 slots, 4 KB allocated up front, for the messages written while the socket
 *       is not writable. It is swapped, still empty, for the same kind of queue with 32-slot chunks:
 *       just as unbounded, growing a chunk at a time. A write that finds the socket writable does not
 *       touch it (Vert.x hands a lone message over in a field); a backlog costs one 148-byte chunk
 *       per 32 messages instead of one 4 KB chunk per 1,024, and the outbound-bytes limit bounds it.
 * </ol>
 *
 * When an internal is missing (another Vert.x version), {@link #trim} logs once at start and does
 * nothing: sockets cost more memory, nothing else changes. {@code SocketFootprintTest} fails then,
 * and also once Vert.x no longer keeps either, so that this class goes when it is not needed.
 */
final class SocketFootprint {
  private static final Logger log = LoggerFactory.getLogger(SocketFootprint.class);
  private static final int CHUNK_SLOTS = 32;

  static {
    if (!available()) {
      log.warn(
          "Vert.x internals not found ({}): each WebSocket keeps about 9 KB more heap",
          VertxInternals.socketFieldsMissing());
    }
  }

  private SocketFootprint() {}

  /** Whether every internal {@link #trim} needs was found in this Vert.x. */
  static boolean available() {
    return VertxInternals.socketFieldsMissing() == null;
  }

  /**
   * Trims a socket just upgraded: call on its event loop, in the upgrade's completion, before
   * anything is written to it.
   *
   * @param channel the socket's Netty channel; nothing happens when it is null or not yet upgraded
   */
  static void trim(Channel channel) {
    if (channel == null) {
      return;
    }
    // Both fields are final in Vert.x: written here once, on the socket's event loop, before the
    // socket is handed to anyone, so no other thread can be adding to the queue being replaced;
    // HotSpot does not fold final instance fields of ordinary classes, so later reads see the
    // change.
    VertxInternals.trimUpgradedSocket(
        channel, queue -> NettyInternals.emptyQueueLike(queue, CHUNK_SLOTS));
  }
}
