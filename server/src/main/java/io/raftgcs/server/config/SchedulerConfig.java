package io.raftgcs.server.config;

/**
 * Actor scheduling: placements unconfirmed by the node's agent after {@code placementTimeoutMs} go
 * back to pending; at most {@code maxBatch} placements per committed decision; the scheduler also runs
 * every {@code periodMs} even when nothing changed (to notice timeouts).
 */
public record SchedulerConfig(long placementTimeoutMs, int maxBatch, long periodMs) {
  public static SchedulerConfig defaults() {
    return new SchedulerConfig(30_000, 512, 500);
  }
}
