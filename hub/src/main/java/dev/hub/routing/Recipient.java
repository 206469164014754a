package dev.hub.routing;

import io.vertx.core.buffer.Buffer;

/** A local connection events can be delivered to. */
public interface Recipient {

  /**
   * Writes an event already encoded as a text frame. The same buffer goes to every recipient of
   * the event on this event loop, so implementations must not change it.
   */
  void deliver(Buffer encodedEvent);
}
