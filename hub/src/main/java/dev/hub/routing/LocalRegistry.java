package dev.hub.routing;

import dev.hub.history.SharedHistoryReads;
import dev.hub.metrics.HubMetrics;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The connections of one event loop, by channel and by user, and the {@link ChannelFeed} of each
 * channel with history that has subscribers here. Used only from that event loop, so it needs no
 * locks; each gateway verticle has its own.
 */
public final class LocalRegistry {
  private final Set<Recipient> connections = new LinkedHashSet<>();
  private final Map<String, Set<Recipient>> channels = new HashMap<>();
  private final Map<String, Set<Recipient>> users = new HashMap<>();
  private final Map<String, ChannelFeed> feeds = new HashMap<>();
  private final HubMetrics metrics;
  private final SubscriberCensus census;
  private final SharedHistoryReads reads;
  private final Vertx vertx;

  /** A registry for channels without history (tests, benchmarks). */
  public LocalRegistry() {
    this(HubMetrics.detached());
  }

  /** A registry for channels without history (tests, benchmarks). */
  public LocalRegistry(HubMetrics metrics) {
    this(metrics, new SubscriberCensus(), null, null);
  }

  /**
   * @param metrics where the node's subscription and channel gauges are kept up to date
   * @param census told of the channels this event loop starts and stops holding
   * @param reads where the feeds of history channels read their gaps; null without history
   * @param vertx the feeds' timers; may be null without history
   */
  public LocalRegistry(
      HubMetrics metrics, SubscriberCensus census, SharedHistoryReads reads, Vertx vertx) {
    this.metrics = metrics;
    this.census = census;
    this.reads = reads;
    this.vertx = vertx;
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
      census.held(channel);
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
      census.released(channel);
      ChannelFeed feed = feeds.remove(channel);
      if (feed != null) {
        feed.close();
      }
    }
    metrics.subscriptionRemoved(channelGone);
  }

  /**
   * Where this event loop's stream of a history channel is: the last event written to its
   * subscribers; null before any subscriber started it.
   */
  public StreamPosition feedPosition(String channel) {
    ChannelFeed feed = feeds.get(channel);
    return feed == null ? null : feed.position();
  }

  /** Starts writing a subscribed history channel's events after {@code from}, unless already started. */
  public void startFeed(String channel, StreamPosition from) {
    ChannelFeed feed = feedOf(channel);
    if (feed != null) {
      feed.start(from);
    }
  }

  /** Writes the event to every local connection of its audience, once each. */
  public int deliver(FanoutEvent event) {
    Audience audience = event.audience();
    Set<Recipient> targets;
    if (audience instanceof Audience.Channel channel) {
      targets = channels.get(channel.name());
      if (targets != null && event.hasOffset()) {
        int count = targets.size();
        feedOf(channel.name()).offer(event);
        return count;
      }
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

  private ChannelFeed feedOf(String channel) {
    Set<Recipient> subscribers = channels.get(channel);
    if (subscribers == null) {
      return null;
    }
    return feeds.computeIfAbsent(channel, name -> new ChannelFeed(name, subscribers, reads, vertx));
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

  private static void removeFrom(
      Map<String, Set<Recipient>> index, String key, Recipient recipient) {
    Set<Recipient> set = index.get(key);
    if (set != null && set.remove(recipient) && set.isEmpty()) {
      index.remove(key);
    }
  }
}
