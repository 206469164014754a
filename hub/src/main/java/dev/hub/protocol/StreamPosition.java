package dev.hub.protocol;

/**
 * A place in a history channel's stream: the {@code offset} of an event within an {@code epoch}.
 * Clients send one as {@code since} to recover what they missed.
 */
public record StreamPosition(long offset, String epoch) {}
