package dev.hub.routing;

import dev.hub.protocol.Events;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;

/**
 * Publishes events for clients, the HTTP API and JVM services alike: stamps the fields the hub
 * owns, encodes the event once, and hands it to the {@link ClusterBus}.
 */
public final class Publisher {
  private final ClusterBus clusterBus;
  private final Clock clock;

  public Publisher(ClusterBus clusterBus, Clock clock) {
    this.clusterBus = clusterBus;
    this.clock = clock;
  }

  /**
   * An event a client published: {@code from} becomes the client's user whatever the event said.
   *
   * @param user the publishing connection's user, or null for an anonymous connection
   */
  public Future<PublishReceipt> publishFromClient(Audience audience, JsonObject event, String user) {
    return publish(audience, Events.stamp(event, channelOf(audience), true, user, clock.instant()));
  }

  /** An event from a trusted server (HTTP API or event bus): its {@code from} is kept as sent. */
  public Future<PublishReceipt> publishFromServer(Audience audience, JsonObject event) {
    return publish(audience, Events.stamp(event, channelOf(audience), false, null, clock.instant()));
  }

  private Future<PublishReceipt> publish(Audience audience, JsonObject stamped) {
    clusterBus.publish(audience, stamped.toBuffer());
    return Future.succeededFuture(PublishReceipt.NONE);
  }

  private static String channelOf(Audience audience) {
    return audience instanceof Audience.Channel channel ? channel.name() : null;
  }
}
