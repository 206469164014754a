package dev.hub.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class HeapProbeTest {
  @Test
  void readsG1sHeapLine() throws IOException {
    String g1 =
        "12345:\n garbage-first heap   total 262144K, used 19283K [0x00000000f0000000, 0x0000000100000000)\n"
            + "  region size 1024K, 3 young (3072K), 0 survivors (0K)\n"
            + " Metaspace       used 9120K, committed 9344K, reserved 1114112K\n"
            + "  class space    used 1012K, committed 1088K, reserved 1048576K\n";

    assertThat(HeapProbe.parseUsed(g1)).isEqualTo(19283L * 1024);
  }

  @Test
  void addsTheGenerationsOfSerial() throws IOException {
    String serial = "1:\n def new generation   total 78656K, used 8394K [0x0, 0x0, 0x0)\n"
        + "  eden space 69952K,  12% used [0x0, 0x0, 0x0)\n"
        + " tenured generation   total 174784K, used 1000K [0x0, 0x0, 0x0)\n"
        + " Metaspace       used 9120K, committed 9344K, reserved 1114112K\n";

    assertThat(HeapProbe.parseUsed(serial)).isEqualTo((8394L + 1000) * 1024);
  }

  @Test
  void saysSoWhenThereIsNoFigure() {
    assertThatThrownBy(() -> HeapProbe.parseUsed("1:\nCould not find process\n"))
        .isInstanceOf(IOException.class);
  }
}
