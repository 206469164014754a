package dev.hub.load;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/** Adds up a run's pieces (loop snapshots, publisher, storm, window samples) into a {@link LoadResult}. */
final class ResultBuilder {
  private final LoadOptions options;
  private final PacedConnector.Report<Subscriber> storm;
  private final List<Subscriber> subscribers;
  private final Publisher publisher;
  private final List<LoopStats.Snapshot> snapshots;
  private final Publisher.Acks acks;
  private final WindowSample first;
  private final WindowSample last;

  /** @param first the window's start, or null when nothing was published */
  ResultBuilder(
      LoadOptions options,
      PacedConnector.Report<Subscriber> storm,
      List<Subscriber> subscribers,
      Publisher publisher,
      List<LoopStats.Snapshot> snapshots,
      Publisher.Acks acks,
      WindowSample first,
      WindowSample last) {
    this.options = options;
    this.storm = storm;
    this.subscribers = subscribers;
    this.publisher = publisher;
    this.snapshots = snapshots;
    this.acks = acks;
    this.first = first;
    this.last = last;
  }

  LoadResult build() {
    Histogram local = LoopStats.histogram();
    Histogram remote = LoopStats.histogram();
    long delivered = 0;
    long duplicates = 0;
    long outOfOrder = 0;
    for (LoopStats.Snapshot snapshot : snapshots) {
      local.add(snapshot.local());
      remote.add(snapshot.remote());
      delivered += snapshot.delivered();
      duplicates += snapshot.duplicates();
      outOfOrder += snapshot.outOfOrder();
    }
    Histogram all = local.copy();
    all.add(remote);
    int subscribed = subscribers.size();
    int localCount = (int) subscribers.stream().filter(Subscriber::isLocal).count();
    long expected = publisher.published() * subscribed;
    InFlightWindow window = publisher.window();
    return new LoadResult(
        options.target(),
        options.mode(),
        options.urls().size(),
        options.subscribers(),
        subscribed,
        localCount,
        subscribed - localCount,
        options.mode() == Mode.RATE ? options.eventsPerSecond() : 0,
        perSecond(publisher.publishedMeasured()),
        perSecond(windowDeliveries()),
        seconds(),
        publisher.published(),
        publisher.acked(),
        publisher.refused(),
        expected,
        delivered,
        expected - delivered,
        duplicates,
        outOfOrder,
        window == null ? 0 : window.timedOut(),
        options.mode() == Mode.MAX ? options.maxInFlight() : 0,
        window == null ? 0 : window.peak(),
        (int) subscribers.stream().filter(Subscriber::isClosed).count(),
        publisher.closeCode(),
        Latency.of(local),
        Latency.of(remote),
        Latency.of(all),
        Latency.of(acks.latency()),
        connect(),
        cpu(),
        acks.refusals());
  }

  private LoadResult.ConnectStats connect() {
    return new LoadResult.ConnectStats(
        storm.seconds(), storm.perSecond(), storm.failed(), storm.notAttempted(), storm.reasons());
  }

  private LoadResult.CpuStats cpu() {
    if (first == null) {
      return new LoadResult.CpuStats(0, null, null, 0, List.of());
    }
    long deliveries = windowDeliveries();
    double loadMicros = (last.ownCpuNanos() - first.ownCpuNanos()) / 1_000.0;
    List<LoadResult.ServerCpu> servers = new ArrayList<>();
    long serverMicros = 0;
    boolean anyServer = false;
    for (long pid : options.serverPids()) {
      Long before = first.serverMicros().get(pid);
      Long after = last.serverMicros().get(pid);
      if (before == null || after == null) {
        String error =
            first.serverErrors().getOrDefault(pid, last.serverErrors().get(pid));
        servers.add(new LoadResult.ServerCpu(pid, null, error));
        continue;
      }
      serverMicros += after - before;
      anyServer = true;
      servers.add(new LoadResult.ServerCpu(pid, (after - before) / 1e6, null));
    }
    return new LoadResult.CpuStats(
        loadMicros / 1e6,
        anyServer ? serverMicros / 1e6 : null,
        anyServer ? perDelivery(serverMicros, deliveries) : null,
        perDelivery(loadMicros, deliveries),
        List.copyOf(servers));
  }

  private static double perDelivery(double micros, long deliveries) {
    return deliveries == 0 ? 0 : micros / deliveries;
  }

  private long windowDeliveries() {
    return first == null ? 0 : last.delivered() - first.delivered();
  }

  private double seconds() {
    return first == null ? 0 : (last.nanos() - first.nanos()) / 1e9;
  }

  private double perSecond(long count) {
    double seconds = seconds();
    return seconds == 0 ? 0 : count / seconds;
  }
}
