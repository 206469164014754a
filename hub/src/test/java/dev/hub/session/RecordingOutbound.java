package dev.hub.session;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link Outbound} that records what a session sends and how it closes. Written from the
 * session's event loop, read from the test thread, hence the thread-safe lists.
 */
final class RecordingOutbound implements Outbound {

  /** One {@link #close(int, String)} call. */
  record Close(int code, String reason) {}

  private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  private final List<Close> closes = new CopyOnWriteArrayList<>();

  @Override
  public void send(JsonObject frame) {
    // A copy: the session must not be able to change what was "written" afterwards.
    frames.add(frame.copy());
  }

  @Override
  public void sendEncoded(Buffer encodedFrame, boolean binary) {
    if (binary) {
      // A binary event: its JSON part, with the payload's size so tests can check it came along.
      int length = encodedFrame.getInt(0);
      frames.add(new JsonObject(encodedFrame.slice(4, 4 + length).copy())
          .put("payloadBytes", encodedFrame.length() - 4 - length));
    } else {
      frames.add(new JsonObject(encodedFrame.copy()));
    }
  }

  @Override
  public void close(int code, String reason) {
    closes.add(new Close(code, reason));
  }

  /** Every frame sent so far, in order. */
  List<JsonObject> frames() {
    return List.copyOf(frames);
  }

  /** The frames sent so far after the first {@code skip}. */
  List<JsonObject> framesAfter(int skip) {
    List<JsonObject> all = frames();
    return all.subList(Math.min(skip, all.size()), all.size());
  }

  JsonObject last() {
    List<JsonObject> all = frames();
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  List<JsonObject> ofType(String type) {
    return frames().stream()
        .filter(frame -> type.equals(frame.getString("type")))
        .toList();
  }

  List<Close> closes() {
    return List.copyOf(closes);
  }
}
