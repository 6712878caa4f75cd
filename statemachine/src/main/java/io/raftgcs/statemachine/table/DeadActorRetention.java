package io.raftgcs.statemachine.table;

import com.google.protobuf.ByteString;
import io.raftgcs.proto.ActorTableData;
import io.raftgcs.proto.ActorTableData.ActorState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The order in which dead actors leave the table once more than the bound are kept (Ray's
 * {@code maximum_gcs_destroyed_actor_cached_count}): oldest death first, by the revision at which the actor
 * died, then by id. Every replica derives the same order, incrementally or by scanning the store.
 *
 * <p>Soft state of the apply thread, rebuilt by {@link ActorTable#load}. The map is only looked up.
 */
final class DeadActorRetention {
  private record Key(long deathRevision, ByteString id) {}

  private static final Comparator<Key> ORDER =
      Comparator.comparingLong(Key::deathRevision).thenComparing(Key::id, ActorIndex.KEY_ORDER);

  private final TreeSet<Key> order = new TreeSet<>(ORDER);
  private final Map<ByteString, Key> keyOf = new HashMap<>();

  void clear() {
    order.clear();
    keyOf.clear();
  }

  /** Follows a row written (or read at load): in the order while it is DEAD, out of it otherwise. */
  void track(ActorTableData row) {
    forget(row.getActorId());
    if (row.getState() == ActorState.DEAD) {
      Key k = new Key(deathRevision(row), row.getActorId());
      order.add(k);
      keyOf.put(k.id(), k);
    }
  }

  void forget(ByteString id) {
    Key old = keyOf.remove(id);
    if (old != null) {
      order.remove(old);
    }
  }

  /** Removes and returns, oldest death first, the dead actors beyond {@code max}. */
  List<ByteString> overflow(int max) {
    List<ByteString> out = new ArrayList<>();
    while (order.size() > Math.max(0, max)) {
      Key k = order.pollFirst();
      keyOf.remove(k.id());
      out.add(k.id());
    }
    return out;
  }

  int size() {
    return order.size();
  }

  /** Rows written before {@code death_revision} existed fall back to their last change. */
  static long deathRevision(ActorTableData a) {
    return a.getDeathRevision() > 0 ? a.getDeathRevision() : a.getModRevision();
  }
}
