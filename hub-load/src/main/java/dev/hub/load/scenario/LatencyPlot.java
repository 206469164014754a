package dev.hub.load.scenario;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The plot of scenario 2: end-to-end latency (p50 and p99, milliseconds, log scale) against the
 * publish rate, one pair of lines per cluster size. For more than one node the latency is the
 * remote subscribers' (the event crossed the cluster); for one node, every subscriber is local.
 */
final class LatencyPlot {
  /** One measured rate of one cluster size. */
  record Point(int nodes, double eventsPerSecond, double p50Ms, double p99Ms) {}

  private LatencyPlot() {}

  static void writePng(List<Point> points, int subscribers, String machine, Path png)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart chart = new XYChartBuilder()
        .width(900)
        .height(540)
        .title("End-to-end latency, " + subscribers + " subscribers (" + machine + ")")
        .xAxisTitle("events published per second (deliveries/s = events/s x " + subscribers + ")")
        .yAxisTitle("latency (ms, log scale)")
        .build();
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    Map<Integer, List<Point>> byNodes = new TreeMap<>();
    for (Point point : points) {
      byNodes.computeIfAbsent(point.nodes(), n -> new ArrayList<>()).add(point);
    }
    byNodes.forEach((nodes, series) -> {
      double[] rates = series.stream().mapToDouble(Point::eventsPerSecond).toArray();
      String label = nodes == 1 ? "1 node" : nodes + " nodes, remote";
      XYSeries p50 = chart.addSeries(
          label + " p50",
          rates,
          series.stream().mapToDouble(p -> Math.max(p.p50Ms(), 0.01)).toArray());
      p50.setMarker(SeriesMarkers.CIRCLE);
      XYSeries p99 = chart.addSeries(
          label + " p99",
          rates,
          series.stream().mapToDouble(p -> Math.max(p.p99Ms(), 0.01)).toArray());
      p99.setMarker(SeriesMarkers.DIAMOND);
    });
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
