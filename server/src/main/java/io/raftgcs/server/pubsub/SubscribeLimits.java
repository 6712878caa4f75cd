package io.raftgcs.server.pubsub;

/** Per-subscriber bounds and defaults (documented in the README). */
public record SubscribeLimits(long defaultProgressMs, long minProgressMs, long maxLagRevisions, long stallMs) {
  public static SubscribeLimits defaults() {
    return new SubscribeLimits(1000, 50, 100_000, 10_000);
  }
}
