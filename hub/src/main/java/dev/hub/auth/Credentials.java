package dev.hub.auth;

/**
 * What a client presented when it connected.
 *
 * @param token the JWT from {@code ?token=} or {@code Authorization: Bearer}, or null
 * @param requestedUser {@code ?user=}, honoured in open mode only, or null
 */
public record Credentials(String token, String requestedUser) {}
