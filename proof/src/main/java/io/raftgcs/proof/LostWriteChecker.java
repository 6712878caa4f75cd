package io.raftgcs.proof;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every acknowledged write must be visible at the end unless another write to the same key may have
 * come after it. "May have come after" = any other write to the key, acknowledged or of unknown
 * outcome, that had not completed before this one was invoked. For unique keys this is simply
 * "present with its value".
 */
public final class LostWriteChecker {
  private LostWriteChecker() {}

  /** @return one line per lost write; {@code finalState} maps key to value (absent keys missing). */
  public static List<String> check(List<Op> history, Map<String, String> finalState) {
    Map<String, List<Op>> writes = new HashMap<>();
    for (Op op : history) {
      if (op.isWrite() && op.outcome() != Op.Outcome.FAIL) {
        writes.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
      }
    }
    List<String> lost = new ArrayList<>();
    for (List<Op> ws : writes.values()) {
      for (Op w : ws) {
        if (w.outcome() != Op.Outcome.OK || w.type() != Op.Type.PUT) {
          continue; // PUT_IF_ABSENT may legitimately not write; DEL leaves nothing to find
        }
        boolean superseded = false;
        for (Op o : ws) {
          if (o != w && o.completeNs() > w.invokeNs()) {
            superseded = true;
            break;
          }
        }
        if (!superseded && !Objects.equals(finalState.get(w.key()), w.value())) {
          lost.add(w + " but the final value is " + finalState.get(w.key()));
        }
      }
    }
    return lost;
  }
}
