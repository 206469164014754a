package dev.hub.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Which appends the quorum counts as held by their backups: those Hazelcast answered before the
 * backup timeout the member actually runs with, whatever set it. A real member, alone, multicast
 * off.
 */
class HistoryQuorumTest {

  @Test
  void anAppendThatTookTheBackupTimeoutIsNotConfirmed() {
    Config config = memberConfig();
    // One-second heartbeats: the quorum raises the backup timeout to 6 s, past its own detection.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    HistoryQuorum.configure(config, 3);
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
    try {
      HistoryQuorum quorum = HistoryQuorum.of(member);
      assertThat(quorum.backupConfirmed(Duration.ofMillis(5_700).toNanos()))
          .as("answered 5.7 s after the call, before the 6 s backup timeout")
          .isTrue();
      assertThat(quorum.backupConfirmed(Duration.ofMillis(6_000).toNanos()))
          .as("answered after the 6 s backup timeout: a backup may not have acknowledged")
          .isFalse();
    } finally {
      member.shutdown();
    }
  }

  @Test
  void aLongerBackupTimeoutFromTheFileMovesTheLine() {
    Config config = memberConfig();
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.operation.backup.timeout.millis", "9000");
    HistoryQuorum.configure(config, 3);
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
    try {
      HistoryQuorum quorum = HistoryQuorum.of(member);
      assertThat(quorum.backupConfirmed(Duration.ofMillis(8_000).toNanos())).isTrue();
      assertThat(quorum.backupConfirmed(Duration.ofMillis(9_000).toNanos())).isFalse();
    } finally {
      member.shutdown();
    }
  }

  @Test
  void aClusterMeantToBeOneNodeAsksNothingOfBackups() {
    assertThat(HistoryQuorum.always().backupConfirmed(Duration.ofMinutes(5).toNanos()))
        .isTrue();
  }

  private static Config memberConfig() {
    Config config = new Config().setClusterName("quorum-test-" + UUID.randomUUID());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.getNetworkConfig().setPort(0).getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    return config;
  }
}
