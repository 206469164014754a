package dev.hub.history;

import io.vertx.core.buffer.Buffer;

/**
 * One event of a channel's history: its offset, and its bytes as clients receive them but without
 * {@code offset} and {@code epoch}, which are spliced in on the way out.
 *
 * @param binary whether the bytes are a binary event frame (docs/protocol.md section 7)
 */
public record StoredEvent(long offset, boolean binary, Buffer bytes) {
  private static final byte TEXT = 'T';
  private static final byte BINARY = 'B';

  /** The form kept in the store: a kind byte, then the bytes. */
  byte[] toItem() {
    byte[] item = new byte[bytes.length() + 1];
    item[0] = binary ? BINARY : TEXT;
    bytes.getBytes(item, 1);
    return item;
  }

  static StoredEvent fromItem(long offset, byte[] item) {
    return new StoredEvent(offset, item[0] == BINARY, Buffer.buffer(item).slice(1, item.length));
  }
}
