package io.raftgcs.server.pubsub;

/**
 * Per-subscriber bounds and defaults (see docs/ARCHITECTURE.md). The cut-off bounds may be lowered with the
 * system properties {@code raftgcs.subscribe.maxLag} and {@code raftgcs.subscribe.stallMs}.
 */
public record SubscribeLimits(long defaultProgressMs, long minProgressMs, long maxLagRevisions, long stallMs) {
  public static SubscribeLimits defaults() {
    return new SubscribeLimits(1000, 50, Long.getLong("raftgcs.subscribe.maxLag", 100_000),
        Long.getLong("raftgcs.subscribe.stallMs", 10_000));
  }
}
