package io.raftgcs.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link NodeAgent} "starts" the actors placed on its node: a simulated worker that comes up
 * after {@code startDelay}, or whose constructor fails with probability {@code failureRate}
 * (reported as CREATION_TASK_FAILED, not retryable: the actor's restart rules apply).
 *
 * @param startDelay time from seeing the placement to reporting it started (or failed)
 * @param failureRate probability in [0, 1] that a start fails
 * @param sharedFeed when set, the agents take their placements from this one shared stream instead
 *     of a stream each (for many agents in one process); null: a stream per agent
 */
public record ActorHosting(Duration startDelay, double failureRate, AssignmentFeed sharedFeed) {
  public ActorHosting(Duration startDelay, double failureRate) {
    this(startDelay, failureRate, null);
  }

  public ActorHosting {
    Objects.requireNonNull(startDelay, "startDelay");
    if (startDelay.isNegative()) {
      throw new IllegalArgumentException("startDelay must not be negative: " + startDelay);
    }
    if (!(failureRate >= 0 && failureRate <= 1)) {
      throw new IllegalArgumentException("failureRate must be in [0, 1]: " + failureRate);
    }
  }

  /** Every actor starts at once and succeeds. */
  public static ActorHosting immediate() {
    return new ActorHosting(Duration.ZERO, 0);
  }

  public ActorHosting withStartDelay(Duration d) {
    return new ActorHosting(d, failureRate, sharedFeed);
  }

  public ActorHosting withFailureRate(double p) {
    return new ActorHosting(startDelay, p, sharedFeed);
  }

  public ActorHosting withSharedFeed(AssignmentFeed feed) {
    return new ActorHosting(startDelay, failureRate, feed);
  }
}
