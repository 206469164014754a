package dev.hub.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** What {@code /metrics} shows for what the hub records: names, labels and numbers. */
class HubMetricsTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final HubMetrics metrics = new HubMetrics(registry);

  @Test
  void deliveriesCountRecipientsBytesAndOneLatencyPerEventLoop() {
    metrics.eventPublished(AudienceKind.CHANNEL);
    metrics.eventDelivered(AudienceKind.CHANNEL, 3, 100, System.currentTimeMillis() - 20);
    metrics.eventDelivered(AudienceKind.ALL, 0, 100, System.currentTimeMillis());
    metrics.frameSent(50);
    String text = registry.scrape();
    assertThat(text)
        .contains("hub_events_published_total{audience=\"channel\"} 1.0")
        .contains("hub_events_published_total{audience=\"user\"} 0.0")
        .contains("hub_events_delivered_total{audience=\"channel\"} 3.0")
        .contains("hub_events_delivered_total{audience=\"all\"} 0.0")
        .contains("hub_outbound_bytes_total 350.0")
        .contains("hub_fanout_latency_seconds_count 1")
        .contains("hub_fanout_latency_seconds_bucket{le=\"0.01\"} 0")
        .contains("hub_fanout_latency_seconds_bucket{le=\"5.0\"} 1");
  }

  @Test
  void closesAreCountedByCodeWithABoundedSetOfLabels() {
    metrics.connectionOpened();
    metrics.connectionClosed(1012);
    metrics.connectionClosed(4009);
    metrics.connectionClosed(null);
    metrics.connectionClosed(3999);
    metrics.connectionClosed(4321);
    String text = registry.scrape();
    assertThat(text)
        .contains("hub_connections_opened_total 1.0")
        .contains("hub_connections_closed_total{code=\"1012\"} 1.0")
        .contains("hub_connections_closed_total{code=\"4009\"} 1.0")
        .contains("hub_connections_closed_total{code=\"1006\"} 1.0")
        .contains("hub_connections_closed_total{code=\"other\"} 2.0")
        .doesNotContain("code=\"3999\"")
        .doesNotContain("code=\"4321\"");
  }

  @Test
  void subscriptionAndChannelGaugesFollowTheRegistries() {
    metrics.subscriptionAdded(true);
    metrics.subscriptionAdded(false);
    metrics.subscriptionAdded(true);
    metrics.subscriptionRemoved(true);
    assertThat(metrics.subscriptions()).isEqualTo(2);
    assertThat(metrics.channels()).isEqualTo(1);
    assertThat(registry.scrape()).contains("hub_subscriptions 2.0").contains("hub_channels 1.0");
  }

  @Test
  void authFailuresAndRateLimitsAreCountedByReason() {
    metrics.authFailure("upgrade", "unauthorized");
    metrics.authFailure("upgrade", "unauthorized");
    metrics.authFailure("api", "forbidden");
    metrics.frameRateLimited();
    assertThat(registry.scrape())
        .contains("hub_auth_failures_total{reason=\"unauthorized\",where=\"upgrade\"} 2.0")
        .contains("hub_auth_failures_total{reason=\"forbidden\",where=\"api\"} 1.0")
        .contains("hub_frames_rate_limited_total 1.0");
  }
}
