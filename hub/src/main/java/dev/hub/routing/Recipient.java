package dev.hub.routing;

/** A local connection events can be delivered to. */
public interface Recipient {

  /**
   * Writes an event. The same bytes go to every recipient of the event on this event loop, so
   * implementations must not change them.
   */
  void deliver(FanoutEvent event);
}
