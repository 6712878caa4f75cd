package io.raftgcs.statemachine.table;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.Bundle;
import io.raftgcs.proto.PlacementGroupTableData;
import io.raftgcs.proto.PlacementGroupTableData.PlacementGroupState;
import io.raftgcs.proto.PlacementStrategy;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Ray's placement-group rules as pure functions: which states wait for the scheduler, when a non-detached
 * group is removed automatically, and whether a complete bundle → node map honours a strict strategy.
 * No I/O.
 */
public final class PgLifecycle {
  private PgLifecycle() {}

  public static boolean awaitingPlacement(PlacementGroupTableData g) {
    return g.getState() == PlacementGroupState.PENDING || g.getState() == PlacementGroupState.RESCHEDULING;
  }

  /** A non-detached group lives while its creator job or its creator actor lives. */
  public static boolean shouldRemove(PlacementGroupTableData g) {
    return !g.getIsDetached() && g.getCreatorJobDead() && g.getCreatorActorDead()
        && g.getState() != PlacementGroupState.REMOVED;
  }

  /**
   * Whether {@code nodes} (one per bundle, all set) honours the strategy: STRICT_PACK one node,
   * STRICT_SPREAD pairwise distinct nodes; PACK and SPREAD are best effort and always hold.
   */
  public static boolean honours(PlacementStrategy s, List<ByteString> nodes) {
    Set<ByteString> distinct = new HashSet<>(nodes);
    return switch (s) {
      case STRICT_PACK -> distinct.size() <= 1;
      case STRICT_SPREAD -> distinct.size() == nodes.size();
      default -> true;
    };
  }

  public static boolean placed(Bundle b) {
    return !b.getNodeId().isEmpty();
  }
}
