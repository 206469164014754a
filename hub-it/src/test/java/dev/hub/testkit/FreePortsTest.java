package dev.hub.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ports handed to members and child processes lie below the kernel's ephemeral range, where no
 * outgoing connection or port-0 listener can be given one between the pick and the bind.
 */
class FreePortsTest {

  @Test
  void portsAreDistinctAndBelowTheEphemeralRange() {
    int ephemeralLow = FreePorts.ephemeralLow();
    assertThat(ephemeralLow)
        .as("the ephemeral range is readable on the Linux machines the tests run on")
        .isGreaterThan(FreePorts.LOWEST);

    List<Integer> ports = FreePorts.of(20);

    assertThat(ports).hasSize(20).doesNotHaveDuplicates();
    assertThat(ports)
        .allSatisfy(port -> assertThat(port).isBetween(FreePorts.LOWEST, ephemeralLow - 1));
  }
}
