/**
 * Every use the hub makes of its libraries' internals, one class per library: {@link
 * dev.hub.internals.VertxInternals} (vertx-core and vertx-auth-jwt, one version through the BOM),
 * {@link dev.hub.internals.NettyInternals} and {@link dev.hub.internals.HazelcastInternals}. No other
 * main class imports an {@code .impl.} or {@code .internal.} package ({@code InternalImportsTest}
 * holds that), so an upgrade of Vert.x, Netty or Hazelcast is reviewed here, and the tests of this
 * package ({@code *InternalsTest}) fail, naming what moved, when it changes what these classes
 * rely on.
 */
package dev.hub.internals;
