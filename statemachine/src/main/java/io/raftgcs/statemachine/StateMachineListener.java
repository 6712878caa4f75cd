package io.raftgcs.statemachine;

import io.raftgcs.proto.EventBatch;

/**
 * What the server hears from the state machine. Called on Ratis threads (the apply thread for
 * {@link #onApplied}, {@link #onReloaded}); implementations must hand work off and return at once.
 */
public interface StateMachineListener {
  /** An entry is applied and written; {@code events} may be empty. */
  default void onApplied(long index, EventBatch events) {}

  /** The store was opened at start-up or replaced (snapshot installed from the leader) and now reflects {@code index}. */
  default void onReloaded(long index) {}

  default void onLeaderChanged(String leaderId) {}

  /** This replica is leader and has applied an entry of its own term: leader-only services may start. */
  default void onLeaderReady() {}

  /** This replica stopped being leader. */
  default void onNotLeader() {}
}
