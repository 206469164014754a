package dev.hub.presence;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One contract, both stores (the Hazelcast one on a real member, alone, multicast off; the
 * in-memory one of nodes without a cluster), then what only the cluster store does: partition-local
 * listing, the cleanup after a departed node, and the re-assert after a merge.
 */
class PresenceStoreTest {
  private static final String NODE = "node-a";

  private static Vertx vertx;
  private static HazelcastInstance hazelcast;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    Config config = new Config().setClusterName("presence-test-" + UUID.randomUUID());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.getNetworkConfig().setPort(0).getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    HazelcastPresenceStore.configure(config, NODE);
    hazelcast = Hazelcast.newHazelcastInstance(config);
  }

  @AfterAll
  static void stop() throws Exception {
    hazelcast.shutdown();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static Stream<Arguments> stores() {
    Supplier<PresenceStore> local = LocalPresenceStore::new;
    Supplier<PresenceStore> cluster = () -> new HazelcastPresenceStore(vertx, hazelcast);
    return Stream.of(Arguments.of("local", local), Arguments.of("hazelcast", cluster));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void theFirstConnectionOfAUserJoinsAndTheLastLeavesWhateverTheOrder(
      String name, Supplier<PresenceStore> stores) {
    PresenceStore store = stores.get();
    String channel = unique("room");
    assertThat(await(store.add(channel, entry("alice", "c1", "n1"))).joined()).isTrue();
    assertThat(await(store.add(channel, entry("alice", "c2", "n2"))).joined()).isFalse();
    assertThat(await(store.add(channel, entry("alice", "c1", "n1"))).joined())
        .as("added twice")
        .isFalse();
    assertThat(await(store.users(channel))).isEqualTo(Map.of("alice", 2));

    assertThat(await(store.remove(channel, entry("alice", "c1", "n1"))).left()).isFalse();
    assertThat(await(store.remove(channel, entry("alice", "c1", "n1"))).left())
        .as("removed twice")
        .isFalse();
    assertThat(await(store.remove(channel, entry("alice", "c9", "n1"))).left())
        .as("never added")
        .isFalse();
    assertThat(await(store.remove(channel, entry("alice", "c2", "n2"))).left()).isTrue();
    assertThat(await(store.users(channel))).isEmpty();
    assertThat(await(store.add(channel, entry("alice", "c3", "n1"))).joined())
        .as("back again")
        .isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void usersWithAtOrPercentInTheirNamesAndAnonymousOnesAreKeptApart(
      String name, Supplier<PresenceStore> stores) {
    PresenceStore store = stores.get();
    String channel = unique("room:a@b");
    for (String user : List.of("x@y", "x%40y", "x%y", "", "@")) {
      assertThat(await(store.add(channel, entry(user, "c-" + user, "n1"))).joined())
          .as(user)
          .isTrue();
    }
    await(store.add(unique("room:a"), entry("x@y", "c-other", "n1")));
    assertThat(await(store.users(channel)))
        .isEqualTo(Map.of("x@y", 1, "x%40y", 1, "x%y", 1, "", 1, "@", 1));
  }

  @Test
  void aChannelIsListedFromItsPartitionWithoutTheOtherChannelsThere() {
    PresenceStore store = new HazelcastPresenceStore(vertx, hazelcast);
    List<String> samePartition = channelsInOnePartition(unique("room:"));
    await(store.add(samePartition.get(0), entry("ann", "c1", "n1")));
    await(store.add(samePartition.get(1), entry("ben", "c2", "n1")));
    assertThat(await(store.users(samePartition.get(0)))).isEqualTo(Map.of("ann", 1));
    assertThat(await(store.users(samePartition.get(1)))).isEqualTo(Map.of("ben", 1));
    // Both entries are where their channel hashes to: in that one partition.
    assertThat(presenceMap()
            .keySet(Predicates.partitionPredicate(
                PresenceKey.partitionKeyOf(samePartition.get(0)), Predicates.alwaysTrue())))
        .contains(
            PresenceKey.of(samePartition.get(0), "ann"),
            PresenceKey.of(samePartition.get(1), "ben"));
  }

  @Test
  void oneUserAddedAndRemovedFromTwoNodesAtOnceJoinsOnceAndLeavesOnce() {
    PresenceStore one = new HazelcastPresenceStore(vertx, hazelcast);
    PresenceStore two = new HazelcastPresenceStore(vertx, hazelcast);
    String channel = unique("room");
    for (int round = 0; round < 50; round++) {
      PresenceEntry first = entry("racer", "c1-" + round, "n1");
      PresenceEntry second = entry("racer", "c2-" + round, "n2");
      List<PresenceChange> added =
          both(() -> one.add(channel, first), () -> two.add(channel, second));
      assertThat(added.stream().filter(PresenceChange::joined))
          .as("joins in round " + round)
          .hasSize(1);
      List<PresenceChange> removed =
          both(() -> one.remove(channel, first), () -> two.remove(channel, second));
      assertThat(removed.stream().filter(PresenceChange::left))
          .as("leaves in round " + round)
          .hasSize(1);
    }
  }

  @Test
  void aDepartedNodesConnectionsAreRemovedOnceAndAMembersAreKept() {
    HazelcastPresenceStore store = new HazelcastPresenceStore(vertx, hazelcast);
    String channel = unique("room");
    await(store.add(channel, entry("gone", "c1", "node-gone")));
    await(store.add(channel, entry("both", "c2", "node-gone")));
    await(store.add(channel, entry("both", "c3", "node-b")));
    await(store.add(channel, entry("mine", "c4", NODE)));

    List<PresenceChange> changes = await(store.removeNode("node-gone"));
    assertThat(changes).containsExactly(PresenceChange.left(channel, "gone", true));
    assertThat(await(store.users(channel))).isEqualTo(Map.of("both", 1, "mine", 1));
    assertThat(await(store.removeNode("node-gone")))
        .as("a second survivor finds nothing")
        .isEmpty();
    // node-a is this member's id: it is in the cluster, so its connections stay.
    assertThat(await(store.removeNode(NODE))).isEmpty();
    assertThat(await(store.users(channel))).isEqualTo(Map.of("both", 1, "mine", 1));
  }

  @Test
  void afterAMergeTheNodeWritesItsLiveConnectionsAgainAndDropsTheOnesItNoLongerHas() {
    HazelcastPresenceStore store = new HazelcastPresenceStore(vertx, hazelcast);
    String channel = unique("room");
    await(store.add(channel, entry("mia", "c1", NODE)));
    await(store.add(channel, entry("max", "c2", NODE)));
    await(store.add(channel, entry("ned", "c3", NODE)));
    await(store.remove(channel, entry("ned", "c3", NODE)));
    // What the winning side of a merge may hold: mia gone (removed when this node was split off),
    // ned still there (closed on this side only), max there.
    IMap<String, String[]> map = presenceMap();
    map.delete(PresenceKey.of(channel, "mia"));
    map.set(PresenceKey.of(channel, "ned"), new String[] {NODE, "c3"});

    List<PresenceChange> reasserted = await(store.reassert());
    assertThat(reasserted.stream().filter(c -> c.channel().equals(channel)))
        .containsExactlyInAnyOrder(
            PresenceChange.joined(channel, "mia", true),
            PresenceChange.joined(channel, "max", false));
    List<PresenceChange> dropped = await(store.dropStale(NODE));
    assertThat(dropped.stream().filter(c -> c.channel().equals(channel)))
        .containsExactly(PresenceChange.left(channel, "ned", true));
    assertThat(await(store.users(channel))).isEqualTo(Map.of("mia", 1, "max", 1));
  }

  private static List<PresenceChange> both(
      Supplier<Future<PresenceChange>> a, Supplier<Future<PresenceChange>> b) {
    CompletableFuture<Future<PresenceChange>> first = CompletableFuture.supplyAsync(a);
    CompletableFuture<Future<PresenceChange>> second = CompletableFuture.supplyAsync(b);
    return List.of(await(first.join()), await(second.join()));
  }

  /** Two channel names whose entries Hazelcast puts in the same partition. */
  private static List<String> channelsInOnePartition(String prefix) {
    Map<Integer, String> byPartition = new HashMap<>();
    for (int i = 0; ; i++) {
      String channel = prefix + i;
      int partition = hazelcast.getPartitionService().getPartition(channel).getPartitionId();
      String earlier = byPartition.putIfAbsent(partition, channel);
      if (earlier != null) {
        return new ArrayList<>(List.of(earlier, channel));
      }
    }
  }

  private static IMap<String, String[]> presenceMap() {
    return hazelcast.getMap(HazelcastPresenceStore.MAP);
  }

  private static PresenceEntry entry(String user, String connection, String node) {
    return new PresenceEntry(user, connection, node);
  }

  private static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().substring(0, 8);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
