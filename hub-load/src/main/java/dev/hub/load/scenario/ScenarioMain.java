package dev.hub.load.scenario;

import java.util.List;

/**
 * {@code hub-load.jar scenario <1|2|3|all|capacity|history>}: runs the benchmark scenarios of docs/benchmarks.md against the
 * hub jar of this checkout and writes results.jsonl, report.md and latency-vs-rate.png.
 */
public final class ScenarioMain {
  private ScenarioMain() {}

  /**
   * @param args the scenario ({@code 1}, {@code 2}, {@code 3}, {@code all} or {@code capacity}) then options
   * @return the process exit code: 0 done, 2 bad arguments
   */
  public static int run(List<String> args) throws Exception {
    if (args.isEmpty() || args.contains("--help")) {
      System.err.print(ScenarioSettings.USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    String which = args.get(0);
    ScenarioSettings settings;
    try {
      if (!List.of("1", "2", "3", "all", "capacity", "history").contains(which)) {
        throw new IllegalArgumentException("no scenario " + which);
      }
      settings = ScenarioSettings.parse(args.subList(1, args.size()));
      if (!settings.hubJar().toFile().isFile()) {
        throw new IllegalArgumentException("no hub jar at " + settings.hubJar().toAbsolutePath()
            + " (build it: mvn -q package -DskipTests)");
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(ScenarioSettings.USAGE);
      return 2;
    }
    String machine = Scenarios.machine();
    CpuPinning pinning = settings.pin() ? CpuPinning.detect() : CpuPinning.none();
    pinning.pinThisProcess();
    Report report = new Report(
        settings.out(),
        machine + "; " + pinning.describe()
            + (settings.quick() ? "; QUICK RUN: sizes too small to mean anything" : ""));
    Scenarios scenarios = new Scenarios(settings, pinning, report, machine);
    if (which.equals("1") || which.equals("all")) {
      scenarios.one();
    }
    if (which.equals("2") || which.equals("all")) {
      scenarios.two();
    }
    if (which.equals("3") || which.equals("all")) {
      scenarios.three();
    }
    if (which.equals("history")) {
      scenarios.history();
    }
    if (which.equals("capacity")) {
      scenarios.capacity();
    }
    System.err.println("results: " + settings.out().toAbsolutePath().resolve("results.jsonl") + ", "
        + report.markdown().toAbsolutePath());
    return 0;
  }
}
