package dev.hub.routing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link Recipient} that records the events written to it and the streams broken under it. It
 * is written on its event loop and read from the test thread, hence the thread-safe lists.
 */
final class RecordingRecipient implements Recipient {
  private final String name;
  private final List<FanoutEvent> events = new CopyOnWriteArrayList<>();
  private final List<String> broken = new CopyOnWriteArrayList<>();
  private volatile Consumer<FanoutEvent> onDeliver = event -> {};

  RecordingRecipient(String name) {
    this.name = name;
  }

  /** Runs {@code action} on the event loop after each event is recorded (to unsubscribe mid-delivery, say). */
  RecordingRecipient onDeliver(Consumer<FanoutEvent> action) {
    this.onDeliver = action;
    return this;
  }

  @Override
  public void deliver(FanoutEvent event) {
    events.add(event);
    onDeliver.accept(event);
  }

  @Override
  public void streamBroken(String channel) {
    broken.add(channel);
  }

  List<FanoutEvent> events() {
    return List.copyOf(events);
  }

  /** The {@code n} field of each event's JSON (a binary event's JSON part), in the order written. */
  List<Integer> numbers() {
    return events.stream().map(event -> json(event).getInteger("n")).toList();
  }

  private static JsonObject json(FanoutEvent event) {
    Buffer bytes = event.bytes();
    return new JsonObject(event.binary() ? bytes.slice(4, 4 + bytes.getInt(0)) : bytes);
  }

  /** Each event's offset, in the order written. */
  List<Long> offsets() {
    return events.stream().map(FanoutEvent::offset).toList();
  }

  /** The channels whose stream broke under this recipient, in order. */
  List<String> broken() {
    return List.copyOf(broken);
  }

  @Override
  public String toString() {
    return name;
  }
}
