package dev.hub.routing;

/** A local connection events can be delivered to. */
public interface Recipient {

  /**
   * Writes an event. The same bytes go to every recipient of the event on this event loop, so
   * implementations must not change them. Events of a channel with history arrive in offset order,
   * each once.
   */
  void deliver(FanoutEvent event);

  /**
   * The ordered stream of a history channel broke for this event loop: a gap opened that the
   * history can no longer fill. The recipient must stop its subscription and tell its client to
   * subscribe again with {@code since}, which recovers what can be recovered and says what cannot.
   */
  default void streamBroken(String channel) {}
}
