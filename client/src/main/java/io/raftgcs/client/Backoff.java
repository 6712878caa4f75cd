package io.raftgcs.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter; one instance per call, used by one thread at a time. */
final class Backoff {
  private final long initialNanos;
  private final long maxNanos;
  private long nextNanos;

  Backoff(Duration initial, Duration max) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = Math.max(max.toNanos(), initialNanos);
    this.nextNanos = initialNanos;
  }

  /** The delay before the next attempt: uniformly in [d/2, d], d doubling up to the cap. */
  long nextDelayNanos() {
    long d = nextNanos;
    nextNanos = Math.min(maxNanos, nextNanos * 2);
    long half = d / 2;
    return half + ThreadLocalRandom.current().nextLong(d - half + 1);
  }

  void reset() {
    nextNanos = initialNanos;
  }
}
