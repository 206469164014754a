package dev.hub.metrics;

/** The label value of an event's audience in metrics: its kind, never its name. */
public enum AudienceKind {
  ALL("all"),
  CHANNEL("channel"),
  USER("user");

  final String label;

  AudienceKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
