package dev.hub.testkit;

import io.vertx.core.json.JsonObject;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that starts a {@link HubCluster} before a test class and stops it after.
 *
 * <pre>{@code
 * class ChatIT {
 *   @RegisterExtension
 *   static HubClusterExtension hub = HubClusterExtension.nodes(3);
 *
 *   @Test
 *   void deliversAcrossNodes() {
 *     HubTestClient alice = hub.cluster().connect(0, "alice");
 *     ...
 *   }
 * }
 * }</pre>
 */
public final class HubClusterExtension implements BeforeAllCallback, AfterAllCallback {
  private final int size;
  private final UnaryOperator<JsonObject> settings;
  private HubCluster cluster;

  private HubClusterExtension(int size, UnaryOperator<JsonObject> settings) {
    this.size = size;
    this.settings = settings;
  }

  /** A cluster of {@code size} open-mode nodes with default settings. */
  public static HubClusterExtension nodes(int size) {
    return new HubClusterExtension(size, UnaryOperator.identity());
  }

  /** A cluster whose node configuration JSON {@code settings} adjusts. */
  public static HubClusterExtension nodes(int size, UnaryOperator<JsonObject> settings) {
    return new HubClusterExtension(size, settings);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = HubCluster.start(size, settings);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null) {
      cluster.close();
    }
  }

  public HubCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("the cluster starts before the first test of the class");
    }
    return cluster;
  }
}
