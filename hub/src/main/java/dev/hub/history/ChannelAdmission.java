package dev.hub.history;

/**
 * Whoever publishes decides whether it may start a new channel with history: each one costs its
 * ring's whole capacity on two members, so a client with a wildcard {@code publish} grant must not
 * make them without end. Called only when an append would create the channel.
 */
@FunctionalInterface
public interface ChannelAdmission {
  /** Admits every new channel (within the node's total): trusted servers. */
  ChannelAdmission ANY = channel -> {};

  /** @throws dev.hub.protocol.HubException {@code too_many_channels} when the channel may not start now */
  void admit(String channel);
}
