package dev.hub.api;

import dev.hub.protocol.PublishRequest;
import dev.hub.routing.Audience;

/** The audience a server's publish request names. */
final class AudienceOf {
  private AudienceOf() {}

  static Audience request(PublishRequest request) {
    if (request.channel() != null) {
      return Audience.channel(request.channel());
    }
    return request.user() != null ? Audience.user(request.user()) : Audience.all();
  }
}
