package io.raftgcs.server.config;

/**
 * Failure detection settings: agents heartbeat every {@code heartbeatPeriodMs}; a node silent for
 * {@code nodeTimeoutMs} is declared dead (after a new leader's own full grace period); at most
 * {@code maxDeadNodes} dead nodes are kept. {@code checkPeriodMs} is how often the monitor looks.
 */
public record NodeMonitorConfig(long heartbeatPeriodMs, long nodeTimeoutMs, long checkPeriodMs, int maxDeadNodes) {
  public NodeMonitorConfig {
    if (heartbeatPeriodMs <= 0 || nodeTimeoutMs <= heartbeatPeriodMs || checkPeriodMs <= 0 || maxDeadNodes < 0) {
      throw new IllegalArgumentException("node monitor: need 0 < heartbeat period < node timeout, check period > 0,"
          + " max dead nodes >= 0");
    }
  }

  public static NodeMonitorConfig defaults() {
    return new NodeMonitorConfig(1000, 10_000, 500, 1000);
  }
}
