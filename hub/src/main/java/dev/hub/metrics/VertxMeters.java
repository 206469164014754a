package dev.hub.metrics;

import io.vertx.micrometer.Label;
import io.vertx.micrometer.Match;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;

/**
 * What Vert.x records about itself in a node's registry (event bus, HTTP server, worker pools, JVM)
 * and under which labels. Every label value must come from a small set the node chooses, or a
 * client could add a series (and the registry's memory for it) with every request.
 */
public final class VertxMeters {
  /** The label value of every HTTP method that is not one of RFC 9110's (and PATCH). */
  public static final String OTHER_METHOD = "other";
  /**
   * Any method but the standard ones, matched whole. Netty takes any token as a method, so
   * {@code M1 / HTTP/1.1} would otherwise be a label value of its own.
   */
  private static final String NON_STANDARD_METHOD =
      "(?s)(?!(?:GET|HEAD|POST|PUT|DELETE|CONNECT|OPTIONS|TRACE|PATCH)\\z).*";

  private VertxMeters() {}

  /**
   * @param registryName vertx-micrometer keeps registries in a JVM-wide map by name: a name of its
   *     own keeps each node's figures apart when several nodes share a JVM (the test kit does)
   */
  public static MicrometerMetricsOptions options(String registryName) {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setRegistryName(registryName)
        // Vert.x's defaults, written out so that none of the labels whose values a client picks is
        // switched on by a change of default: not REMOTE (its address), HTTP_PATH or HTTP_ROUTE
        // (what it asked for), nor EB_ADDRESS (rpc frames name any address). HTTP_CODE values are
        // the statuses the node answers with, a fixed set.
        .setLabels(EnumSet.of(
            Label.HTTP_METHOD, Label.HTTP_CODE, Label.EB_SIDE, Label.POOL_TYPE, Label.POOL_NAME))
        // Applied by Micrometer as a meter filter before a meter is created, so an invented method
        // shares the one "other" series; Micrometer caches no id per invented value.
        .addLabelMatch(new Match()
            .setDomain(MetricsDomain.HTTP_SERVER)
            .setLabel(Label.HTTP_METHOD.toString())
            .setType(MatchType.REGEX)
            .setValue(NON_STANDARD_METHOD)
            .setAlias(OTHER_METHOD));
  }
}
