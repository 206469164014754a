package dev.hub.auth;

import java.time.Instant;

/**
 * Who is on a connection and what it may do.
 *
 * @param user the token's {@code sub}, or null for an anonymous connection
 * @param grants permissions from the token's claims
 * @param expiresAt when the connection must stop using its token (the token's {@code exp} plus the
 *     configured clock-skew leeway), or null when it never does
 */
public record Identity(String user, Grants grants, Instant expiresAt) {}
