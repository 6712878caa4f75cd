package io.raftgcs.statemachine.table;

import io.raftgcs.proto.ActorDeathCause;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.ActorTableData.ActorState;

/**
 * Ray's actor transition rules as pure functions over rows: the restart budget, what is final, and
 * when a name is released. No I/O; the caller writes the result.
 */
public final class ActorLifecycle {
  private ActorLifecycle() {}

  public static boolean isLive(ActorState s) {
    return s != ActorState.DEAD;
  }

  /** Whether the restart budget allows one more restart (preemption restarts are free). */
  public static boolean hasRestartsLeft(ActorTableData a) {
    return a.getMaxRestarts() == -1
        || a.getNumRestarts() - a.getNumRestartsDueToNodePreemption() < a.getMaxRestarts();
  }

  /**
   * The actor's worker or node failed (or it was killed with restart allowed): RESTARTING, unplaced, if
   * the budget allows; otherwise DEAD with {@code cause}.
   */
  public static ActorTableData failed(ActorTableData a, ActorDeathCause cause, boolean preempted, long nowMs,
      long revision) {
    ActorTableData.Builder b = a.toBuilder().clearNodeId().clearAddress().clearPid().setModRevision(revision);
    if (a.getState() != ActorState.DEPENDENCIES_UNREADY && hasRestartsLeft(a)) {
      b.setState(ActorState.RESTARTING).setNumRestarts(a.getNumRestarts() + 1).setPreempted(preempted);
      if (preempted) {
        b.setNumRestartsDueToNodePreemption(a.getNumRestartsDueToNodePreemption() + 1);
      }
      return b.build();
    }
    return dead(b, a, cause, nowMs, revision);
  }

  /** Final death, whatever the budget says (kill with no_restart, owner death, user exit, out of scope). */
  public static ActorTableData dead(ActorTableData a, ActorDeathCause cause, long nowMs, long revision) {
    return dead(a.toBuilder().clearNodeId().clearAddress().clearPid().setModRevision(revision), a, cause, nowMs,
        revision);
  }

  private static ActorTableData dead(ActorTableData.Builder b, ActorTableData a, ActorDeathCause cause, long nowMs,
      long revision) {
    // A detached named actor whose worker died keeps its name until killed with no_restart (Ray's rule).
    boolean keepsName = a.getHoldsName() && a.getIsDetached() && cause.getKind() == ActorDeathCause.Kind.WORKER_DIED;
    return b.setState(ActorState.DEAD).setDeathCause(cause).setEndTimeMs(nowMs).setHoldsName(keepsName)
        .setDeathRevision(revision).build();
  }

  public static ActorDeathCause cause(ActorDeathCause.Kind kind, String message) {
    return ActorDeathCause.newBuilder().setKind(kind).setMessage(message).build();
  }
}
