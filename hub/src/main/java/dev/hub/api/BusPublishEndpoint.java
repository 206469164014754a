package dev.hub.api;

import dev.hub.protocol.FrameCodec;
import dev.hub.protocol.HubException;
import dev.hub.protocol.PublishRequest;
import dev.hub.routing.Addresses;
import dev.hub.routing.Publisher;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * {@code hub.publish} on the event bus (docs/protocol.md section 8): JVM services send
 * {@code {"channel"|"user", "event"}} and get {@code {"offset","epoch"}} back, or a failure whose
 * code is the HTTP status and whose message starts with the error code. Every node serves the
 * address; the event bus gives each request to exactly one of them, so each event is published
 * once.
 */
public final class BusPublishEndpoint {
  private final Publisher publisher;

  public BusPublishEndpoint(Publisher publisher) {
    this.publisher = publisher;
  }

  public Future<MessageConsumer<Object>> register(EventBus eventBus) {
    MessageConsumer<Object> consumer = eventBus.consumer(Addresses.PUBLISH, this::handle);
    return consumer.completion().map(consumer);
  }

  private void handle(Message<Object> message) {
    try {
      PublishRequest request = PublishRequest.parse(asJson(message.body()));
      publisher
          .publishFromServer(AudienceOf.request(request), request.event())
          .onSuccess(receipt -> message.reply(receipt.toJson()))
          .onFailure(e -> fail(message, e));
    } catch (HubException e) {
      fail(message, e);
    }
  }

  /** Services in other languages send JSON as text or bytes; accept those as well as a JsonObject. */
  private static Object asJson(Object body) {
    if (body instanceof String text) {
      return FrameCodec.parseObject(text);
    }
    if (body instanceof Buffer bytes) {
      return FrameCodec.parseObject(bytes.toString());
    }
    return body;
  }

  private static void fail(Message<Object> message, Throwable failure) {
    if (failure instanceof HubException error) {
      message.fail(error.code().httpStatus(), error.code().wire() + ": " + error.getMessage());
    } else {
      message.fail(500, "internal: " + failure.getMessage());
    }
  }
}
