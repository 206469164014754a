package dev.hub.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.hub.config.ChannelOptions;
import dev.hub.protocol.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One contract, both stores: the Hazelcast one (a real member, alone, multicast off) and the
 * in-memory one used by nodes without a cluster.
 */
class HistoryStoreTest {
  private static final ChannelOptions SMALL =
      new ChannelOptions("small", 3, Duration.ofHours(1), false, false, true);
  private static final ChannelOptions LARGE =
      new ChannelOptions("large*", 100, Duration.ofHours(1), false, false, true);
  private static final ChannelOptions BRIEF =
      new ChannelOptions("brief*", 100, Duration.ofSeconds(1), false, false, true);

  private static Vertx vertx;
  private static HazelcastInstance hazelcast;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    Config config = new Config().setClusterName("history-test-" + UUID.randomUUID());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.getNetworkConfig().setPort(0).getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    HazelcastHistoryStore.configure(config, List.of(SMALL, LARGE, BRIEF), 1);
    hazelcast = Hazelcast.newHazelcastInstance(config);
  }

  @AfterAll
  static void stop() throws Exception {
    hazelcast.shutdown();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static Stream<Arguments> stores() {
    Function<Void, HistoryStore> local = v -> new LocalHistoryStore(Clock.systemUTC());
    Function<Void, HistoryStore> cluster = v -> new HazelcastHistoryStore(
        vertx, hazelcast, HistoryQuorum.always(), 10_000, java.time.Duration.ofSeconds(20));
    return Stream.of(Arguments.of("local", local), Arguments.of("hazelcast", cluster));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void offsetsStartAtOneAndGrowByOneInOneEpoch(String name, Function<Void, HistoryStore> make)
      throws Exception {
    HistoryStore store = make.apply(null);
    String channel = "large-" + UUID.randomUUID();
    List<StreamPosition> positions = List.of(
        append(store, channel, "{\"n\":1}"),
        append(store, channel, "{\"n\":2}"),
        append(store, channel, "{\"n\":3}"));
    assertThat(positions).extracting(StreamPosition::offset).containsExactly(1L, 2L, 3L);
    assertThat(positions)
        .extracting(StreamPosition::epoch)
        .containsOnly(positions.get(0).epoch());
    assertThat(await(store.position(channel))).isEqualTo(positions.get(2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void readReturnsTheEventsAfterAnOffset(String name, Function<Void, HistoryStore> make)
      throws Exception {
    HistoryStore store = make.apply(null);
    String channel = "large-" + UUID.randomUUID();
    for (int n = 1; n <= 4; n++) {
      append(store, channel, "{\"n\":" + n + "}");
    }
    HistoryPage page = await(store.read(channel, 2, 100));
    assertThat(page.complete()).isTrue();
    assertThat(page.events()).extracting(StoredEvent::offset).containsExactly(3L, 4L);
    assertThat(page.events().get(0).bytes().toString()).isEqualTo("{\"n\":3}");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void aChannelThatStoredNothingHasNoEpochAndReadsEmpty(
      String name, Function<Void, HistoryStore> make) throws Exception {
    HistoryStore store = make.apply(null);
    String channel = "large-" + UUID.randomUUID();
    HistoryPage page = await(store.read(channel, 0, 100));
    assertThat(page.complete()).isTrue();
    assertThat(page.epoch()).isNull();
    assertThat(page.events()).isEmpty();
    assertThat(await(store.position(channel))).isEqualTo(new StreamPosition(0, null));
    assertThat(await(store.newest(channel, 10)).events()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void eventsPastTheCapacityAreGoneAndTheReadSaysSo(String name, Function<Void, HistoryStore> make)
      throws Exception {
    HistoryStore store = make.apply(null);
    for (int n = 1; n <= 5; n++) {
      append(store, "small", "{\"n\":" + n + "}");
    }
    HistoryPage page = await(store.read("small", 0, 100));
    assertThat(page.complete()).isFalse();
    assertThat(page.events()).extracting(StoredEvent::offset).containsExactly(3L, 4L, 5L);
    assertThat(await(store.read("small", 2, 100)).complete()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void anEmptyReadIsCompleteWhenUpToDateAndNotWhenWhatFollowedExpired(
      String name, Function<Void, HistoryStore> make) throws Exception {
    HistoryStore store = make.apply(null);
    String channel = "brief-" + UUID.randomUUID();
    for (int n = 1; n <= 3; n++) {
      await(store.append(
          channel, BRIEF, Buffer.buffer("{\"n\":" + n + "}"), false, ChannelAdmission.ANY));
    }
    assertThat(await(store.read(channel, 3, 10)).complete()).as("up to date").isTrue();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> await(store.read(channel, 1, 10)).events().isEmpty());
    assertThat(await(store.read(channel, 1, 10)).complete())
        .as("events 2 and 3 expired")
        .isFalse();
    assertThat(await(store.read(channel, 3, 10)).complete())
        .as("nothing after 3 ever existed")
        .isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void binaryEventsStayBinary(String name, Function<Void, HistoryStore> make) throws Exception {
    HistoryStore store = make.apply(null);
    String channel = "large-" + UUID.randomUUID();
    Buffer bytes = Buffer.buffer(new byte[] {0, 0, 0, 2, '{', '}', 7});
    await(store.append(channel, LARGE, bytes, true, ChannelAdmission.ANY));
    StoredEvent stored = await(store.read(channel, 0, 10)).events().get(0);
    assertThat(stored.binary()).isTrue();
    assertThat(stored.bytes()).isEqualTo(bytes);
  }

  private static StreamPosition append(HistoryStore store, String channel, String json)
      throws Exception {
    ChannelOptions options = channel.equals("small") ? SMALL : LARGE;
    return await(store.append(channel, options, Buffer.buffer(json), false, ChannelAdmission.ANY));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(20, TimeUnit.SECONDS);
  }
}
