package dev.hub.routing;

import dev.hub.config.ChannelOptions;
import dev.hub.config.HubConfig;
import dev.hub.history.ChannelAdmission;
import dev.hub.history.HistoryStore;
import dev.hub.protocol.EventBytes;
import dev.hub.protocol.Events;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;

/**
 * Publishes events for clients, the HTTP API and JVM services alike: stamps the fields the hub
 * owns, encodes the event once, stores it first when its channel keeps history (so it has an
 * offset), and hands it to the {@link ClusterBus}.
 */
public final class Publisher {
  private final ClusterBus clusterBus;
  private final HistoryStore history;
  private final HubConfig config;
  private final Clock clock;

  public Publisher(ClusterBus clusterBus, HistoryStore history, HubConfig config, Clock clock) {
    this.clusterBus = clusterBus;
    this.history = history;
    this.config = config;
    this.clock = clock;
  }

  /**
   * An event a client published: {@code from} becomes the client's user and {@code timestamp} the
   * hub's clock, whatever the event said (see {@link Events#stamp}).
   *
   * @param user the publishing connection's user, or null for an anonymous connection
   * @param payload the binary part of a binary frame, or null for a text event
   */
  public Future<PublishReceipt> publishFromClient(
      Audience audience, JsonObject event, String user, Buffer payload) {
    return publishFromClient(audience, event, user, payload, ChannelAdmission.ANY);
  }

  /**
   * @param admission decides whether this client may start a new channel with history now (see
   *     {@link ChannelAdmission})
   */
  public Future<PublishReceipt> publishFromClient(
      Audience audience,
      JsonObject event,
      String user,
      Buffer payload,
      ChannelAdmission admission) {
    return publish(
        audience,
        Events.stamp(event, channelOf(audience), true, user, clock.instant()),
        payload,
        admission);
  }

  /**
   * An event from a trusted server (HTTP API or event bus): its {@code from} and {@code timestamp}
   * are kept as sent; its stream fields are the hub's, as for a client (see {@link Events#stamp}).
   */
  public Future<PublishReceipt> publishFromServer(Audience audience, JsonObject event) {
    return publish(
        audience,
        Events.stamp(event, channelOf(audience), false, null, clock.instant()),
        null,
        ChannelAdmission.ANY);
  }

  /**
   * A notice from the hub itself (join, leave): delivered to the audience's connections now, never
   * stored, so it takes no offset in a history channel.
   */
  public void notify(Audience audience, JsonObject notice) {
    clusterBus.publish(FanoutEvent.unnumbered(audience, notice.toBuffer(), false));
  }

  private Future<PublishReceipt> publish(
      Audience audience, JsonObject stamped, Buffer payload, ChannelAdmission admission) {
    boolean binary = payload != null;
    ChannelOptions options =
        audience instanceof Audience.Channel channel ? config.channelOptions(channel.name()) : null;
    Buffer bytes = binary ? EventBytes.binary(stamped.toBuffer(), payload) : stamped.toBuffer();
    if (options == null || !options.hasHistory()) {
      clusterBus.publish(FanoutEvent.unnumbered(audience, bytes, binary));
      return Future.succeededFuture(PublishReceipt.NONE);
    }
    String channel = ((Audience.Channel) audience).name();
    return history.append(channel, options, bytes, binary, admission).map(position -> {
      Buffer positioned =
          EventBytes.withPosition(bytes, binary, position.offset(), position.epoch());
      clusterBus.publish(
          new FanoutEvent(audience, positioned, position.offset(), position.epoch(), binary));
      return new PublishReceipt(position.offset(), position.epoch());
    });
  }

  private static String channelOf(Audience audience) {
    return audience instanceof Audience.Channel channel ? channel.name() : null;
  }
}
