package dev.hub.routing;

import dev.hub.metrics.HubMetrics;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The connections of one event loop, by channel and by user. Used only from that event loop, so it
 * needs no locks; each gateway verticle has its own.
 */
public final class LocalRegistry {
  private final Set<Recipient> connections = new LinkedHashSet<>();
  private final Map<String, Set<Recipient>> channels = new HashMap<>();
  private final Map<String, Set<Recipient>> users = new HashMap<>();
  private final HubMetrics metrics;

  public LocalRegistry() {
    this(HubMetrics.detached());
  }

  /** @param metrics where the node's subscription and channel gauges are kept up to date */
  public LocalRegistry(HubMetrics metrics) {
    this.metrics = metrics;
  }

  public void addConnection(Recipient recipient, String user) {
    connections.add(recipient);
    if (user != null) {
      users.computeIfAbsent(user, u -> new LinkedHashSet<>()).add(recipient);
    }
  }

  public void removeConnection(Recipient recipient, String user) {
    connections.remove(recipient);
    if (user != null) {
      removeFrom(users, user, recipient);
    }
  }

  public void subscribe(String channel, Recipient recipient) {
    Set<Recipient> subscribers = channels.get(channel);
    boolean newChannel = subscribers == null;
    if (newChannel) {
      subscribers = new LinkedHashSet<>();
      channels.put(channel, subscribers);
    }
    if (subscribers.add(recipient)) {
      metrics.subscriptionAdded(newChannel);
    }
  }

  public void unsubscribe(String channel, Recipient recipient) {
    Set<Recipient> subscribers = channels.get(channel);
    if (subscribers == null || !subscribers.remove(recipient)) {
      return;
    }
    boolean channelGone = subscribers.isEmpty();
    if (channelGone) {
      channels.remove(channel);
    }
    metrics.subscriptionRemoved(channelGone);
  }

  /** Writes the event to every local connection of its audience, once each. */
  public int deliver(FanoutEvent event) {
    Audience audience = event.audience();
    Set<Recipient> targets;
    if (audience instanceof Audience.Channel channel) {
      targets = channels.get(channel.name());
    } else if (audience instanceof Audience.User user) {
      targets = users.get(user.id());
    } else {
      targets = connections;
    }
    if (targets == null) {
      return 0;
    }
    // A delivery can close a slow connection, which removes it from these sets: iterate a copy.
    Recipient[] snapshot = targets.toArray(new Recipient[0]);
    for (Recipient recipient : snapshot) {
      recipient.deliver(event);
    }
    return snapshot.length;
  }

  public int connectionCount() {
    return connections.size();
  }

  /** Channels with at least one local subscriber. */
  public int channelCount() {
    return channels.size();
  }

  public Set<Recipient> connections() {
    return Set.copyOf(connections);
  }

  private static void removeFrom(Map<String, Set<Recipient>> index, String key, Recipient recipient) {
    Set<Recipient> set = index.get(key);
    if (set != null && set.remove(recipient) && set.isEmpty()) {
      index.remove(key);
    }
  }
}
