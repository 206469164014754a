package dev.hub.client;

/**
 * A change of a client's connection state.
 *
 * @param state the new state
 * @param url the URL connected to, or the one just lost
 * @param node on {@code CONNECTED}: the node id from the {@code connected} frame
 * @param delayMs on {@code DISCONNECTED}: ms until the next attempt (0 after {@code reconnect} or close 1012)
 * @param next on {@code DISCONNECTED}: the URL the next attempt uses
 */
public record StateChange(
    HubClient.State state, String url, String node, long delayMs, String next) {}
