package dev.hub.internals;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.ringbuffer.Ringbuffer;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Hazelcast internals {@link HazelcastInternals} relies on, against a real member: if an upgrade
 * of Hazelcast moves or changes them, this fails here, loudly, rather than history reads in
 * production. ({@link HazelcastInternals#suspect} is the test kit's, exercised by its split tests.)
 */
class HazelcastInternalsTest {
  private static HazelcastInstance hazelcast;

  @BeforeAll
  static void start() {
    Config config = new Config().setClusterName("ring-ops-" + UUID.randomUUID());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.getNetworkConfig().setPort(0).getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    config.addRingBufferConfig(new RingbufferConfig("ops-*").setCapacity(3));
    hazelcast = Hazelcast.newHazelcastInstance(config);
  }

  @AfterAll
  static void stop() {
    hazelcast.shutdown();
  }

  @Test
  void tailHeadAndSizeAnswerAsTheSynchronousCallsDo() throws Exception {
    Ringbuffer<String> ring = hazelcast.getRingbuffer("ops-" + UUID.randomUUID());
    assertThat(await(HazelcastInternals.ringTail(ring)))
        .as("an empty ring's tail")
        .isEqualTo(-1L);
    assertThat(await(HazelcastInternals.ringHead(ring)))
        .as("an empty ring's head")
        .isZero();
    for (int i = 0; i < 5; i++) {
      ring.add("e" + i);
    }
    assertThat(await(HazelcastInternals.ringTail(ring)))
        .isEqualTo(ring.tailSequence())
        .isEqualTo(4L);
    assertThat(await(HazelcastInternals.ringHead(ring)))
        .as("capacity 3: the two oldest are gone")
        .isEqualTo(ring.headSequence())
        .isEqualTo(2L);
    assertThat(await(HazelcastInternals.ringSize(ring))).isEqualTo(ring.size()).isEqualTo(3L);
  }

  @Test
  void aRingsServiceNameIsTheOneHistoryLooksFor() {
    Ringbuffer<String> ring = hazelcast.getRingbuffer("ops-" + UUID.randomUUID());
    assertThat(ring.getServiceName())
        .as("history finds its rings among distributed objects by this service name")
        .isEqualTo(HazelcastInternals.RINGBUFFER_SERVICE);
  }

  private static long await(java.util.concurrent.CompletionStage<Long> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
